import type { EnvironmentSummary } from '../health/environment-board.js'
import type { CheckResult, IncidentLink } from './types.js'

/** One check result as the report's `environments` entry shows it. */
export function environmentSummary (result: CheckResult, incident: IncidentLink | undefined): EnvironmentSummary {
  return {
    status: result.status,
    url: result.displayUrl,
    last_checked_at: result.checkedAt.toISOString(),
    http_status: result.httpStatus,
    response_time_ms: result.responseTimeMs === null ? null : Math.round(result.responseTimeMs),
    tls_days_left: result.tlsDaysLeft,
    ...(result.failures.length === 0 ? {} : { error: result.failures.join('; ') }),
    ...(result.tlsVerified === false ? { tls_verified: false as const, tls_problems: result.tlsProblems ?? [] } : {}),
    incident: incident === undefined ? null : { issue_url: incident.issue_url, opened_at: incident.opened_at }
  }
}
