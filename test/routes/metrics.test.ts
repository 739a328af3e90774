import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { promtoolCheckMetrics } from '../support/promtool.js'

const routeLabels = (exposition: string): Set<string> =>
  new Set([...exposition.matchAll(/^http_request_duration_seconds_count\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]!))

t.test('/metrics passes promtool check metrics', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  await app.inject('/health')
  await app.inject('/health/detailed')
  const res = await app.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const { code, output } = await promtoolCheckMetrics(res.body)
  t.equal(code, 0, output)
  t.match(res.body, /^process_resident_memory_bytes \d/m, 'default process metrics')
  t.match(res.body, /^nodejs_eventloop_lag_seconds /m, 'default Node.js metrics')
  t.match(res.body, /^nodejs_active_resources\{type="\w+"\} \d+$/m)
  t.match(res.body, /^vigil_alert_firing\{alert="memory"\} [01]$/m)
  t.match(res.body, /^vigil_alert_firing\{alert="error_rate"\} [01]$/m)
})

t.test('request histogram labels by route template and collapses unknown URLs', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  app.get('/things/:id', async () => ({ ok: true }))
  await app.inject('/things/1')
  await app.inject('/things/2')
  await app.inject('/health')
  const first = (await app.inject('/metrics')).body
  t.match(first, /http_request_duration_seconds_count\{method="GET",route="\/things\/:id",status_code="200"\} 2/)
  t.match(first, /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/health",status_code="200"\} \d/)
  t.notMatch(first, /route="\/things\/1"/)

  await app.inject('/no/such/page')
  const withOneUnknown = routeLabels((await app.inject('/metrics')).body)
  for (let i = 0; i < 20; i++) await app.inject(`/random-${i}?q=${i}`)
  const withManyUnknown = routeLabels((await app.inject('/metrics')).body)
  t.same([...withManyUnknown].sort(), [...withOneUnknown].sort(), 'twenty unknown URLs add no new route label value')
  t.ok(withManyUnknown.has('unmatched'))
  t.notOk(withManyUnknown.has('/metrics'), 'scrapes are not recorded')
})

t.test('5xx answers are counted with their status code', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  app.get('/boom', async () => { throw new Error('kaboom') })
  await app.inject('/health')
  const res = await app.inject('/boom')
  t.equal(res.statusCode, 500)
  t.notMatch(res.body, 'kaboom', 'the error text stays out of the response')
  t.match((await app.inject('/metrics')).body, /http_request_duration_seconds_count\{method="GET",route="\/boom",status_code="500"\} 1/)
  t.equal((await app.inject('/health/detailed')).json().metrics.error_rate_percent, 50)
})

t.test('two apps in one process keep their own registries', async (t) => {
  const first = await buildApp(testConfig())
  const second = await buildApp(testConfig())
  t.teardown(async () => { await first.close(); await second.close() })
  await first.inject('/health')
  await first.inject('/health')
  await second.inject('/health')
  const count = (body: string): string | undefined => /_count\{[^}]*route="\/health",status_code="200"\} (\d+)/.exec(body)?.[1]
  t.equal(count((await first.inject('/metrics')).body), '2')
  t.equal(count((await second.inject('/metrics')).body), '1')
})

t.test('ENABLE_METRICS=false answers 404', async (t) => {
  const app = await buildApp(testConfig({ ENABLE_METRICS: 'false' }))
  t.teardown(() => app.close())
  t.equal((await app.inject('/metrics')).statusCode, 404)
})
