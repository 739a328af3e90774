import { STATUS_WORDS } from '../health/status.js'
import type { Metrics } from '../metrics/create-metrics.js'
import type { SeriesGauge } from '../metrics/series-gauge.js'
import { pruneSeries } from '../metrics/prune-series.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'
import { shownPath } from './shown-path.js'
import type { CheckResult, EnvironmentTarget } from './types.js'

/** Sets the series when there is a value, removes it otherwise (no answer: no status code). */
function setOrRemove<T extends string> (gauge: { set: (labels: Record<T, string>, value: number) => void, remove: (labels: Record<T, string>) => void }, labels: Record<T, string>, value: number | null): void {
  if (value === null) gauge.remove(labels)
  else gauge.set(labels, value)
}

/**
 * Each configured extra path's outcome, keyed by the path as shown. Paths are tried only once the
 * health URL answered: untried ones count as failing. `checks` differing only by query share a
 * label and count as one: it succeeds when all of them did, and shows a failing one's status code.
 */
function pathOutcomes (target: EnvironmentTarget, result: CheckResult): Map<string, { success: number, httpStatus: number | null }> {
  const outcomes = new Map<string, { success: number, httpStatus: number | null }>()
  for (const path of new Set(target.checks.map(shownPath))) {
    const tried = result.paths.filter((p) => p.path === path)
    const failed = tried.find((p) => p.error !== undefined)
    outcomes.set(path, { success: tried.length > 0 && failed === undefined ? 1 : 0, httpStatus: (failed ?? tried[0])?.httpStatus ?? null })
  }
  return outcomes
}

/**
 * Writes a cycle's results into the per-environment series (docs/metrics.md, "Environments"):
 * up, the status word as a state set (blackbox/kube-state-metrics style: 1 for the current word,
 * 0 for the others), response time, HTTP status code, certificate expiry and each extra path.
 * Then removes the series of environments and paths the targets no longer list, so a monitor built
 * on new targets (a changed file, discovery) leaves nothing stale. Label values come from the
 * configuration only (names and paths without their query), so the series count is bounded by it.
 */
export async function recordResultMetrics (metrics: Metrics, targets: readonly EnvironmentTarget[], results: readonly CheckResult[]): Promise<void> {
  const byName = new Map(targets.map((target) => [target.name, target]))
  // In slices: about six series per environment, 60,000 sets at 10,000 environments.
  await forEachInSlices(results, DEFAULT_SLICE_SIZE, (result) => {
    const environment = result.environment
    // One labels object for the environment's series (a SeriesGauge keeps none of them).
    const labels = { environment }
    metrics.environmentUp.set(labels, result.status === 'unhealthy' ? 0 : 1)
    for (const status of STATUS_WORDS) metrics.environmentStatus.set({ environment, status }, result.status === status ? 1 : 0)
    setOrRemove(metrics.environmentResponseTime, labels, result.responseTimeMs === null ? null : result.responseTimeMs / 1000)
    setOrRemove(metrics.environmentHttpStatus, labels, result.httpStatus)
    // Without a certificate read this time (no answer), the last known expiry stays.
    if (result.tlsExpiresAt !== null) metrics.environmentTlsExpiry.set(labels, Math.floor(result.tlsExpiresAt.getTime() / 1000))
    const target = byName.get(environment)
    if (target === undefined || target.checks.length === 0) return
    for (const [path, outcome] of pathOutcomes(target, result)) {
      metrics.environmentCheckSuccess.set({ environment, path }, outcome.success)
      setOrRemove(metrics.environmentCheckHttpStatus, { environment, path }, outcome.httpStatus)
    }
  })

  const listed = (labels: { environment?: string | number }): boolean => byName.has(String(labels.environment))
  const pathListed = (labels: { environment?: string | number, path?: string | number }): boolean =>
    byName.get(String(labels.environment))?.checks.some((path) => shownPath(path) === String(labels.path)) === true
  // One family after the other: run together, their slices would follow each other unbroken.
  for (const gauge of [metrics.environmentUp, metrics.environmentStatus, metrics.environmentResponseTime, metrics.environmentHttpStatus, metrics.environmentTlsExpiry, metrics.incidentsOpen]) {
    await pruneSeries<'environment' | 'status'>(gauge as SeriesGauge<'environment' | 'status'>, listed)
  }
  await pruneSeries(metrics.environmentCheckSuccess, pathListed)
  await pruneSeries(metrics.environmentCheckHttpStatus, pathListed)
}
