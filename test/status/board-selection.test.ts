import t from 'tap'
import type { EnvironmentSummary } from '../../src/health/environment-board.js'
import { STATUS_PAGE_SIZE } from '../../src/status/board-query.js'
import { selectPage } from '../../src/status/board-selection.js'

const summary = (status: EnvironmentSummary['status']): EnvironmentSummary =>
  ({ status, url: 'https://example.com', last_checked_at: '2026-12-01T00:00:00.000Z', http_status: 200, response_time_ms: 1, tls_days_left: null, incident: null })

// 100 environments: every 10th down, every 7th (not down) degraded, env-99 never checked.
const names = Array.from({ length: 100 }, (_, i) => `env-${i}`)
const board = (name: string): EnvironmentSummary | undefined => {
  const i = Number(name.slice(4))
  if (i === 99) return undefined
  return summary(i % 10 === 0 ? 'unhealthy' : i % 7 === 0 ? 'degraded' : 'healthy')
}
const down = names.filter((_, i) => i % 10 === 0)
const degraded = names.filter((_, i) => i % 10 !== 0 && i % 7 === 0)
const up = names.filter((_, i) => i % 10 !== 0 && i % 7 !== 0 && i !== 99)

t.test('pages cut across the status groups in attention order: down, degraded, unknown, up', async (t) => {
  const all = [...down, ...degraded, 'env-99', ...up]
  for (let page = 1; page <= 4; page++) {
    const selection = await selectPage(names, board, undefined, { page })
    t.same(selection.names, all.slice((page - 1) * STATUS_PAGE_SIZE, page * STATUS_PAGE_SIZE), `page ${page}`)
    t.same(selection.counts, { total: 100, up: up.length, degraded: degraded.length, down: 10, unknown: 1 })
    t.equal(selection.overall, 'down')
    t.match(selection.page, { number: page, pages: 4, matching: 100, order: 'attention' })
  }
  t.same((await selectPage(names, board, undefined, { page: 5 })).names, [], 'past the last page')
})

t.test('a newer history result decides the status, as the environment view does', async (t) => {
  const latest = new Map([['env-1', { environment: 'env-1', checkedAt: new Date('2026-12-01T00:01:00Z'), status: 'unhealthy' as const, responseTimeMs: null, httpStatus: null, tlsDaysLeft: null }]])
  const selection = await selectPage(names, board, latest, { page: 1, statuses: new Set(['down'] as const) })
  t.same(selection.names, ['env-0', 'env-1', ...down.slice(1)])
})

t.test('a small board keeps the configured order; filters combine', async (t) => {
  const small = names.slice(0, 12)
  t.same((await selectPage(small, board, undefined, { page: 1 })).names, small)
  const filtered = await selectPage(names, board, undefined, { page: 1, environments: new Set(['env-3', 'env-20', 'env-21']), statuses: new Set(['up', 'down'] as const) })
  t.same(filtered.names, ['env-20', 'env-3'])
  t.same(filtered.page.filter, { environments: ['env-3', 'env-20', 'env-21'], statuses: ['up', 'down'] })
  t.equal((await selectPage([], board, undefined, { page: 1 })).overall, 'unknown', 'no environment: unknown')
})

t.test('the pass over the environments lets the event loop run between slices', async (t) => {
  let turns = 0
  let counting = true
  const tick = (): void => { if (counting) { turns++; setImmediate(tick) } }
  setImmediate(tick)
  await selectPage(names, board, undefined, { page: 1 }, 10)
  counting = false
  t.ok(turns >= 5, `the loop turned ${turns} times during 10 slices`)
})
