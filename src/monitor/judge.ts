import type { Status } from '../health/status.js'
import type { EnvironmentTarget } from './types.js'
import type { GetOutcome } from './http-get.js'

/** A status and, unless healthy, the short reason (stable between identical failures). */
export interface Verdict {
  readonly status: Status
  readonly error?: string
}

const UNHEALTHY_WORDS = new Set(['unhealthy', 'fail', 'error'])
const DEGRADED_WORDS = new Set(['degraded', 'warn'])

/** The `status` field of a JSON body, lower-cased; undefined when there is none. */
export function bodyStatus (contentType: string, body: string): string | undefined {
  if (!/json/i.test(contentType) && !body.trimStart().startsWith('{')) return undefined
  try {
    const parsed: unknown = JSON.parse(body)
    const status = (parsed as { status?: unknown } | null)?.status
    return typeof status === 'string' ? status.toLowerCase() : undefined
  } catch {
    return undefined
  }
}

/** Judges one try of the health URL: 2xx, fast enough, and a JSON `status` that is not failing. */
export function judgeHealth (outcome: GetOutcome, target: EnvironmentTarget): Verdict {
  if (!outcome.ok) return { status: 'unhealthy', error: outcome.failure.error }
  if (outcome.httpStatus < 200 || outcome.httpStatus > 299) return { status: 'unhealthy', error: `HTTP ${outcome.httpStatus}` }
  if (outcome.responseTimeMs > target.maxResponseTimeMs) return { status: 'unhealthy', error: `slower than ${target.maxResponseTimeMs} ms` }
  const reported = bodyStatus(outcome.contentType, outcome.body)
  if (reported !== undefined && UNHEALTHY_WORDS.has(reported)) return { status: 'unhealthy', error: `reported status "${reported}"` }
  if (reported !== undefined && DEGRADED_WORDS.has(reported)) return { status: 'degraded', error: `reported status "${reported}"` }
  return { status: 'healthy' }
}

/** Judges an extra path: any 2xx will do. */
export function judgePath (outcome: GetOutcome): Verdict {
  if (!outcome.ok) return { status: 'unhealthy', error: outcome.failure.error }
  if (outcome.httpStatus < 200 || outcome.httpStatus > 299) return { status: 'unhealthy', error: `HTTP ${outcome.httpStatus}` }
  return { status: 'healthy' }
}

const DAY_MS = 86_400_000

/** Days left on a certificate, and a failure when fewer than the environment requires. */
export function judgeCertificate (expiresAt: Date, now: Date, minDays: number): { daysLeft: number, verdict: Verdict } {
  const daysLeft = Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS)
  const date = expiresAt.toISOString().slice(0, 10)
  if (expiresAt.getTime() <= now.getTime()) return { daysLeft, verdict: { status: 'unhealthy', error: `TLS certificate expired on ${date}` } }
  if (daysLeft < minDays) return { daysLeft, verdict: { status: 'unhealthy', error: `TLS certificate expires on ${date}, less than ${minDays} days away` } }
  return { daysLeft, verdict: { status: 'healthy' } }
}
