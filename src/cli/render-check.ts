import { worstStatus, type Status } from '../health/status.js'
import { environmentSummary, shownFailures } from '../monitor/environment-summary.js'
import type { CheckResult } from '../monitor/types.js'
import { formatTable } from './format.js'

/** `vigil check --json`: overall status, and per environment the report's entry plus every failure and try. */
export interface CheckReport {
  readonly status: Status
  readonly checked_at: string
  readonly environments: Record<string, Record<string, unknown>>
}

/** The results as `vigil check --json` prints them; each environment as `/health/detailed` shows it (no incident). */
export function checkReport (results: readonly CheckResult[], at: Date): CheckReport {
  const environments: CheckReport['environments'] = {}
  for (const result of results) {
    // The CLI knows no incidents: the report's `incident` key is left out rather than shown as null.
    const summary = Object.fromEntries(Object.entries(environmentSummary(result, undefined)).filter(([key]) => key !== 'incident'))
    environments[result.environment] = {
      ...summary,
      failures: [...result.failures],
      attempts: result.attempts.map((a) => ({ attempt: a.attempt, http_status: a.httpStatus, response_time_ms: a.responseTimeMs === null ? null : Math.round(a.responseTimeMs), ...(a.error === undefined ? {} : { error: a.error }) })),
      paths: result.paths.map((p) => ({ path: p.path, http_status: p.httpStatus, ...(p.error === undefined ? {} : { error: p.error }) }))
    }
  }
  return { status: worstStatus(results.map((r) => r.status)), checked_at: at.toISOString(), environments }
}

const orDash = (value: number | null, suffix = ''): string => (value === null ? '-' : `${Math.round(value)}${suffix}`)

/** The results as a table for people, each failure under its environment, and a closing summary line. */
export function checkTable (results: readonly CheckResult[]): string {
  const lines: string[] = []
  const rows = [['ENVIRONMENT', 'STATUS', 'HTTP', 'TIME', 'TLS', 'URL'], ...results.map((r) => [
    r.environment, r.status, orDash(r.httpStatus), orDash(r.responseTimeMs, ' ms'), orDash(r.tlsDaysLeft, ' d'), r.displayUrl
  ])]
  const table = formatTable(rows)
  lines.push(table[0]!)
  results.forEach((result, i) => {
    lines.push(table[i + 1]!)
    for (const failure of shownFailures(result.failures)) lines.push(`    - ${failure}`)
  })
  const notHealthy = results.filter((r) => r.status !== 'healthy').length
  lines.push('', notHealthy === 0
    ? `all ${results.length} ${results.length === 1 ? 'environment is' : 'environments are'} healthy`
    : `${notHealthy} of ${results.length} ${results.length === 1 ? 'environment is' : 'environments are'} not healthy`)
  return lines.join('\n') + '\n'
}
