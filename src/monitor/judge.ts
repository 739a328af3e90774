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

/** The body parsed as JSON, NOT_JSON when it does not parse, undefined when there is nothing to parse. */
export function parseJsonBody (contentType: string, body: string): unknown {
  const text = body.trim()
  if (text === '') return undefined
  if (!/json/i.test(contentType) && !text.startsWith('{') && !text.startsWith('[')) return undefined
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
