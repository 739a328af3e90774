import type { ComponentRegistry, ProbeResult } from '../health/component-registry.js'
import type { EnvironmentBoard } from '../health/environment-board.js'
import type { Metrics } from '../metrics/create-metrics.js'
import type { Redactor } from '../redact.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'
import type { ResultHistory } from '../state/history.js'
import { environmentSummary, shownFailures, shownResult, type ShownResult } from './environment-summary.js'
import { recordResultMetrics } from './result-metrics.js'
import { DEFAULT_CONCURRENCY, inProcessRunner, type CycleRunner } from './cycle-runner.js'
import type { CycleOptions } from './run-cycle.js'
import { SOLE_LEADERSHIP } from './sole-leadership.js'
import type { CheckResult, CycleLeadership, EnvironmentTarget, IncidentIntake } from './types.js'
import { worstCycleMs } from './worst-case.js'

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
  /** Passed to every check: concurrency, the redactor, a replacement check (in this thread, unless `runner`). */
  readonly cycle?: Omit<CycleOptions, 'signal'> | undefined
  /**
   * Where the checks run: the check thread (plugins/monitor.ts, check-thread.ts) or, by default,
   * this thread with `cycle`. The monitor closes it.
   */
  readonly runner?: CycleRunner | undefined
  /**
   * How long without a finished cycle counts as stale, fixed (tests); by default two intervals plus
   * the longest a cycle of the current targets can take (worst-case.ts), recomputed when they change.
   */
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
   * incident side: the caller does, with what it knows of the deploy. Never throws for a failed check;
   * rejects when the checks could not run (the check thread died).
   */
  checkNow: (environment: string, signal?: AbortSignal, options?: CheckNowOptions) => Promise<CheckResult | undefined>
  /**
   * Marks the `monitor` component unhealthy when no replica finished a cycle for two intervals plus
   * the longest a cycle can take: nothing is watching the environments.
   */
  checkStaleness: () => void
  /**
   * Replaces the environments checked, from the next cycle on (never during one): new ones are
   * checked then, and removed ones leave the board (and, after that cycle, the metrics).
   */
  setTargets: (targets: readonly EnvironmentTarget[]) => void
  /** Aborts a running cycle, waits for it, and closes the runner (the check thread). */
  close: () => Promise<void>
}

/** Component name under which the monitor reports its own health. */
export const MONITOR_COMPONENT = 'monitor'

/**
 * Most environments a cycle logs one warning line each for; above it, one summary line names the
 * first of them and counts the rest (10,000 failing environments are not 10,000 lines a cycle).
 */
export const MAX_WARNING_LINES = 50

/**
 * Failed cycles in a row after which the `monitor` component is unhealthy rather than degraded:
 * nothing is being checked. Gatus's default `failure-threshold` (3): one failure is a blip (and
 * VigilMonitorCycleFailed warns of it), three are an outage of the monitor itself.
 */
export const UNHEALTHY_AFTER_FAILED_CYCLES = 3

/** The staleness limit of a monitor on `targets`: two intervals plus the longest such a cycle can take, in ms. */
export function staleLimitMs (targets: Parameters<typeof worstCycleMs>[0], intervalMs: number, concurrency: number): number {
  return 2 * intervalMs + worstCycleMs(targets, concurrency)
}

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
  const concurrency = options.cycle?.concurrency ?? DEFAULT_CONCURRENCY
  const limitFor = (list: readonly EnvironmentTarget[]): number => options.staleAfterMs ?? staleLimitMs(list, intervalMs, concurrency)
  let staleAfterMs = limitFor(targets)
  const leadership = options.leadership ?? SOLE_LEADERSHIP
  const runner = options.runner ?? inProcessRunner(options.cycle)
  const now = options.now ?? (() => new Date())
  const controller = new AbortController()
  const startedAt = now()
  let lastRunAt: Date | undefined
  // Until a cycle finishes, staleness counts from the start of the first one (not from start-up).
  let firstStartedAt: Date | undefined
  let lastOutcome: CycleOutcome | undefined
  // Cycles of this replica that failed in a row (0 after one that ran to its end).
  let failedInARow = 0
  // Why the latest cycle failed (redacted); undefined after one that ran to its end.
  let lastFailure: string | undefined
  let lastDurationMs: number | undefined
  // The shown part of the latest results (shownResult): the rest is not kept between cycles.
  let latest: readonly ShownResult[] = []
  let running: Promise<CycleOutcome> | undefined

  components.register({ name: MONITOR_COMPONENT, required: false })
  // The same limit for Prometheus (VigilMonitorStale in deploy/prometheus/vigil-rules.yml).
  metrics.monitorStaleAfter.set(staleAfterMs / 1000)
  const details = (): Record<string, unknown> => ({
    environments: targets.length,
    interval_seconds: intervalMs / 1000,
    concurrency,
    last_cycle_seconds: lastDurationMs === undefined ? null : lastDurationMs / 1000,
    last_run_at: lastRunAt?.toISOString() ?? null,
    last_result: lastOutcome ?? null,
    consecutive_failed_cycles: failedInARow,
    role: leadership.role(),
    leader: leadership.leader().holder,
    leader_last_cycle_at: leadership.leader().lastCycleAt
  })
  // Healthy from the start: until the first cycle finishes, staleness counts from its start.
  components.record(MONITOR_COMPONENT, { status: 'healthy', latencyMs: 0, details: details() }, startedAt)

  // Board and incident gauges, a slice at a time (src/slices.ts): at 10,000 environments one pass
  // would hold the event loop. A newer pass (links changed meanwhile) makes an older one stop.
  let showing = 0
  const show = async (): Promise<void> => {
    const pass = ++showing
    const links = options.incidents?.links() ?? {}
    const results = latest
    const listed = targets
    await forEachInSlices(results, DEFAULT_SLICE_SIZE, (result) => {
      if (pass === showing) environments.set(result.environment, environmentSummary(result, links[result.environment]))
    })
    await forEachInSlices(listed, DEFAULT_SLICE_SIZE, (target) => {
      if (pass === showing) metrics.incidentsOpen.set({ environment: target.name }, links[target.name] === undefined ? 0 : 1)
    })
  }
  options.incidents?.onLinksChanged(() => { show().catch((err: unknown) => { log.error({ err }, 'could not show the incident links') }) })

  // One warning line per environment not healthy, or one summary line above MAX_WARNING_LINES.
  const warn = async (results: readonly ShownResult[]): Promise<void> => {
    const failing: ShownResult[] = []
    await forEachInSlices(results, DEFAULT_SLICE_SIZE, (result) => { if (result.status !== 'healthy') failing.push(result) })
    if (failing.length > MAX_WARNING_LINES) {
      const unhealthy = failing.filter((r) => r.status === 'unhealthy').length
      const named = failing.slice(0, MAX_WARNING_LINES).map((r) => `${r.environment} (${r.status})`)
      log.warn({ unhealthy, degraded: failing.length - unhealthy, environments: named },
        `${failing.length} environments are not healthy (${unhealthy} unhealthy); the first ${MAX_WARNING_LINES} are named, /health/detailed has them all`)
      return
    }
    await forEachInSlices(failing, DEFAULT_SLICE_SIZE, (result) => {
      log.warn({ environment: result.environment, status: result.status, failures: shownFailures(result.failures) }, `environment ${result.environment} is ${result.status}`)
    })
  }

  // `shown`: every environment's latest result, shown part (a check now changes one of them);
  // `results`: the new ones, whole, for the metrics.
  const record = async (results: readonly CheckResult[], shown: readonly ShownResult[]): Promise<void> => {
    latest = shown
    await warn(shown)
    await show()
    await recordResultMetrics(metrics, targets, results)
  }

  // No cycle finished by any replica for two intervals (plus the longest a cycle can take): the
  // leader is stuck or gone. Before the first finish, the clock starts with the first cycle.
  const staleness = (): string | undefined => {
    const firstExpected = firstStartedAt ?? startedAt
    const reference = leadership.role() === 'follower'
      ? Date.parse(leadership.leader().lastCycleAt ?? firstExpected.toISOString())
      : (lastRunAt ?? firstExpected).getTime()
    const ageMs = now().getTime() - reference
    if (ageMs <= staleAfterMs) return undefined
    // A follower checks on its own; what stops with a stale leader is the incident side.
    const consequence = leadership.role() === 'follower' ? 'so no incident is decided until a replica takes the lead over' : 'so no environment is being checked'
    return `no monitor cycle has finished for ${Math.round(ageMs / 1000)} s (interval ${intervalMs / 1000} s), ${consequence}`
  }

  // Said in the warning and in /health/detailed: what to change so that a cycle fits its interval.
  const overrun = (latencyMs: number): string =>
    `the last cycle took ${latencyMs / 1000} s, longer than the interval (${intervalMs / 1000} s) for ${targets.length} environment(s) at concurrency ${concurrency}: ` +
    'raise `concurrency`, lengthen `interval`, or shorten `timeout`/`attempts`'

  // The status words of the monitor (docs/runbook.md, "state and monitor when something is wrong"):
  // unhealthy when it watches nothing — UNHEALTHY_AFTER_FAILED_CYCLES failed cycles in a row, or no
  // cycle finished within the staleness limit; degraded when it watches, but late, alone or after
  // a failure. The component is optional, so it never makes Vigil unready (product.md).
  const health = (outcome: CycleOutcome, latencyMs: number, error?: string): ProbeResult => {
    if (outcome === 'failure') {
      const reason = error ?? 'unknown error'
      if (failedInARow >= UNHEALTHY_AFTER_FAILED_CYCLES) {
        return { status: 'unhealthy', latencyMs, error: `the last ${failedInARow} cycles failed, so no environment is being checked: ${reason}`, details: details() }
      }
      return { status: 'degraded', latencyMs, error: `last cycle failed: ${reason}`, details: details() }
    }
    const stale = staleness()
    if (stale !== undefined) return { status: 'unhealthy', latencyMs, error: stale, details: details() }
    if (latencyMs > intervalMs) return { status: 'degraded', latencyMs, error: overrun(latencyMs), details: details() }
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
    // More environments can take longer: the staleness limit follows the targets checked.
    staleAfterMs = limitFor(targets)
    metrics.monitorStaleAfter.set(staleAfterMs / 1000)
    log.info({ environments: targets.map((t) => t.name) }, `monitoring ${targets.length} environment(s) from this cycle on`)
    options.onTargetsApplied?.(targets)
  }

  const runOnce = async (): Promise<CycleOutcome> => {
    applyPending()
    const started = now()
    firstStartedAt ??= started
    let outcome: CycleOutcome
    let error: string | undefined
    try {
      const results = await runner.run(targets, controller.signal)
      if (controller.signal.aborted) return 'aborted'
      await record(results, results.map(shownResult))
      if (controller.signal.aborted) return 'aborted'
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
      // A cycle ended by shutdown is no failure (the check thread rejects its run at once).
      if (outcome === 'failure') log.error({ err }, 'monitor cycle failed')
    }
    if (outcome === 'aborted') return outcome
    const finished = now()
    lastRunAt = finished
    lastOutcome = outcome
    failedInARow = outcome === 'failure' ? failedInARow + 1 : 0
    metrics.monitorConsecutiveFailures.set(failedInARow)
    metrics.monitorRuns.inc({ result: outcome })
    metrics.monitorLastRun.set(finished.getTime() / 1000)
    const latencyMs = finished.getTime() - started.getTime()
    lastDurationMs = latencyMs
    lastFailure = outcome === 'failure' ? error : undefined
    // A failed cycle did not run to its end: it is neither a duration nor an overrun (docs/metrics.md).
    if (outcome === 'success') metrics.monitorCycleDuration.observe(latencyMs / 1000)
    if (outcome === 'success' && latencyMs > intervalMs) {
      metrics.monitorCycleOverruns.inc()
      log.warn({ environments: targets.length, duration_ms: latencyMs, interval_ms: intervalMs, concurrency }, overrun(latencyMs))
    }
    components.record(MONITOR_COMPONENT, health(outcome, latencyMs, error), finished)
    log.info({ result: outcome, environments: targets.length, duration_ms: latencyMs }, 'monitor cycle finished')
    return outcome
  }

  const checkNow = async (environment: string, signal?: AbortSignal, override: CheckNowOptions = {}): Promise<CheckResult | undefined> => {
    const configured = targets.find((t) => t.name === environment)
    if (configured === undefined) return undefined
    const target = override.attempts === undefined ? configured : { ...configured, attempts: override.attempts }
    const stop = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal])
    let result: CheckResult | undefined
    try {
      [result] = await runner.run([target], stop)
    } catch (err) {
      // Aborted (shutdown, the caller): nothing to show. Otherwise the checks could not run.
      if (stop.aborted) return undefined
      throw err
    }
    if (result === undefined || stop.aborted) return undefined
    await record([result], [...latest.filter((r) => r.environment !== environment), shownResult(result)])
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
      if (stale === undefined) return
      // Stale after failed cycles: the failure is the reason, and must stay in sight.
      const why = failedInARow > 0 ? `; the last ${failedInARow} cycle(s) failed: ${lastFailure ?? 'unknown error'}` : ''
      components.record(MONITOR_COMPONENT, { status: 'unhealthy', latencyMs: 0, error: `${stale}${why}`, details: details() })
    },
    async close () {
      controller.abort()
      await running
      await runner.close()
    }
  }
}
