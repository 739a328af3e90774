import type { Condition, EnvironmentTarget } from '../monitor/types.js'
import { hideQueryString, redactUrl } from '../redact.js'
import { formatDuration } from './format.js'

// A path's query may carry a key: names kept, values hidden.
const shownPath = (path: string): string => {
  const at = path.indexOf('?')
  return at === -1 ? path : path.slice(0, at) + hideQueryString(path.slice(at))
}

const ranges = (target: EnvironmentTarget): string =>
  (target.expectedStatus ?? [{ from: 200, to: 299 }]).map(({ from, to }) => (from === to ? String(from) : `${from}-${to}`)).join(', ')

// Condition values may be `${VAR}`-expanded: the kind and the path are shown, never the value.
const condition = (c: Condition): string => (c.kind === 'json' ? `json ${c.path} ${c.op}` : c.kind)

/** What `vigil config check` shows of one resolved environment, as `key: value` rows; secrets never (headers by name only). */
export function describeEnvironment (target: EnvironmentTarget): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['url', target.displayUrl],
    ['health', `${target.method ?? 'GET'} ${shownPath(target.healthPath)}, expecting ${ranges(target)}`],
    ['timeout', `${formatDuration(target.timeoutMs)}, ${target.attempts} ${target.attempts === 1 ? 'attempt' : 'attempts'} ${formatDuration(target.retryDelayMs)} apart`],
    ['thresholds', `response time under ${formatDuration(target.maxResponseTimeMs)}, TLS certificate at least ${target.tlsMinDays} days, ` +
      `${target.failureThreshold ?? 1} failed to open, ${target.successThreshold ?? 2} healthy to resolve`],
    ['checks', target.checks.length === 0 ? '-' : target.checks.map(shownPath).join(', ')]
  ]
  if (target.conditions !== undefined && target.conditions.length > 0) rows.push(['conditions', target.conditions.map(condition).join('; ')])
  if (target.headers !== undefined && Object.keys(target.headers).length > 0) rows.push(['headers', Object.keys(target.headers).map((name) => `${name} (value hidden)`).join(', ')])
  if (target.labels.length > 0) rows.push(['labels', target.labels.join(', ')])
  if (target.verifyAttempts !== undefined || target.verifyDelayMs !== undefined) {
    rows.push(['verify', `${target.verifyAttempts ?? '-'} tries ${target.verifyDelayMs === undefined ? '' : `${formatDuration(target.verifyDelayMs)} apart`}`.trim()])
  }
  if (target.railway !== undefined) {
    const { environment, service, projectId } = target.railway
    rows.push(['railway', `environment ${environment}, ${service === undefined ? 'every service' : `service ${service}`}${projectId === undefined ? '' : `, project ${projectId}`}`])
  }
  if (target.autoRollback === true) rows.push(['rollback', 'automatic, once, when a new deployment never verifies healthy (auto_rollback)'])
  const proxy = target.proxy === undefined ? '' : (new URL(target.url).protocol === 'https:' ? target.proxy.httpsProxy : target.proxy.httpProxy)
  if (proxy !== '') rows.push(['proxy', redactUrl(proxy)])
  if (target.ca !== undefined) rows.push(['tls', 'own CA certificates'])
  if (target.tlsSkipVerify === true) rows.push(['tls', 'verification off (tls_skip_verify)'])
  return rows
}
