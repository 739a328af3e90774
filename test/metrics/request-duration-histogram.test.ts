import { Histogram, Registry } from 'prom-client'
import t from 'tap'
import { createRequestDurationHistogram } from '../../src/metrics/request-duration-histogram.js'

t.test('exposes exactly what a prom-client Histogram would for the same observations', async (t) => {
  const buckets = [0.001, 0.01, 0.1, 1]
  const oursRegistry = new Registry()
  const theirsRegistry = new Registry()
  const ours = createRequestDurationHistogram(oursRegistry, { name: 'req_seconds', help: 'help text', buckets })
  const theirs = new Histogram({ name: 'req_seconds', help: 'help text', labelNames: ['method', 'route', 'status_code'], buckets, registers: [theirsRegistry] })
  const observations: Array<[string, string, string, number]> = [
    ['GET', '/health', '200', 0.0004], ['GET', '/health', '200', 0.02], ['GET', '/health', '503', 2.5],
    ['HEAD', '/health', '200', 0.001], ['GET', '/things/:id', '200', 0.5]
  ]
  for (const [method, route, status, seconds] of observations) {
    ours.series(method, route, status).observe(seconds)
    theirs.labels(method, route, status).observe(seconds)
  }
  t.equal(await oursRegistry.metrics(), await theirsRegistry.metrics())
})
