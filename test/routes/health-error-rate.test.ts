import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { startFaultProxy } from '../support/fault-proxy.js'
import { startProbeApp } from '../support/probe-app.js'
import { waitFor } from '../support/wait-for.js'

interface Alert { name: string, status: string, value: number, threshold: number }

// The reported case: a load balancer polled readiness through a short Redis outage, every answer
// was Vigil's designed 503, and the error-rate alert fired at 69 % for five minutes.
t.test('a load balancer polling readiness during a Redis blip does not fire the error-rate alert', async (t) => {
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: 6379 })
  t.teardown(() => proxy.close())
  const { app } = await startProbeApp({ REDIS_URL: `redis://127.0.0.1:${proxy.port}/0`, ERROR_RATE_THRESHOLD: '1' })
  t.teardown(() => app.close())
  await waitFor('readiness before the blip', async () => (await app.inject('/health/readiness')).statusCode === 200)

  await proxy.setMode('refuse')
  await waitFor('readiness failing while Redis is away', async () => (await app.inject('/health/readiness')).statusCode === 503)
  const polled: number[] = []
  for (let i = 0; i < 20; i++) polled.push((await app.inject('/health/readiness')).statusCode)
  const detailedDuringBlip = await app.inject('/health/detailed')
  t.equal(detailedDuringBlip.statusCode, 503, 'the detailed report answers 503 too, by design')
  await proxy.setMode('pass')
  await waitFor('readiness back after the blip', async () => (await app.inject('/health/readiness')).statusCode === 200)
  t.ok(polled.every((code) => code === 503), 'every poll during the blip was a designed 503')

  const report = (await app.inject('/health/detailed')).json<{ metrics: { error_rate_percent: number }, alerts: Alert[] }>()
  t.equal(report.metrics.error_rate_percent, 0, 'designed 503s are not errors of Vigil')
  t.match(report.alerts.find((a) => a.name === 'error_rate'), { status: 'ok', value: 0 })
  const metrics = (await app.inject('/metrics')).body
  t.match(metrics, /^vigil_alert_firing\{alert="error_rate"\} 0$/m, 'the alert series stays quiet')
  t.match(metrics, /^http_request_duration_seconds_count\{method="GET",route="\/health\/readiness",status_code="503"\} [1-9]\d*$/m,
    'the Prometheus series still keep the 503s, under their own route')
})

t.test('a 500 from a route that failed still counts as an error', async (t) => {
  const app = await buildApp(testConfig({ ERROR_RATE_THRESHOLD: '1' }))
  t.teardown(() => app.close())
  app.get('/boom', async () => { throw new Error('planted failure') })
  await app.inject('/health')
  await app.inject('/boom')
  const report = (await app.inject('/health/detailed')).json<{ metrics: { error_rate_percent: number }, alerts: Alert[] }>()
  t.equal(report.metrics.error_rate_percent, 50)
  t.match(report.alerts.find((a) => a.name === 'error_rate'), { status: 'firing' })
})
