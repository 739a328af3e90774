import { Gauge, Registry } from 'prom-client'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { SeriesGauge } from '../../src/metrics/series-gauge.js'
import { testConfig } from '../support/config.js'

t.test('/metrics renders exactly what registry.metrics() writes, per-environment families included', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  const { metrics } = app.vigil
  for (let i = 0; i < 50; i++) {
    const environment = `env-${i}`
    metrics.environmentUp.set({ environment }, i % 2)
    for (const status of ['healthy', 'degraded', 'unhealthy']) metrics.environmentStatus.set({ environment, status }, status === 'healthy' ? 1 : 0)
    metrics.environmentResponseTime.set({ environment }, 0.125)
    metrics.environmentTlsExpiry.set({ environment }, Infinity)
  }
  // Label values the text format must escape: quote, backslash, newline.
  metrics.environmentCheckSuccess.set({ environment: 'env-1', path: '/a"b\\c\nd' }, 1)
  metrics.environmentUp.set({ environment: 'env-3' }, 1)
  metrics.environmentUp.remove({ environment: 'env-4' })
  metrics.environmentUp.set({ environment: 'env-4' }, 0)
  metrics.environmentStatus.remove({ environment: 'env-5', status: 'degraded' })
  await app.inject('/health')
  const served = (await app.inject('/metrics')).body
  const expected = await metrics.registry.metrics()
  // Process metrics (CPU, memory, event loop) move between the two reads; compare the rest.
  const stable = (text: string): string => text.split('\n').filter((line) => !/^(process_|nodejs_)/.test(line)).join('\n')
  t.equal(stable(served), stable(expected))
  t.match(served, 'vigil_environment_check_success{environment="env-1",path="/a\\"b\\\\c\\nd"} 1')
  t.match(served, 'vigil_environment_tls_expiry_timestamp_seconds{environment="env-0"} +Inf')
})

t.test('a per-environment gauge is only set: inc and dec throw', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  t.throws(() => { app.vigil.metrics.environmentUp.inc({ environment: 'x' }) })
  t.throws(() => { app.vigil.metrics.environmentUp.dec({ environment: 'x' }) })
  t.throws(() => { app.vigil.metrics.environmentUp.set(1) })
})

t.test('reset clears the rendered lines too', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  app.vigil.metrics.environmentUp.set({ environment: 'gone' }, 1)
  app.vigil.metrics.environmentUp.reset()
  t.notMatch((await app.inject('/metrics')).body, 'environment="gone"')
})

t.test('a scrape after a change shows it: the rendered family is kept only until a series changes', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  const { metrics } = app.vigil
  metrics.environmentUp.set({ environment: 'prod' }, 1)
  t.match((await app.inject('/metrics')).body, 'vigil_environment_up{environment="prod"} 1\n')
  t.match((await app.inject('/metrics')).body, 'vigil_environment_up{environment="prod"} 1\n', 'a second scrape, unchanged')
  metrics.environmentUp.set({ environment: 'prod' }, 0)
  t.match((await app.inject('/metrics')).body, 'vigil_environment_up{environment="prod"} 0\n')
  metrics.environmentUp.remove({ environment: 'prod' })
  t.notMatch((await app.inject('/metrics')).body, 'environment="prod"')
})

t.test('HEAD /metrics answers the headers with no body', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'HEAD', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '')
  t.match(res.headers['content-type'], /^text\/plain/)
})

t.test('a SeriesGauge keeps and renders exactly what a prom-client Gauge would after the same sets and removes, over several slices', async (t) => {
  const configuration = { name: 'vigil_test_series', help: 'A "help" with \\ and\nnewline', labelNames: ['environment', 'status'] as const }
  const plainRegistry = new Registry()
  const seriesRegistry = new Registry()
  const plain = new Gauge({ ...configuration, registers: [plainRegistry] })
  const series = new SeriesGauge({ ...configuration, registers: [seriesRegistry] })
  const both = (fn: (gauge: { set: (labels: { environment: string, status: string }, value: number) => void, remove: (labels: { environment: string, status: string }) => void }) => void): void => { fn(plain); fn(series) }
  // 5,000 series: the exposition is written in several slices (JOIN_SLICE_SIZE).
  for (let i = 0; i < 2500; i++) {
    for (const status of ['healthy', 'unhealthy']) both((g) => { g.set({ environment: `env-${i}`, status }, i % 3 === 0 ? i / 7 : i) })
  }
  both((g) => { g.set({ environment: 'a"b\\c\nd', status: 'healthy' }, -Infinity) })
  both((g) => { g.set({ environment: 'nan', status: 'healthy' }, NaN) })
  both((g) => { g.remove({ environment: 'env-3', status: 'healthy' }) })
  both((g) => { g.set({ environment: 'env-3', status: 'healthy' }, 0) })
  both((g) => { g.set({ environment: 'env-4', status: 'unhealthy' }, 42) })
  both((g) => { g.remove({ environment: 'never-set', status: 'healthy' }) })
  plain.remove('env-7', 'unhealthy')
  series.remove('env-7', 'unhealthy')
  t.same(await series.get(), await plain.get(), 'get(): the same values, labels and order')
  t.equal((await series.exposition()).toString(), await plainRegistry.getSingleMetricAsString(configuration.name), 'the exposition, byte for byte')
  t.equal(await seriesRegistry.metrics(), await plainRegistry.metrics(), 'the registry\'s own rendering')
  t.throws(() => { series.set({ environment: 'only' } as { environment: string, status: string }, 1) }, /every label/, 'a series is set with every label')
  t.throws(() => { series.set({ environment: 'x', status: 'y', other: 'z' } as { environment: string, status: string }, 1) }, /not one of/)
})
