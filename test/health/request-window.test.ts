import t from 'tap'
import { createRequestWindow } from '../../src/health/request-window.js'

t.test('percentiles land within one bucket (20 %) of the true values', async (t) => {
  const window = createRequestWindow({ now: () => 1_000_000 })
  for (let ms = 1; ms <= 1000; ms++) window.record(ms, 200)
  const summary = window.summary()
  t.equal(summary.count, 1000)
  for (const [name, truth] of [['p50', 500], ['p95', 950], ['p99', 990]] as const) {
    t.ok(Math.abs(summary[name] - truth) / truth <= 0.2, `${name} ${summary[name]} is near ${truth}`)
  }
})

t.test('the error rate counts 5xx answers only', async (t) => {
  const window = createRequestWindow({ now: () => 0 })
  for (const status of [200, 404, 500, 503, 301, 200, 200, 200]) window.record(1, status)
  t.equal(window.summary().errorRatePercent, 25)
})

t.test('requests older than the window are forgotten', async (t) => {
  let now = 0
  const window = createRequestWindow({ windowMs: 300_000, slots: 30, now: () => now })
  window.record(5000, 500)
  now = 150_000
  window.record(1, 200)
  t.equal(window.summary().count, 2)
  now = 310_000 // the slot [0 s, 10 s) ends exactly five minutes ago
  const later = window.summary()
  t.equal(later.count, 1, 'the first request fell out of the window')
  t.equal(later.errorRatePercent, 0)
  now = 460_000
  t.same(window.summary(), { count: 0, p50: 0, p95: 0, p99: 0, errorRatePercent: 0 })
})

t.test('memory does not grow with the number of requests', async (t) => {
  const window = createRequestWindow({ now: () => 42 })
  for (let i = 0; i < 200_000; i++) window.record(i % 97, 200)
  t.equal(window.summary().count, 200_000)
})

t.test('a designed 5xx (readiness answering 503 on purpose) is timed but not counted as an error', async (t) => {
  const window = createRequestWindow({ now: () => 0 })
  window.record(1, 503, true)
  window.record(1, 503, true)
  window.record(1, 500)
  window.record(1, 200)
  t.equal(window.summary().count, 4)
  t.equal(window.summary().errorRatePercent, 25)
})
