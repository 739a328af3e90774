import type { ComponentRegistry } from '../health/component-registry.js'
import type { Metrics } from '../metrics/create-metrics.js'
import { redactShortened, redactValue, type Redactor } from '../redact.js'
import type { ErrorReporter } from '../sentry.js'
import { errorInfo, shorten, type Probe, type ProbeOutcome } from './probe.js'
import { watchStatusChanges, type ProbeLogger } from './status-changes.js'

export interface ProberOptions {
  readonly probes: readonly Probe[]
  readonly registry: ComponentRegistry
  readonly metrics: Pick<Metrics, 'componentUp' | 'componentLatency' | 'probeResults'>
  readonly redact: Redactor
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly log: ProbeLogger
  readonly errorReporter?: ErrorReporter | undefined
}

// Longest error text and detail value kept from a probe, in characters.
const ERROR_MAX = 1000
const DETAIL_MAX = 200

// Details are a handful of figures and names; a long string among them is cut, not redacted whole.
function redactDetails (details: Readonly<Record<string, unknown>>, redact: Redactor): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).map(([key, value]) =>
    [key, typeof value === 'string' ? redactShortened(value, DETAIL_MAX, redact) : redactValue(value, redact)]))
}

/** Runs the probes in the background and records what they find. */
export interface Prober {
  /** Runs the first round, resolving when it is done, then keeps probing every interval. */
  start: () => Promise<void>
  /** One round: every probe not still running from an earlier round. */
  runRound: () => Promise<void>
  /** Names of probes whose check has not finished (a timed-out check still winding down counts). */
  inFlight: () => readonly string[]
  /** Stops the schedule, aborts running checks and closes every probe's clients. */
  close: () => Promise<void>
}

/**
 * Creates the prober. Every check gets an AbortSignal that fires at the timeout; the probe must
 * then stop its work (destroy the connection, abort the request). The result is recorded at the
 * deadline whether or not the check has wound down, and the probe is not started again until it has.
 */
export function createProber (options: ProberOptions): Prober {
  const { probes, registry, metrics, redact, timeoutMs } = options
  const running = new Map<string, { controller: AbortController, done: Promise<unknown> }>()
  let timer: NodeJS.Timeout | undefined
  let closed = false
  watchStatusChanges(registry, new Set(probes.map((p) => p.name)), options.log, options.errorReporter)

  function record (probe: Probe, outcome: ProbeOutcome, latencyMs: number): void {
    if (closed) return
    const result = {
      status: outcome.status,
      latencyMs,
      // Probe texts are cut before they are redacted: a dependency can answer with megabytes.
      ...(outcome.error === undefined ? {} : { error: shorten(redactShortened(outcome.error, ERROR_MAX, redact)) }),
      ...(outcome.details === undefined ? {} : { details: redactDetails(outcome.details, redact) })
    }
    registry.record(probe.name, result)
    metrics.componentUp.set({ component: probe.name }, outcome.status === 'unhealthy' ? 0 : 1)
    metrics.componentLatency.observe({ component: probe.name }, latencyMs / 1000)
    metrics.probeResults.inc({ component: probe.name, status: outcome.status })
  }

  async function runOne (probe: Probe): Promise<void> {
    if (closed || running.has(probe.name)) return
    const controller = new AbortController()
    const started = performance.now()
    const deadline = setTimeout(() => { controller.abort() }, timeoutMs)
    const work = probe.check(controller.signal).catch((error: unknown): ProbeOutcome =>
      ({ status: 'unhealthy', error: `probe failed: ${errorInfo(error).message}` }))
    const done = work.finally(() => {
      clearTimeout(deadline)
      running.delete(probe.name)
    })
    running.set(probe.name, { controller, done })
    const timedOut = new Promise<ProbeOutcome>((resolve) => {
      controller.signal.addEventListener('abort', () => { resolve({ status: 'unhealthy', error: `timeout: no answer within ${timeoutMs} ms` }) }, { once: true })
    })
    const outcome = await Promise.race([work, timedOut])
    record(probe, outcome, performance.now() - started)
  }

  const runRound = async (): Promise<void> => { await Promise.all(probes.map(runOne)) }

  return {
    async start () {
      await runRound()
      if (closed || timer !== undefined) return
      timer = setInterval(() => { void runRound() }, options.intervalMs)
      // Probing alone must not keep the process alive.
      timer.unref()
    },
    runRound,
    inFlight: () => [...running.keys()],
    async close () {
      closed = true
      clearInterval(timer)
      const pending = [...running.values()]
      for (const { controller } of pending) controller.abort()
      // A probe that ignores its signal must not hold shutdown past one more timeout.
      let grace: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.all(pending.map(async ({ done }) => await done)),
        new Promise((resolve) => { grace = setTimeout(resolve, timeoutMs) })
      ])
      clearTimeout(grace)
      await Promise.all(probes.map(async (probe) => { await probe.close() }))
    }
  }
}
