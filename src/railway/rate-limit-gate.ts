import { retryAtFrom } from '../channels/http-post.js'

type Headers = Readonly<Record<string, string | string[] | undefined>>

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)

/**
 * When `X-RateLimit-Reset` allows requests again: epoch seconds (or milliseconds) when the number is
 * that large, else seconds from now; an HTTP-date otherwise. Railway's API reference names the
 * header without pinning its unit, so every form seen in the wild is read.
 */
export function resetAtFrom (value: string | string[] | undefined, now: Date): Date | undefined {
  const text = first(value)?.trim()
  if (text === undefined || text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text)
    if (n > 1e12) return new Date(n)
    if (n > 1e9) return new Date(n * 1000)
    return new Date(now.getTime() + n * 1000)
  }
  return retryAtFrom(text, now)
}

/** Holds requests while Railway's quota is spent. */
export interface RateLimitGate {
  /** Milliseconds until requests may go again (0: now). */
  waitMs: () => number
  /**
   * Reads an answer's headers: a 429's `Retry-After` (else `X-RateLimit-Reset`, else `fallbackMs`),
   * or `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset` on any answer, holds further requests.
   */
  observe: (status: number, headers: Headers) => void
}

/** One gate per client: every operation shares Railway's per-token quota. */
export function createRateLimitGate (now: () => Date, fallbackMs = 60_000): RateLimitGate {
  let openAt = 0
  const hold = (until: Date | undefined): void => { if (until !== undefined) openAt = Math.max(openAt, until.getTime()) }
  return {
    waitMs: () => Math.max(0, openAt - now().getTime()),
    observe (status, headers) {
      const at = now()
      if (status === 429) {
        hold(retryAtFrom(headers['retry-after'], at) ?? resetAtFrom(headers['x-ratelimit-reset'], at) ?? new Date(at.getTime() + fallbackMs))
      } else if (first(headers['x-ratelimit-remaining'])?.trim() === '0') {
        hold(resetAtFrom(headers['x-ratelimit-reset'], at))
      }
    }
  }
}
