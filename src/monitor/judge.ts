import { getHeapStatistics } from 'node:v8'
import type { Status } from '../health/status.js'
import type { Redactor } from '../redact.js'
import { failedConditions, NOT_JSON, shownValue } from './conditions.js'
import type { RequestOutcome } from './send-request.js'
import { statusOfWord } from './status-words.js'
import type { EnvironmentTarget, StatusRange } from './types.js'

/** A status and, unless healthy, the short reasons (stable between identical failures). */
export interface Verdict {
  readonly status: Status
  readonly errors: readonly string[]
}

const HEALTHY: Verdict = { status: 'healthy', errors: [] }

/** Any 2xx: what an answer must be unless `expected_status` says otherwise. */
export const DEFAULT_EXPECTED_STATUS: readonly StatusRange[] = [{ from: 200, to: 299 }]

/** Whether `code` is in one of the ranges. */
export function statusExpected (code: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some(({ from, to }) => code >= from && code <= to)
}

/** Returned by parseJsonBody for JSON whose parse would not fit the heap (jsonHeapBytes). */
export const JSON_TOO_BIG = Symbol('JSON too big for the heap')

/**
 * A low estimate of the heap a JSON text's parse takes, in bytes: 24 per object or array (V8's
 * object header) and 8 per separator (a tagged slot), not counting the text itself or its strings. 95 MiB of `{},{},…` is 32 million objects, about 1 GB: parsed anyway, it held a
 * 425 MB heap thrashing near its limit for minutes without ever running out of memory (tryout).
 */
export function jsonHeapBytes (text: string): number {
  let containers = 0
  let separators = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 123 || c === 91) containers++ // { [
    else if (c === 44) separators++ // ,
  }
  return 24 * containers + 8 * separators
}

/** What the heap can still take, in bytes (this thread's limit less what is in use). */
const heapHeadroom = (): number => {
  const { heap_size_limit: limit, used_heap_size: used } = getHeapStatistics()
  return limit - used
}

/**
 * The body parsed as JSON, NOT_JSON when it does not parse, undefined when there is nothing to
 * parse, JSON_TOO_BIG when its parse would not fit in `headroom` bytes of heap (jsonHeapBytes;
 * checked only for bodies past 1 MiB, where it can matter).
 */
export function parseJsonBody (contentType: string, body: string, headroom = heapHeadroom): unknown {
  const text = body.trim()
  if (text === '') return undefined
  if (!/json/i.test(contentType) && !text.startsWith('{') && !text.startsWith('[')) return undefined
  if (text.length > 1_048_576 && jsonHeapBytes(text) > headroom()) return JSON_TOO_BIG
  try {
    return JSON.parse(text) as unknown
  } catch {
    return NOT_JSON
  }
}

/** Judges the `status` a JSON body reports with the status-word table; unknown words fail closed. */
function judgeReportedStatus (json: unknown, redact: Redactor): Verdict {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('status' in json)) return HEALTHY
  const reported = (json as { status: unknown }).status
  const status = typeof reported === 'string' ? statusOfWord(reported) : undefined
  // Only a known word is shown lowercased; anything else exactly as sent, so the redactor sees
  // secrets in their own case (a token lowercased would escape it).
  const shown = shownValue(status !== undefined && typeof reported === 'string' ? reported.toLowerCase() : reported, redact)
  if (status === undefined) return { status: 'unhealthy', errors: [`reported status ${shown} is not a known status word`] }
  return status === 'healthy' ? HEALTHY : { status, errors: [`reported status ${shown}`] }
}

/** What the check knows besides the answer itself. */
export interface JudgeContext {
  readonly certificateDaysLeft: number | null
  readonly redact: Redactor
}

/**
 * Judges one try of the health URL: an expected status, fast enough, a body that can be read and
 * judged (unless `ignore_body`), a reported `status` that is healthy, and every condition.
 */
export function judgeHealth (outcome: RequestOutcome, target: EnvironmentTarget, context: JudgeContext): Verdict {
  if (!outcome.ok) return { status: 'unhealthy', errors: outcome.failure.problems ?? [outcome.failure.error] }
  if (!statusExpected(outcome.httpStatus, target.expectedStatus ?? DEFAULT_EXPECTED_STATUS)) return { status: 'unhealthy', errors: [`HTTP ${outcome.httpStatus}`] }
  if (outcome.responseTimeMs > target.maxResponseTimeMs) return { status: 'unhealthy', errors: [`slower than ${target.maxResponseTimeMs} ms`] }
  let verdict = HEALTHY
  let json: unknown = NOT_JSON
  if (target.ignoreBody !== true) {
    if (outcome.bodyTooLarge) return { status: 'unhealthy', errors: [`body larger than ${target.maxBodyBytes ?? 0} bytes`] }
    json = parseJsonBody(outcome.contentType, outcome.body ?? '')
    if (json === NOT_JSON) return { status: 'unhealthy', errors: ['body could not be read as JSON'] }
    if (json === JSON_TOO_BIG) return { status: 'unhealthy', errors: ['JSON body too big to parse in the check thread\'s heap'] }
    verdict = judgeReportedStatus(json, context.redact)
    if (json === undefined) json = NOT_JSON
  }
  const failed = failedConditions(target.conditions ?? [], {
    httpStatus: outcome.httpStatus,
    responseTimeMs: outcome.responseTimeMs,
    body: outcome.body,
    json,
    certificateDaysLeft: context.certificateDaysLeft
  }, context.redact)
  if (failed.length === 0) return verdict
  return { status: 'unhealthy', errors: [...verdict.errors, ...failed] }
}

/** Judges an extra path: any 2xx will do. */
export function judgePath (outcome: RequestOutcome): Verdict {
  if (!outcome.ok) return { status: 'unhealthy', errors: outcome.failure.problems ?? [outcome.failure.error] }
  if (outcome.httpStatus < 200 || outcome.httpStatus > 299) return { status: 'unhealthy', errors: [`HTTP ${outcome.httpStatus}`] }
  return HEALTHY
}

const DAY_MS = 86_400_000

/** Days left on a certificate, and a failure naming it when fewer than the environment requires. */
export function judgeCertificate (expiresAt: Date, subject: string, now: Date, minDays: number): { daysLeft: number, verdict: Verdict } {
  const daysLeft = Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS)
  const date = expiresAt.toISOString().slice(0, 10)
  if (expiresAt.getTime() <= now.getTime()) return { daysLeft, verdict: { status: 'unhealthy', errors: [`TLS certificate "${subject}" expired on ${date}`] } }
  if (daysLeft < minDays) return { daysLeft, verdict: { status: 'unhealthy', errors: [`TLS certificate "${subject}" expires on ${date}, less than ${minDays} days away`] } }
  return { daysLeft, verdict: HEALTHY }
}
