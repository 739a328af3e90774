import t from 'tap'
import { startFaultProxy, type FaultMode } from '../support/fault-proxy.js'
import { detailedComponent, startProbeApp } from '../support/probe-app.js'
import { resultsOf } from '../support/recording-registry.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'

const checkEscapes = watchEscapedErrors()
const PASSWORD = 'planted-pg-password-7c41'
const proxy = await startFaultProxy({ host: '127.0.0.1', port: 5432 })
t.teardown(() => proxy.close())
const { app, results, logLines } = await startProbeApp({ DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${proxy.port}/test` })
t.teardown(() => app.close())

const status = (): string | undefined => app.vigil.components.get('database')?.status

t.test('database is healthy against the real PostgreSQL, with pool details and the server version', async (t) => {
  // A cold first connection may overrun the 100 ms test timeout on a loaded machine.
  await waitFor('a healthy probe', () => status() === 'healthy')
  t.equal((await app.inject('/health/readiness')).statusCode, 200)
  const database = await detailedComponent(app, ['database'])
  t.match(database, { status: 'healthy', required: true, consecutive_failures: 0, details: { pool_total: Number, pool_idle: Number, pool_waiting: 0, server_version: /^\d+\.\d+/ } })
  t.ok((database?.details as { pool_total: number }).pool_total <= 2, 'at most two connections')
})

const faults: Array<{ mode: FaultMode, latencyMs?: number, error: RegExp }> = [
  { mode: 'refuse', error: /connection refused/ },
  { mode: 'reset', error: /connection reset/ },
  { mode: 'hang', error: /timeout/ },
  { mode: 'latency', latencyMs: 300, error: /timeout/ }
]

for (const fault of faults) {
  t.test(`readiness turns 503 when PostgreSQL is ${fault.mode}, and recovers when the fault clears`, async (t) => {
    const from = results.length
    await proxy.setMode(fault.mode, fault.latencyMs)
    await waitFor('database unhealthy', () => status() === 'unhealthy')
    const since = resultsOf(results, 'database', from)
    const firstFailure = since.findIndex((r) => r.status === 'unhealthy')
    // Only a round already running when the fault began may still report healthy.
    t.ok(firstFailure <= 1, 'the first probe started after the fault finds it')
    // A connection open when the fault began may fail first as "reset"; the cause shows by the next round.
    await waitFor('the classified error', () => fault.error.test(app.vigil.components.get('database')?.error ?? ''))

    const readiness = await app.inject('/health/readiness')
    t.equal(readiness.statusCode, 503)
    t.ok(readiness.headers['retry-after'])
    t.equal((await app.inject('/health')).statusCode, 200, 'liveness never touches the database')
    const detailed = await app.inject('/health/detailed')
    t.equal(detailed.statusCode, 503)
    t.match(detailed.json(), { status: 'unhealthy', components: { database: { status: 'unhealthy', error: fault.error } } })

    await proxy.setMode('pass')
    await waitFor('database healthy again', () => status() === 'healthy')
    t.equal((await app.inject('/health/readiness')).statusCode, 200, 'ready again without a restart')
  })
}

t.test('while PostgreSQL hangs, readiness and detailed answer from memory', async (t) => {
  await proxy.setMode('hang')
  let answeredWhileStuck = false
  for (let attempt = 0; attempt < 50 && !answeredWhileStuck; attempt++) {
    await waitFor('a probe waiting on the hung server', () => proxy.held().length > 0)
    const stuck = proxy.held()
    const [readiness, detailed] = await Promise.all([app.inject('/health/readiness'), app.inject('/health/detailed')])
    t.ok([200, 503].includes(readiness.statusCode) && [200, 503].includes(detailed.statusCode))
    // Both answers came back while the probe's connection was still held unanswered.
    answeredWhileStuck = stuck.some((id) => proxy.held().includes(id))
  }
  t.ok(answeredWhileStuck, 'the routes answered while a probe was stuck')
  await proxy.setMode('pass')
  await waitFor('database healthy again', () => status() === 'healthy')
})

t.test('a stuck probe is cut off and never overlaps the next run', async (t) => {
  await proxy.setMode('hang')
  const before = proxy.connections
  const from = results.length
  await waitFor('five hung rounds', () => resultsOf(results, 'database', from).length >= 5)
  // Each cut-off run destroyed its connection, so at most one is held at any time.
  t.ok(proxy.held().length <= 1, `at most one connection held (${proxy.held().length})`)
  t.ok(proxy.connections - before <= resultsOf(results, 'database', from).length + 1, 'one connection per run at most')
  await proxy.setMode('pass')
  await waitFor('database healthy again', () => status() === 'healthy')
})

t.test('the planted password appears in no report, metric or log line', async (t) => {
  const detailed = await app.inject('/health/detailed')
  const metrics = await app.inject('/metrics')
  t.notMatch(detailed.body, PASSWORD)
  t.notMatch(metrics.body, PASSWORD)
  t.match(metrics.body, /vigil_component_up\{component="database"\} 1/)
  t.match(metrics.body, /vigil_probe_results_total\{component="database",status="unhealthy"\} \d+/)
  t.ok(logLines.length > 0)
  t.notOk(logLines.some((line) => line.includes(PASSWORD)), 'no log line carries the password')
  // Status changes are logged once each, not every interval.
  const unhealthyLines = logLines.filter((line) => line.includes('database is unhealthy')).length
  t.ok(unhealthyLines <= faults.length + 2, `one log line per transition (${unhealthyLines})`)
})

t.test('no unhandled rejection or uncaught exception', async (t) => { checkEscapes(t) })
