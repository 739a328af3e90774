import t from 'tap'
import { createRateLimitGate, resetAtFrom } from '../../src/railway/rate-limit-gate.js'

const NOW = new Date('2026-11-30T12:00:00Z')

t.test('X-RateLimit-Reset is read as epoch seconds, epoch milliseconds, seconds from now or a date', async (t) => {
  const epoch = NOW.getTime() / 1000 + 30
  t.equal(resetAtFrom(String(epoch), NOW)?.toISOString(), '2026-11-30T12:00:30.000Z')
  t.equal(resetAtFrom(String(epoch * 1000), NOW)?.toISOString(), '2026-11-30T12:00:30.000Z')
  t.equal(resetAtFrom('30', NOW)?.toISOString(), '2026-11-30T12:00:30.000Z')
  t.equal(resetAtFrom('Mon, 30 Nov 2026 12:00:30 GMT', NOW)?.toISOString(), '2026-11-30T12:00:30.000Z')
  t.equal(resetAtFrom('soon', NOW), undefined)
})

t.test('the gate holds after a 429 or a spent quota, and not otherwise', async (t) => {
  let now = NOW
  const gate = createRateLimitGate(() => now, 60_000)
  gate.observe(200, { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '30' })
  t.equal(gate.waitMs(), 0)
  gate.observe(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' })
  t.equal(gate.waitMs(), 30_000)
  now = new Date(NOW.getTime() + 31_000)
  t.equal(gate.waitMs(), 0)
  gate.observe(429, { 'retry-after': '2' })
  t.equal(gate.waitMs(), 2_000)
  now = new Date(now.getTime() + 2_000)
  gate.observe(429, {})
  t.equal(gate.waitMs(), 60_000, 'a 429 without headers holds a minute')
})
