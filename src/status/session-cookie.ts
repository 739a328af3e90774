import { createHmac } from 'node:crypto'
import { parseCookie, stringifySetCookie } from 'cookie'
import { secretMatches } from '../routes/bearer-token.js'

/** Name of the cookie that lets a reader who gave `?token=` follow the page's links. */
export const SESSION_COOKIE = 'vigil_status'

/** How long the cookie opens the page: a day, in seconds; the token opens a new one. */
export const SESSION_MAX_AGE_SECONDS = 86_400

const mac = (token: string, expires: number): string =>
  createHmac('sha256', token).update(`vigil status page session 2 ${expires}`).digest('base64url')

/**
 * A session value for STATUS_PAGE_TOKEN `token`, issued at `now` (ms): `<expiry, Unix seconds>.<HMAC-SHA-256
 * of the expiry keyed by the token, base64url>`. It opens the status routes as the token does until
 * its expiry, without revealing the token; a new token refuses every value issued before.
 */
export function sessionValue (token: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + SESSION_MAX_AGE_SECONDS
  return `${expires}.${mac(token, expires)}`
}

/** Whether `value` (a cookie's, or undefined) is a session of `token` that has not expired at `now` (ms); compared in constant time. */
export function sessionValid (value: string | undefined, token: string, now = Date.now()): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '')
  if (match === null) return false
  const expires = Number(match[1])
  return expires * 1000 > now && secretMatches(match[2]!, mac(token, expires))
}

/** The session cookie's value in a Cookie request header (RFC 6265, parsed by `cookie`); undefined when absent. */
export function sessionFrom (header: string | undefined): string | undefined {
  return header === undefined ? undefined : parseCookie(header)[SESSION_COOKIE]
}

/** The Set-Cookie header of a new session of `token`: HttpOnly, SameSite=Strict, Path=/, a day; Secure over https. */
export function sessionCookie (token: string, secure: boolean, now = Date.now()): string {
  return stringifySetCookie({ name: SESSION_COOKIE, value: sessionValue(token, now), path: '/', maxAge: SESSION_MAX_AGE_SECONDS, httpOnly: true, sameSite: 'strict', secure })
}
