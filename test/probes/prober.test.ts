import t from 'tap'
import { createComponentRegistry } from '../../src/health/component-registry.js'
import { createMetrics } from '../../src/metrics/create-metrics.js'
import type { Probe, ProbeOutcome } from '../../src/probes/probe.js'
import { createProber } from '../../src/probes/prober.js'
import { createRedactor } from '../../src/redact.js'
import type { ErrorReporter } from '../../src/sentry.js'
import { watchEscapedErrors } from '../support/wait-for.js'

const checkEscapes = watchEscapedErrors()

/** A probe whose answers the test scripts; `stuck` ignores the signal until released. */
function scriptedProbe (name: string) {
  const state = { next: { status: 'healthy' } as ProbeOutcome | 'stuck' | 'until-aborted', calls: 0, aborted: 0, release: () => {}, closed: false }
  const probe: Probe = {
    name,
    kind: 'test',
    required: true,
    async check (signal) {
      state.calls += 1
      signal.addEventListener('abort', () => { state.aborted += 1 }, { once: true })
      const next = state.next
      if (next === 'stuck') return await new Promise<ProbeOutcome>((resolve) => { state.release = () => { resolve({ status: 'healthy' }) } })
      if (next === 'until-aborted') return await new Promise<ProbeOutcome>((resolve) => { signal.addEventListener('abort', () => { resolve({ status: 'unhealthy', error: 'gave up' }) }) })
      return next
    },
    close: async () => { state.closed = true }
  }
  return { probe, state }
}

function setup (probes: Probe[], secrets: string[] = []) {
  const registry = createComponentRegistry()
  for (const p of probes) registry.register({ name: p.name, required: p.required })
  const logged: string[] = []
  const reported: string[] = []
  const log = { info: (_: object, msg: string) => { logged.push(msg) }, warn: (_: object, msg: string) => { logged.push(msg) }, error: (_: object, msg: string) => { logged.push(msg) } }
  const errorReporter: ErrorReporter = {
    setupFastify: () => {},
    captureException: () => {},
    captureMessage: (message) => { reported.push(message) },
    flush: async () => true
  }
  const metrics = createMetrics()
  const prober = createProber({ probes, registry, metrics, redact: createRedactor(secrets), intervalMs: 50, timeoutMs: 20, log, errorReporter })
  return { prober, registry, logged, reported, metrics }
}

t.test('a check that overruns the timeout is aborted and recorded as a timeout', async (t) => {
  const { probe, state } = scriptedProbe('db')
  const { prober, registry } = setup([probe])
  state.next = 'until-aborted'
  await prober.runRound()
  t.equal(state.aborted, 1, 'the signal fired')
  t.match(registry.get('db'), { status: 'unhealthy', error: 'timeout: no answer within 20 ms', consecutiveFailures: 1 })
  await prober.close()
})

t.test('a run still going is not started again, and its result does not overwrite the timeout', async (t) => {
  const { probe, state } = scriptedProbe('db')
  const { prober, registry } = setup([probe])
  state.next = 'stuck'
  await prober.runRound()
  t.same(prober.inFlight(), ['db'])
  await prober.runRound()
  await prober.runRound()
  t.equal(state.calls, 1, 'one run at a time')
  state.release()
  await new Promise((resolve) => setImmediate(resolve))
  t.same(prober.inFlight(), [])
  t.equal(registry.get('db')?.status, 'unhealthy', 'a late answer is not recorded')
  state.next = { status: 'healthy' }
  await prober.runRound()
  t.equal(state.calls, 2)
  t.equal(registry.get('db')?.status, 'healthy')
  await prober.close()
})

t.test('status changes are logged once and an unhealthy turn reported once per transition', async (t) => {
  const { probe, state } = scriptedProbe('redis')
  const { prober, logged, reported, metrics } = setup([probe])
  const sequence: ProbeOutcome[] = [
    { status: 'healthy' }, { status: 'healthy' },
    { status: 'unhealthy', error: 'connection refused' }, { status: 'unhealthy', error: 'connection refused' }, { status: 'unhealthy', error: 'connection refused' },
    { status: 'healthy' }, { status: 'unhealthy', error: 'connection reset' }
  ]
  for (const outcome of sequence) { state.next = outcome; await prober.runRound() }
  t.same(logged, ['redis is healthy', 'redis is unhealthy', 'redis recovered', 'redis is unhealthy'])
  t.same(reported, ['redis is unhealthy: connection refused', 'redis is unhealthy: connection reset'])
  const results = await metrics.probeResults.get()
  t.same(results.values.map((v) => [v.labels.status, v.value]), [['healthy', 3], ['unhealthy', 4]])
  t.equal((await metrics.componentUp.get()).values[0]?.value, 0)
  await prober.close()
})

t.test('error text and details pass through the redactor', async (t) => {
  const { probe, state } = scriptedProbe('openai')
  const { prober, registry } = setup([probe], ['sk-planted-secret-value'])
  state.next = { status: 'unhealthy', error: 'rejected key sk-planted-secret-value at postgres://u:pw@h/db', details: { note: 'sk-planted-secret-value' } }
  await prober.runRound()
  const text = JSON.stringify(registry.get('openai'))
  t.notMatch(text, 'sk-planted-secret-value')
  t.notMatch(text, ':pw@')
  await prober.close()
})

t.test('close aborts running checks, stops the schedule and closes every probe', async (t) => {
  const { probe, state } = scriptedProbe('db')
  const { prober } = setup([probe])
  await prober.start()
  state.next = 'until-aborted'
  // Let the schedule start a run that will wait for its signal.
  await new Promise((resolve) => setTimeout(resolve, 60))
  const calls = state.calls
  await prober.close()
  t.ok(state.closed)
  await new Promise((resolve) => setTimeout(resolve, 120))
  t.equal(state.calls, calls, 'no run after close')
})

t.test('no unhandled rejection or uncaught exception', async (t) => { checkEscapes(t) })
