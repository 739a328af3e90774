import { Worker } from 'node:worker_threads'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { createComponentRegistry } from '../../src/health/component-registry.js'
import { createLifecycle } from '../../src/health/lifecycle.js'
import { testConfig } from '../support/config.js'

const HEALTH_ROUTES = ['/health', '/health/readiness', '/health/detailed']

t.test('every health route answers GET and HEAD with no-store JSON', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  for (const url of HEALTH_ROUTES) {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await app.inject({ method, url })
      t.equal(res.statusCode, 200, `${method} ${url}`)
      t.equal(res.headers['cache-control'], 'no-store', `${method} ${url} cache-control`)
      t.match(res.headers['content-type'], /^application\/json; charset=utf-8/, `${method} ${url} content type`)
      if (method === 'HEAD') t.equal(res.body, '', `HEAD ${url} has no body`)
    }
  }
})

t.test('GET /health answers {"status":"healthy"}', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  t.same((await app.inject('/health')).json(), { status: 'healthy' })
})

t.test('GET /health/detailed carries the stable keys of the report', async (t) => {
  const app = await buildApp(testConfig({ ENVIRONMENT: 'staging' }))
  t.teardown(() => app.close())
  await app.inject('/health')
  const res = await app.inject('/health/detailed')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['alerts', 'components', 'environment', 'environments', 'metrics', 'status', 'timestamp', 'uptime_seconds', 'version'])
  t.equal(body.status, 'healthy')
  t.equal(body.environment, 'staging')
  t.match(body.version, /^\d+\.\d+\.\d+/)
  t.ok(!Number.isNaN(Date.parse(body.timestamp)))
  t.same(Object.keys(body.metrics).sort(), ['active_connections', 'cpu_percent', 'error_rate_percent', 'event_loop_delay_ms', 'memory_mb', 'memory_percent', 'response_time_ms'])
  t.same(Object.keys(body.metrics.response_time_ms).sort(), ['p50', 'p95', 'p99'])
  t.same(body.components, {}, 'nothing configured, nothing reported')
  t.same(body.alerts.map((a: { name: string }) => a.name), ['memory', 'cpu', 'response_time', 'error_rate'])
})

t.test('HEALTH_DETAILED_TOKEN: missing or wrong token gets 401, the right one 200', async (t) => {
  const app = await buildApp(testConfig({ HEALTH_DETAILED_TOKEN: 'correct-horse-battery' }))
  t.teardown(() => app.close())
  const missing = await app.inject('/health/detailed')
  t.equal(missing.statusCode, 401)
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="vigil"')
  t.equal(missing.headers['cache-control'], 'no-store')
  t.notMatch(missing.body, 'correct-horse-battery')
  t.equal((await app.inject({ url: '/health/detailed', headers: { authorization: 'Bearer wrong-horse-battery' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/health/detailed', headers: { authorization: 'Bearer ' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/health/detailed', headers: { authorization: 'Basic correct-horse-battery' } })).statusCode, 401)
  const ok = await app.inject({ url: '/health/detailed', headers: { authorization: 'Bearer correct-horse-battery' } })
  t.equal(ok.statusCode, 200)
  t.notMatch(ok.body, 'correct-horse-battery', 'the token is not echoed in the report')
  t.equal((await app.inject('/health')).statusCode, 200, '/health needs no token')
  t.equal((await app.inject('/health/readiness')).statusCode, 200, 'readiness needs no token')
})

t.test('HEALTH_CHECK_DETAILED=false removes the detailed route', async (t) => {
  const app = await buildApp(testConfig({ HEALTH_CHECK_DETAILED: 'false' }))
  t.teardown(() => app.close())
  t.equal((await app.inject('/health/detailed')).statusCode, 404)
  t.equal((await app.inject('/health')).statusCode, 200)
})

t.test('readiness follows a required stand-in component: healthy, unhealthy, healthy again', async (t) => {
  const components = createComponentRegistry()
  components.register({ name: 'database', required: true })
  const app = await buildApp(testConfig({ PROBE_INTERVAL: '7s' }), { components })
  t.teardown(() => app.close())

  const before = await app.inject('/health/readiness')
  t.equal(before.statusCode, 503, 'not ready before the first result')
  t.same(before.json().reasons, ['database: not checked yet'])

  components.record('database', { status: 'healthy', latencyMs: 1.2 })
  t.equal((await app.inject('/health/readiness')).statusCode, 200)

  components.record('database', { status: 'unhealthy', latencyMs: 2000, error: 'connection refused' })
  const down = await app.inject('/health/readiness')
  t.equal(down.statusCode, 503)
  t.equal(down.headers['retry-after'], '7')
  t.same(down.json(), { status: 'not_ready', reasons: ['database: connection refused'] })
  t.equal((await app.inject('/health')).statusCode, 200, 'liveness never looks at components')
  const detailed = await app.inject('/health/detailed')
  t.equal(detailed.statusCode, 503)
  t.equal(detailed.json().components.database.status, 'unhealthy')
  t.equal(detailed.json().components.database.consecutive_failures, 1)

  components.record('database', { status: 'healthy', latencyMs: 1.0 })
  t.equal((await app.inject('/health/readiness')).statusCode, 200)
  t.equal((await app.inject('/health/detailed')).json().components.database.consecutive_failures, 0)
})

t.test('an optional component failing degrades the report but not readiness', async (t) => {
  const components = createComponentRegistry()
  components.register({ name: 'openai', group: 'ai_providers', required: false })
  components.record('openai', { status: 'unhealthy', latencyMs: 5, error: 'API key rejected (HTTP 401)' })
  const app = await buildApp(testConfig(), { components })
  t.teardown(() => app.close())
  t.equal((await app.inject('/health/readiness')).statusCode, 200)
  const detailed = await app.inject('/health/detailed')
  t.equal(detailed.statusCode, 200)
  t.equal(detailed.json().status, 'degraded')
  t.equal(detailed.json().components.ai_providers.openai.error, 'API key rejected (HTTP 401)')
})

t.test('readiness waits for start-up work and fails while draining; liveness stays 200', async (t) => {
  const lifecycle = createLifecycle()
  lifecycle.beginStartupTask('probes')
  const app = await buildApp(testConfig(), { lifecycle })
  t.teardown(() => app.close())
  const starting = await app.inject('/health/readiness')
  t.equal(starting.statusCode, 503)
  t.same(starting.json().reasons, ['probes: start-up not finished'])
  lifecycle.finishStartupTask('probes')
  t.equal((await app.inject('/health/readiness')).statusCode, 200)
  lifecycle.startDraining()
  const draining = await app.inject('/health/readiness')
  t.equal(draining.statusCode, 503)
  t.ok(draining.headers['retry-after'])
  t.same(draining.json().reasons, ['shutting down'])
  t.equal((await app.inject('/health')).statusCode, 200)
})

t.test('/health turns 503 while the event loop is blocked past the threshold, and back', async (t) => {
  const app = await buildApp(testConfig({ EVENT_LOOP_DELAY_THRESHOLD: '100ms' }))
  t.teardown(() => app.close())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  t.equal((await app.inject('/health')).statusCode, 200)

  // A probe from another thread arrives while this thread's loop is blocked, as Railway's would.
  const prober = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads')
    setTimeout(async () => {
      const res = await fetch(workerData.url)
      parentPort.postMessage({ status: res.status, body: await res.json() })
    }, 100)`, { eval: true, workerData: { url: `${address}/health` } })
  const answer = new Promise<{ status: number, body: { status: string, event_loop_delay_ms: number } }>((resolve) => prober.once('message', resolve))
  await new Promise((resolve) => prober.once('online', resolve))
  const blockUntil = Date.now() + 600
  while (Date.now() < blockUntil) { /* hold the event loop */ }
  const stalled = await answer
  await prober.terminate()
  t.equal(stalled.status, 503)
  t.equal(stalled.body.status, 'unhealthy')
  t.ok(stalled.body.event_loop_delay_ms > 100, 'reports the delay it saw')

  let recovered = 503
  for (let i = 0; i < 100 && recovered !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    recovered = (await app.inject('/health')).statusCode
  }
  t.equal(recovered, 200, 'healthy again once the loop is free')
})
