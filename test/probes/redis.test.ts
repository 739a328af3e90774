import t from 'tap'
import { reconnectDelay } from '../../src/probes/redis.js'
import { startFaultProxy, type FaultMode } from '../support/fault-proxy.js'
import { detailedComponent, startProbeApp } from '../support/probe-app.js'
import { resultsOf } from '../support/recording-registry.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'

const checkEscapes = watchEscapedErrors()
const proxy = await startFaultProxy({ host: '127.0.0.1', port: 6379 })
t.teardown(() => proxy.close())
const { app, results } = await startProbeApp({ REDIS_URL: `redis://127.0.0.1:${proxy.port}/0` })
t.teardown(() => app.close())

const status = (): string | undefined => app.vigil.components.get('redis')?.status

t.test('redis is healthy against the real Redis, with version, memory and clients', async (t) => {
  // A cold first connection may overrun the 100 ms test timeout on a loaded machine.
  await waitFor('a healthy probe', () => status() === 'healthy')
  t.equal((await app.inject('/health/readiness')).statusCode, 200)
  t.match(await detailedComponent(app, ['redis']), {
    status: 'healthy', required: true, details: { server_version: /^\d+\.\d+/, used_memory_mb: Number, connected_clients: Number }
  })
})

const faults: Array<{ mode: FaultMode, latencyMs?: number, error: RegExp }> = [
  { mode: 'refuse', error: /connection refused|connection reset|connection lost|not connected/ },
  { mode: 'reset', error: /connection reset|connection lost|not connected/ },
  { mode: 'hang', error: /timeout|not connected/ },
  { mode: 'latency', latencyMs: 300, error: /timeout|not connected/ }
]

for (const fault of faults) {
  t.test(`readiness turns 503 when Redis is ${fault.mode}, and recovers when the fault clears`, async (t) => {
    const from = results.length
    await proxy.setMode(fault.mode, fault.latencyMs)
    await waitFor('redis unhealthy', () => status() === 'unhealthy')
    const since = resultsOf(results, 'redis', from)
    const firstFailure = since.findIndex((r) => r.status === 'unhealthy')
    t.ok(firstFailure <= 1, 'the first probe started after the fault finds it')
    // A connection open when the fault began may fail first as "reset"; the cause shows by the next round.
    await waitFor('the classified error', () => fault.error.test(app.vigil.components.get('redis')?.error ?? ''))
    const readiness = await app.inject('/health/readiness')
    t.equal(readiness.statusCode, 503)
    t.equal((await app.inject('/health')).statusCode, 200, 'liveness never touches Redis')
    t.match((await app.inject('/health/detailed')).json(), { status: 'unhealthy', components: { redis: { status: 'unhealthy' } } })
    await proxy.setMode('pass')
    await waitFor('redis healthy again', () => status() === 'healthy')
    t.equal((await app.inject('/health/readiness')).statusCode, 200, 'ready again without a restart')
  })
}

t.test('while Redis hangs, readiness and detailed answer from memory', async (t) => {
  await proxy.setMode('hang')
  let answeredWhileHeld = false
  for (let attempt = 0; attempt < 50 && !answeredWhileHeld; attempt++) {
    await waitFor('a connection held by the hung server', () => proxy.held().length > 0)
    const held = proxy.held()
    const [readiness, detailed] = await Promise.all([app.inject('/health/readiness'), app.inject('/health/detailed')])
    t.ok([200, 503].includes(readiness.statusCode) && [200, 503].includes(detailed.statusCode))
    answeredWhileHeld = held.some((id) => proxy.held().includes(id))
  }
  t.ok(answeredWhileHeld, 'the routes answered while the probe connection was held')
  await proxy.setMode('pass')
  await waitFor('redis healthy again', () => status() === 'healthy')
})

t.test('a ten-second Redis outage opens a bounded number of connections', async (t) => {
  await proxy.setMode('reset')
  const before = proxy.connections
  await new Promise((resolve) => setTimeout(resolve, 10_000))
  const opened = proxy.connections - before
  // Backoff doubles from 100 ms to a 5 s cap: about 8 attempts in 10 s, not one per 200 ms round (50).
  t.ok(opened <= 15, `${opened} connections in ten seconds`)
  await proxy.setMode('pass')
  await waitFor('redis healthy again', () => status() === 'healthy')
})

t.test('a rejected Redis user gives the classified message and never shows the password', async (t) => {
  const password = 'planted-redis-password-51d0'
  const rejected = await startProbeApp({ REDIS_URL: `redis://vigil_no_such_user:${password}@127.0.0.1:6379/0`, PROBE_INTERVAL: '2s', PROBE_TIMEOUT: '2s' })
  t.teardown(() => rejected.app.close())
  await waitFor('first probe round', () => rejected.app.vigil.components.get('redis')?.status !== undefined)
  const detailed = await rejected.app.inject('/health/detailed')
  t.match(detailed.json(), { status: 'unhealthy', components: { redis: { status: 'unhealthy', error: /^authentication failed/ } } })
  const metrics = await rejected.app.inject('/metrics')
  for (const text of [detailed.body, metrics.body, ...rejected.logLines]) t.notOk(text.includes(password), 'password absent')
})

t.test('reconnect delays double up to a cap', async (t) => {
  t.same([1, 2, 3, 4].map((n) => reconnectDelay(n, 200)), [100, 200, 400, 800])
  t.equal(reconnectDelay(20, 200), 5_000)
  t.equal(reconnectDelay(20, 30_000), 30_000)
})

t.test('no unhandled rejection or uncaught exception', async (t) => { checkEscapes(t) })
