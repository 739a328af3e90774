import t from 'tap'
import type { Status } from '../../src/health/status.js'
import type { HistoryEntry } from '../../src/state/history.js'
import { outages, percentile, statusSince, uptimePercent } from '../../src/status/uptime.js'

const start = new Date('2026-11-01T00:00:00Z')
const at = (minutes: number): Date => new Date(start.getTime() + minutes * 60_000)
const MIN = 60_000

/** One result per `step` minutes from minute 0, with the given statuses. */
function entries (statuses: readonly Status[], step = 1): HistoryEntry[] {
  return statuses.map((status, i) => ({ environment: 'production', checkedAt: at(i * step), status, responseTimeMs: 100, httpStatus: 200, tlsDaysLeft: 30 }))
}

t.test('uptime is time-weighted: each result holds until the next', async (t) => {
  // up 0–3, down 3–4 → 75 % of the four known minutes.
  t.equal(uptimePercent(entries(['healthy', 'healthy', 'healthy', 'unhealthy']), at(0), at(4), 2 * MIN), 75)
  t.equal(uptimePercent(entries(['healthy', 'healthy']), at(0), at(2), 2 * MIN), 100)
  t.equal(uptimePercent(entries(['unhealthy', 'unhealthy']), at(0), at(2), 2 * MIN), 0)
})

t.test('degraded counts as up, like vigil_environment_up', async (t) => {
  t.equal(uptimePercent(entries(['degraded', 'degraded', 'unhealthy', 'healthy']), at(0), at(4), 2 * MIN), 75)
})

t.test('a silence longer than two intervals is no data, neither up nor down', async (t) => {
  const list = [...entries(['healthy']), { ...entries(['unhealthy'])[0]!, checkedAt: at(60) }]
  // healthy holds 0–2 (two intervals), 2–60 is unknown, down 60–61.
  t.equal(uptimePercent(list, at(0), at(61), 2 * MIN), (100 * 2) / 3)
})

t.test('the window clips results: one checked before it counts for its overlap only', async (t) => {
  // down 0–10, up 10–20; the window 5–15 sees five minutes of each.
  const list = entries(['unhealthy', 'healthy'], 10)
  t.equal(uptimePercent(list, at(5), at(15), 20 * MIN), 50)
})

t.test('no result in the window: null, shown as "no data"', async (t) => {
  t.equal(uptimePercent([], at(0), at(10), 2 * MIN), null)
  t.equal(uptimePercent(entries(['healthy']), at(100), at(200), 2 * MIN), null)
})

t.test('percentiles use the nearest rank', async (t) => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1)
  t.equal(percentile(values, 50), 50)
  t.equal(percentile(values, 95), 95)
  t.equal(percentile(values, 99), 99)
  t.equal(percentile([7], 99), 7)
  t.equal(percentile([], 50), null)
})

t.test('outages are runs of unhealthy results; the last one may still be open', async (t) => {
  const found = outages(entries(['healthy', 'unhealthy', 'unhealthy', 'degraded', 'unhealthy']))
  t.same(found, [{ startedAt: at(1), endedAt: at(3) }, { startedAt: at(4), endedAt: null }])
})

t.test('the current status began with the latest run of the same status', async (t) => {
  t.same(statusSince(entries(['unhealthy', 'healthy', 'healthy'])), at(1))
  t.equal(statusSince([]), null)
})
