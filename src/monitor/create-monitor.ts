import type { ComponentRegistry, ProbeResult } from '../health/component-registry.js'
import type { EnvironmentBoard } from '../health/environment-board.js'
import type { Metrics } from '../metrics/create-metrics.js'
import type { Redactor } from '../redact.js'
import type { ResultHistory } from '../state/history.js'
import { environmentSummary, shownFailures } from './environment-summary.js'
import { recordResultMetrics } from './result-metrics.js'
import { runCycle, type CycleOptions } from './run-cycle.js'
import { SOLE_LEADERSHIP } from './sole-leadership.js'
import type { CheckResult, CycleLeadership, EnvironmentTarget, IncidentIntake } from './types.js'

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
  /** Where results go for incident decisions; none: results are only shown. */
  readonly incidents?: IncidentIntake | undefined
  /** Where results are kept for the status page; takes them at once and never throws. */
  readonly history?: Pick<ResultHistory, 'record'> | undefined
  /** Which replica checks; alone (always this one) by default. */
  readonly leadership?: CycleLeadership | undefined
  /** Passed to every check: concurrency, the redactor, a replacement check. */
  readonly cycle?: Omit<CycleOptions, 'signal'> | undefined
  /** How long without a finished cycle counts as stale: two intervals plus the longest a cycle can take. */
  readonly staleAfterMs?: number
  readonly now?: () => Date
  /** Told when targets given to `setTargets` take effect, at the start of a cycle (the incident side follows). */
  readonly onTargetsApplied?: (targets: readonly EnvironmentTarget[]) => void
}

/** How one cycle ended (`skipped` is no longer produced: followers check too; kept for the metric's history). */
export type CycleOutcome = 'success' | 'failure' | 'skipped' | 'aborted'

/** How an out-of-schedule check differs from the environment's own settings. */
export interface CheckNowOptions {
  /** Tries of the health request (the environment's `attempts` otherwise). */
  readonly attempts?: number
}

export interface Monitor {
  /** Runs one cycle; never throws. */
  runOnce: () => Promise<CycleOutcome>
  /**
   * Checks one environment now, outside the schedule (deploy events, verification), and shows the
   * result like a cycle's; undefined for an environment not monitored. Hands nothing to the
   * incident side: the caller does, with what it knows of the deploy. Never throws for a failed check.
   */
  checkNow: (environment: string, signal?: AbortSignal, options?: CheckNowOptions) => Promise<CheckResult | undefined>
  /** Marks the `monitor` component degraded when no replica finished a cycle for two intervals. */
  checkStaleness: () => void
  /**
   * Replaces the environments checked, from the next cycle on (never during one): new ones are
   * checked then, and removed ones leave the board (and, after that cycle, the metrics).
   */
  setTargets: (targets: readonly EnvironmentTarget[]) => void
  /** Aborts a running cycle and waits for it. */
  close: () => Promise<void>
}

/** Component name under which the monitor reports its own health. */
export const MONITOR_COMPONENT = 'monitor'


/**
 * Detection, free of Fastify and of everything downstream: check every environment → board and
 * metrics → hand the results to the incident side, which never makes the cycle wait. Every replica
 * checks and reports, so whichever one answers `/health/detailed` and `/metrics` tells the truth;
 * only the leader's results are decided on (a follower's are dropped by the decider), and when
 * leadership is unknown (state database unreachable) decisions wait.
 */
export function createMonitor (options: MonitorOptions): Monitor {
  const { intervalMs, metrics, environments, components, redact, log } = options
  let targets = options.targets
  let pending: readonly EnvironmentTarget[] | undefined
  const staleAfterMs = options.staleAfterMs ?? 2 * intervalMs
  const leadership = options.leadership ?? SOLE_LEADERSHIP
  const now = options.now ?? (() => new Date())
  const controller = new AbortController()
  const startedAt = now()
  let lastRunAt: Date | undefined
  let lastOutcome: CycleOutcome | undefined
  let latest: readonly CheckResult[] = []
  let running: Promise<CycleOutcome> | undefined

  components.register({ name: MONITOR_COMPONENT, required: false })
  // The same limit for Prometheus (VigilMonitorStale in deploy/prometheus/vigil-rules.yml).
  metrics.monitorStaleAfter.set(staleAfterMs / 1000)
  const details = (): Record<string, unknown> => ({
    environments: targets.length,
    interval_seconds: intervalMs / 1000,
    last_run_at: lastRunAt?.toISOString() ?? null,
    last_result: lastOutcome ?? null,
    role: leadership.role(),
    leader: leadership.leader().holder,
    leader_last_cycle_at: leadership.leader().lastCycleAt
  })
  // Healthy from the start: staleness is measured from start-up until the first run finishes.
  components.record(MONITOR_COMPONENT, { status: 'healthy', latencyMs: 0, details: details() }, startedAt)

  const show = (): void => {
    const links = options.incidents?.links() ?? {}
    for (const result of latest) environments.set(result.environment, environmentSummary(result, links[result.environment]))
    for (const target of targets) metrics.incidentsOpen.set({ environment: target.name }, links[target.name] === undefined ? 0 : 1)
  }
  options.incidents?.onLinksChanged(show)

  const record = async (results: readonly CheckResult[]): Promise<void> => {
    latest = results
    for (const result of results) {
      if (result.status !== 'healthy') log.warn({ environment: result.environment, status: result.status, failures: shownFailures(result.failures) }, `environment ${result.environment} is ${result.status}`)
    }
    show()
    await recordResultMetrics(metrics, targets, results)
  }

  // No cycle finished by any replica for two intervals: the leader is stuck or gone.
  const staleness = (): string | undefined => {
    const reference = leadership.role() === 'follower'
      ? Date.parse(leadership.leader().lastCycleAt ?? startedAt.toISOString())
      : (lastRunAt ?? startedAt).getTime()
    const ageMs = now().getTime() - reference
    return ageMs <= staleAfterMs ? undefined : `no monitor cycle has finished for ${Math.round(ageMs / 1000)} s (interval ${intervalMs / 1000} s)`
  }

  const health = (outcome: CycleOutcome, latencyMs: number, error?: string): ProbeResult => {
    if (outcome === 'failure') return { status: 'degraded', latencyMs, error: `last cycle failed: ${error ?? 'unknown error'}`, details: details() }
    const stale = staleness()
    if (stale !== undefined) return { status: 'degraded', latencyMs, error: stale, details: details() }
    if (leadership.role() === 'unknown') {
      return { status: 'degraded', latencyMs, error: 'the state database cannot say which replica leads: this replica checks on its own and incident decisions wait', details: details() }
    }
    return { status: 'healthy', latencyMs, details: details() }
  }

  // Between cycles only: a cycle checks, shows and hands on one list of environments.
  const applyPending = (): void => {
    if (pending === undefined) return
    const next = pending
    pending = undefined
    const kept = new Set(next.map((t) => t.name))
    for (const target of targets) if (!kept.has(target.name)) environments.delete(target.name)
    latest = latest.filter((r) => kept.has(r.environment))
    targets = next
    log.info({ environments: targets.map((t) => t.name) }, `monitoring ${targets.length} environment(s) from this cycle on`)
    options.onTargetsApplied?.(targets)
  }

  const runOnce = async (): Promise<CycleOutcome> => {
    applyPending()
    const started = now()
    let outcome: CycleOutcome
    let error: string | undefined
    try {
      const results = await runCycle(targets, { ...options.cycle, signal: controller.signal })
      if (controller.signal.aborted) return 'aborted'
      await record(results)
      try {
        options.history?.record(results, leadership.role())
      } catch (err) {
        // The contract is never to throw; a broken history must still not fail detection.
        log.error({ err }, 'the history refused a cycle\'s results')
      }
      options.incidents?.submit(results, started)
      leadership.cycleFinished()
      outcome = 'success'
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
    metrics.monitorCycleDuration.observe(latencyMs / 1000)
    components.record(MONITOR_COMPONENT, health(outcome, latencyMs, error), finished)
    log.info({ result: outcome, environments: targets.length, duration_ms: latencyMs }, 'monitor cycle finished')
    return outcome
  }

  const checkNow = async (environment: string, signal?: AbortSignal, override: CheckNowOptions = {}): Promise<CheckResult | undefined> => {
    const configured = targets.find((t) => t.name === environment)
    if (configured === undefined) return undefined
    const target = override.attempts === undefined ? configured : { ...configured, attempts: override.attempts }
    const stop = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal])
    const [result] = await runCycle([target], { ...options.cycle, signal: stop })
    if (result === undefined || stop.aborted) return undefined
    await record([...latest.filter((r) => r.environment !== environment), result])
    return result
  }

  return {
    checkNow,
    runOnce: async () => {
      // The scheduler already prevents overlap; this guards direct calls too.
      running ??= runOnce().finally(() => { running = undefined })
      return await running
    },
    setTargets (next) { pending = next },
    checkStaleness () {
      const stale = staleness()
      if (stale !== undefined) components.record(MONITOR_COMPONENT, { status: 'degraded', latencyMs: 0, error: stale, details: details() })
    },
    async close () {
      controller.abort()
      await running
    }
  }
}
