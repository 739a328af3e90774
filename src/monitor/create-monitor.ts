import type { ComponentRegistry } from '../health/component-registry.js'
import type { EnvironmentBoard } from '../health/environment-board.js'
import type { Metrics } from '../metrics/create-metrics.js'
import type { Redactor } from '../redact.js'
import { createLocalLock, createNoopSink } from './defaults.js'
import { environmentSummary } from './environment-summary.js'
import { runCycle, type CycleOptions } from './run-cycle.js'
import type { CheckResult, CycleLock, CycleSink, EnvironmentTarget, IncidentLink } from './types.js'

/** The logging the monitor needs; a pino logger fits. */
export interface MonitorLog {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

export interface MonitorOptions {
  readonly targets: readonly EnvironmentTarget[]
  readonly intervalMs: number
  readonly metrics: Metrics
  readonly environments: EnvironmentBoard
  readonly components: ComponentRegistry
  readonly redact: Redactor
  readonly log: MonitorLog
  readonly sink?: CycleSink | undefined
  readonly lock?: CycleLock | undefined
  /** Passed to every check: dispatcher, concurrency, a replacement check. */
  readonly cycle?: Omit<CycleOptions, 'signal'> | undefined
  readonly now?: () => Date
}

/** How one cycle ended; `skipped` when another replica holds the cycle lock. */
export type CycleOutcome = 'success' | 'failure' | 'skipped' | 'aborted'

export interface Monitor {
  /** Runs one cycle; never throws. */
  runOnce: () => Promise<CycleOutcome>
  /** Marks the `monitor` component degraded when the last run is older than two intervals. */
  checkStaleness: () => void
  /** Aborts a running cycle, waits for it, then closes the sink and the lock. */
  close: () => Promise<void>
}

/** Component name under which the monitor reports its own health. */
export const MONITOR_COMPONENT = 'monitor'

/**
 * The monitor's cycle, free of Fastify: lock → check every environment → board and metrics →
 * sink → incident links. The plugin only schedules it.
 */
export function createMonitor (options: MonitorOptions): Monitor {
  const { targets, intervalMs, metrics, environments, components, redact, log } = options
  const sink = options.sink ?? createNoopSink()
  const lock = options.lock ?? createLocalLock()
  const now = options.now ?? (() => new Date())
  const controller = new AbortController()
  const startedAt = now()
  let lastRunAt: Date | undefined
  let lastOutcome: CycleOutcome | undefined
  let incidents: Readonly<Record<string, IncidentLink>> = {}
  let latest: readonly CheckResult[] = []
  let running: Promise<CycleOutcome> | undefined

  components.register({ name: MONITOR_COMPONENT, required: false })
  const details = (): Record<string, unknown> => ({
    environments: targets.length,
    interval_seconds: intervalMs / 1000,
    last_run_at: lastRunAt?.toISOString() ?? null,
    last_result: lastOutcome ?? null
  })
  // Healthy from the start: staleness is measured from start-up until the first run finishes.
  components.record(MONITOR_COMPONENT, { status: 'healthy', latencyMs: 0, details: details() }, startedAt)

  const show = (): void => {
    for (const result of latest) environments.set(result.environment, environmentSummary(result, incidents[result.environment]))
    for (const target of targets) metrics.incidentsOpen.set({ environment: target.name }, incidents[target.name] === undefined ? 0 : 1)
  }

  const record = (results: readonly CheckResult[]): void => {
    latest = results
    for (const result of results) {
      const environment = result.environment
      metrics.environmentUp.set({ environment }, result.status === 'unhealthy' ? 0 : 1)
      if (result.responseTimeMs === null) metrics.environmentResponseTime.remove({ environment })
      else metrics.environmentResponseTime.set({ environment }, result.responseTimeMs / 1000)
      if (result.tlsExpiresAt !== null) metrics.environmentTlsExpiry.set({ environment }, Math.floor(result.tlsExpiresAt.getTime() / 1000))
      if (result.status !== 'healthy') log.warn({ target: environment, status: result.status, failures: result.failures }, `environment ${environment} is ${result.status}`)
    }
    show()
  }

  const cycle = async (): Promise<void> => {
    const at = now()
    const results = await runCycle(targets, { ...options.cycle, signal: controller.signal })
    if (controller.signal.aborted) return
    // Shown before the sink runs, so a slow GitHub never delays the report.
    record(results)
    incidents = await sink.handle(results, at)
    show()
  }

  const runOnce = async (): Promise<CycleOutcome> => {
    const started = now()
    let outcome: CycleOutcome
    let error: string | undefined
    try {
      const locked = await lock.runExclusive(cycle)
      outcome = controller.signal.aborted ? 'aborted' : locked.ran ? 'success' : 'skipped'
    } catch (err) {
      outcome = controller.signal.aborted ? 'aborted' : 'failure'
      error = redact(err instanceof Error ? err.message : String(err))
      log.error({ err }, 'monitor cycle failed')
    }
    if (outcome === 'aborted') return outcome
    const finished = now()
    lastRunAt = finished
    lastOutcome = outcome
    metrics.monitorRuns.inc({ result: outcome })
    metrics.monitorLastRun.set(finished.getTime() / 1000)
    const latencyMs = finished.getTime() - started.getTime()
    components.record(MONITOR_COMPONENT, outcome === 'failure'
      ? { status: 'degraded', latencyMs, error: `last cycle failed: ${error ?? 'unknown error'}`, details: details() }
      : { status: 'healthy', latencyMs, details: details() }, finished)
    log.info({ result: outcome, environments: targets.length, duration_ms: latencyMs }, 'monitor cycle finished')
    return outcome
  }

  return {
    runOnce: async () => {
      // The scheduler already prevents overlap; this guards direct calls too.
      running ??= runOnce().finally(() => { running = undefined })
      return await running
    },
    checkStaleness () {
      const reference = lastRunAt ?? startedAt
      const ageMs = now().getTime() - reference.getTime()
      if (ageMs <= 2 * intervalMs) return
      components.record(MONITOR_COMPONENT, {
        status: 'degraded',
        latencyMs: 0,
        error: `no monitor cycle has finished for ${Math.round(ageMs / 1000)} s (interval ${intervalMs / 1000} s)`,
        details: details()
      })
    },
    async close () {
      controller.abort()
      await running
      for (const closed of await Promise.allSettled([sink.close(), lock.close()])) {
        if (closed.status === 'rejected') log.error({ err: closed.reason }, 'closing the monitor sink or lock failed')
      }
    }
  }
}
