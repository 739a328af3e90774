import type { EnvironmentSummary } from '../health/environment-board.js'
import type { CheckResult, IncidentLink } from './types.js'

/** Failures shown in the report and the logs; the issue carries them all (up to GitHub's limit). */
const SHOWN_FAILURES = 10
/** Characters of one failure phrase shown there. */
const SHOWN_FAILURE_LENGTH = 300

/** The failures as the report and the logs show them: the first ten, each shortened, then how many more. */
export function shownFailures (failures: readonly string[]): string[] {
  const shown = failures.slice(0, SHOWN_FAILURES).map((f) => (f.length <= SHOWN_FAILURE_LENGTH ? f : `${f.slice(0, SHOWN_FAILURE_LENGTH - 1)}…`))
  return failures.length > SHOWN_FAILURES ? [...shown, `… and ${failures.length - SHOWN_FAILURES} more`] : shown
}

/** The part of a check result that the report shows (environmentSummary reads nothing else). */
export type ShownResult = Pick<CheckResult, 'environment' | 'status' | 'displayUrl' | 'checkedAt' | 'httpStatus' | 'responseTimeMs' | 'tlsDaysLeft' | 'failures' | 'tlsVerified' | 'tlsProblems'>

/**
 * The shown part of `result`, for keeping between cycles: the monitor shows the latest results
 * again whenever incident links change, and the whole result (each attempt, each path, the body
 * excerpt: ~600 bytes at least) is garbage once decided on and recorded. Shares the original's
 * values (the Date, the failure list), copies none.
 */
export function shownResult (result: CheckResult): ShownResult {
  return {
    environment: result.environment,
    status: result.status,
    displayUrl: result.displayUrl,
    checkedAt: result.checkedAt,
    httpStatus: result.httpStatus,
    responseTimeMs: result.responseTimeMs,
    tlsDaysLeft: result.tlsDaysLeft,
    failures: result.failures,
    tlsVerified: result.tlsVerified,
    tlsProblems: result.tlsProblems
  }
}

/** One check result as the report's `environments` entry shows it. */
export function environmentSummary (result: ShownResult, incident: IncidentLink | undefined): EnvironmentSummary {
  return {
    status: result.status,
    url: result.displayUrl,
    last_checked_at: result.checkedAt.toISOString(),
    http_status: result.httpStatus,
    response_time_ms: result.responseTimeMs === null ? null : Math.round(result.responseTimeMs),
    tls_days_left: result.tlsDaysLeft,
    ...(result.failures.length === 0 ? {} : { error: shownFailures(result.failures).join('; ') }),
    ...(result.tlsVerified === false ? { tls_verified: false as const, tls_problems: result.tlsProblems ?? [] } : {}),
    incident: incident === undefined ? null : { issue_url: incident.issue_url, opened_at: incident.opened_at }
  }
}
