import { createHmac } from 'node:crypto'

/** Name of the cookie that lets a reader who gave `?token=` follow the page's links. */
export const SESSION_COOKIE = 'vigil_status'

/** How long the cookie lasts: a day; the token opens a new one. */
export const SESSION_MAX_AGE_SECONDS = 86_400

/**
 * The cookie's value for STATUS_PAGE_TOKEN `token`: an HMAC-SHA-256 of a fixed label keyed by the
 * token (base64url). It opens the status routes as the token does, but does not reveal the token,
 * and changes when the token changes (every cookie issued before is then refused).
 */
export function sessionValue (token: string): string {
  return createHmac('sha256', token).update('vigil status page session 1').digest('base64url')
}

/** The value of cookie `name` in a Cookie request header; undefined when absent. */
export function cookieValue (header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return undefined
}

/** The Set-Cookie header for `value`: HttpOnly, SameSite=Strict, Path=/, a day; Secure over https. */
export function sessionCookie (value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${SESSION_MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
}
