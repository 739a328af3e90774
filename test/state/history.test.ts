import pg from 'pg'
import t from 'tap'
import { memoryCapacity } from '../../src/state/history.js'
import { createMemoryHistory } from '../../src/state/memory-history.js'
import { createPgHistory, LATEST, READ_ONE, type HistoryOutcome } from '../../src/state/pg-history.js'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { createTestDatabase } from '../support/pg-database.js'
import { waitFor } from '../support/wait-for.js'

const start = new Date('2026-11-26T10:00:00Z')
const DAY_MS = 86_400_000

t.test('memory: a bounded ring per environment, oldest dropped first, read from a time on', async (t) => {
  const history = createMemoryHistory(3)
  for (let i = 0; i < 5; i++) {
    history.record([checkResult('production', 'healthy', { at: minutesAfter(start, i) }), checkResult('staging', i === 4 ? 'unhealthy' : 'healthy', { at: minutesAfter(start, i) })], 'follower')
  }
  const all = await history.read(start)
  t.same(all.get('production')!.map((e) => e.checkedAt), [2, 3, 4].map((m) => minutesAfter(start, m)), 'three kept, the oldest dropped')
  t.same(all.get('staging')!.map((e) => e.status), ['healthy', 'healthy', 'unhealthy'], 'a follower keeps its own results in memory')
  t.same((await history.read(minutesAfter(start, 4))).get('production')!.length, 1)
  t.match(all.get('production')![0], { environment: 'production', status: 'healthy', responseTimeMs: 120, httpStatus: 200, tlsDaysLeft: 41 })
})

t.test('memory: a ring grows past its first slots up to its capacity, every field and null kept as recorded', async (t) => {
  const history = createMemoryHistory(20)
  for (let i = 0; i < 50; i++) {
    const result = checkResult('production', (['healthy', 'degraded', 'unhealthy'] as const)[i % 3]!, { at: minutesAfter(start, i), httpStatus: i % 5 === 0 ? null : 200 + i })
    history.record([{ ...result, responseTimeMs: i % 7 === 0 ? null : i + 0.4, tlsDaysLeft: i % 4 === 0 ? null : i - 30.5 }], 'leader')
  }
  const kept = (await history.read(start)).get('production')!
  t.equal(kept.length, 20, 'the capacity, not the first size')
  t.same(kept, Array.from({ length: 20 }, (_, k) => {
    const i = 30 + k
    return {
      environment: 'production',
      checkedAt: minutesAfter(start, i),
      status: ['healthy', 'degraded', 'unhealthy'][i % 3],
      responseTimeMs: i % 7 === 0 ? null : i,
      httpStatus: i % 5 === 0 ? null : 200 + i,
      tlsDaysLeft: i % 4 === 0 ? null : Math.floor(i - 30.5)
    }
  }), 'the newest 20 in order, rounded as historyEntry rounds, nulls and negative days kept')
})

t.test('memory: the ring covers the retention at the interval, within a bound', async (t) => {
  t.equal(memoryCapacity(30 * DAY_MS, 15 * 60_000), 2881, '30 days at 15 minutes')
  t.equal(memoryCapacity(30 * DAY_MS, 1000), 10_000, 'bounded at a short interval')
})

t.test('PostgreSQL: only the leader writes, any replica reads, a result is kept once', async (t) => {
  const url = await createTestDatabase(t)
  const outcomes: HistoryOutcome[] = []
  const leader = createPgHistory({ connectionString: url, retentionMs: 30 * DAY_MS, onOutcome: (o) => outcomes.push(o) })
  const follower = createPgHistory({ connectionString: url, retentionMs: 30 * DAY_MS })
  t.teardown(async () => { await leader.close(); await follower.close() })

  follower.record([checkResult('production', 'unhealthy', { at: start })], 'follower')
  follower.record([checkResult('production', 'unhealthy', { at: start })], 'unknown')
  leader.record([checkResult('production', 'healthy', { at: start }), checkResult('staging', 'unhealthy', { at: start })], 'leader')
  leader.record([checkResult('production', 'degraded', { at: minutesAfter(start, 1) })], 'leader')
  leader.record([checkResult('production', 'degraded', { at: minutesAfter(start, 1) })], 'leader')
  await waitFor('the writes', async () => { await leader.settled(); return (await follower.read(start)).get('production')?.length === 2 })
  await leader.settled()

  const read = await follower.read(start)
  t.same(read.get('production')!.map((e) => [e.status, e.checkedAt.toISOString()]), [['healthy', start.toISOString()], ['degraded', minutesAfter(start, 1).toISOString()]], 'oldest first; the follower\'s and the duplicate are not stored')
  t.match(read.get('staging'), [{ status: 'unhealthy', httpStatus: 502, responseTimeMs: 120, tlsDaysLeft: 41 }])
  t.same([...(await follower.read(minutesAfter(start, 1))).keys()], ['production'], 'read from a time on')
  t.ok(outcomes.some((o) => o.operation === 'write' && o.ok), 'writes are reported')
})

t.test('PostgreSQL: pruning removes results past the retention, in bounded batches', async (t) => {
  const url = await createTestDatabase(t)
  const history = createPgHistory({ connectionString: url, retentionMs: 30 * DAY_MS, pruneBatch: 2, pruneBatches: 2 })
  t.teardown(() => history.close())
  const now = Date.now()
  const old = Array.from({ length: 5 }, (_, i) => checkResult('production', 'healthy', { at: new Date(now - 40 * DAY_MS + i * 60_000) }))
  const recent = [checkResult('production', 'healthy', { at: new Date(now - DAY_MS) })]
  history.record([...old, ...recent], 'leader')
  await history.settled()
  t.equal((await history.read(new Date(0))).get('production')!.length, 6)

  t.equal(await history.prune(), 4, 'one pruning removes at most two batches of two')
  t.equal(await history.prune(), 1, 'the next one the rest')
  t.equal(await history.prune(), 0)
  t.same((await history.read(new Date(0))).get('production')!.map((e) => e.checkedAt), [recent[0]!.checkedAt], 'only the recent result is left')
})

t.test('PostgreSQL: a database that refuses fails reads and writes visibly, and takes the results later', async (t) => {
  const url = await createTestDatabase(t)
  const outcomes: HistoryOutcome[] = []
  // Nothing listens on port 1: every connection is refused.
  const broken = createPgHistory({ connectionString: 'postgres://postgres@127.0.0.1:1/test', retentionMs: DAY_MS, onOutcome: (o) => outcomes.push(o) })
  t.teardown(() => broken.close())
  broken.record([checkResult('production', 'healthy', { at: start })], 'leader')
  await broken.settled()
  t.match(outcomes.filter((o) => o.operation === 'write'), [{ ok: false }], 'the write failed')
  t.match(outcomes.find((o) => o.operation === 'open'), { ok: false }, 'so did opening, tried at once for every replica')
  await t.rejects(broken.read(start))
  t.match(outcomes.at(-1), { operation: 'read', ok: false })

  // The same queue against a working database: the failed batch is written with the next one.
  const pool = new pg.Pool({ connectionString: url })
  const working = createPgHistory({ pool, retentionMs: DAY_MS })
  t.teardown(async () => { await working.close(); await pool.end() })
  working.record([checkResult('production', 'healthy', { at: start })], 'leader')
  await working.settled()
  t.equal((await working.read(start)).get('production')!.length, 1)
})

t.test('memory: a cycle of 1,200 results is kept a slice at a time, the event loop turning between slices; a read waits for it', async (t) => {
  const history = createMemoryHistory(10)
  const results = Array.from({ length: 1200 }, (_, i) => checkResult(`env-${i}`, 'healthy', { at: start }))
  let turns = 0
  let done = false
  const turn = (): void => { turns++; if (!done) setImmediate(turn) }
  setImmediate(turn)
  history.record(results, 'follower')
  const found = await history.read(start)
  done = true
  t.equal(found.size, 1200)
  t.ok(turns >= 2, `the event loop turned ${turns} times while 1,200 results were kept in slices of 500`)
})

t.test('memory: all environments together keep at most the budget, each its share, the newest kept', async (t) => {
  // A budget of 12 results: one environment may keep its capacity of 10; with three, 4 each.
  const history = createMemoryHistory(10, 12)
  for (let i = 0; i < 10; i++) history.record([checkResult('production', 'healthy', { at: minutesAfter(start, i) })], 'leader')
  t.equal((await history.read(start)).get('production')!.length, 10, 'alone: its capacity')
  for (let i = 10; i < 16; i++) {
    history.record(['production', 'staging', 'preview'].map((name) => checkResult(name, 'healthy', { at: minutesAfter(start, i) })), 'leader')
  }
  const all = await history.read(start)
  for (const name of ['production', 'staging', 'preview']) {
    t.same(all.get(name)!.map((e) => e.checkedAt), [12, 13, 14, 15].map((m) => minutesAfter(start, m)), `${name}: its share, the newest results`)
  }
})

// Three environments, three results each a minute apart; staging's last one unhealthy.
function recordThree (history: { record: (results: ReturnType<typeof checkResult>[], role: 'leader') => void }): void {
  for (let i = 0; i < 3; i++) {
    history.record(['production', 'staging', 'preview'].map((name) => checkResult(name, name === 'staging' && i === 2 ? 'unhealthy' : 'healthy', { at: minutesAfter(start, i) })), 'leader')
  }
}

t.test('memory: a read of some environments returns only theirs; latest gives each one\'s newest result', async (t) => {
  const history = createMemoryHistory(10)
  recordThree(history)
  const some = await history.read(start, ['staging', 'nowhere', 'production'])
  t.same([...some.keys()].sort(), ['production', 'staging'], 'only the asked environments (an unknown one is absent)')
  t.same(some.get('staging')!.map((e) => e.status), ['healthy', 'healthy', 'unhealthy'], 'the whole period, oldest first')
  t.same([...(await history.read(start, [])).keys()], [], 'none asked, none read')
  t.same([...(await history.read(start)).keys()].sort(), ['preview', 'production', 'staging'], 'without names, every environment')

  const latest = await history.latest(start, ['staging', 'preview', 'nowhere'])
  t.same([...latest.keys()].sort(), ['preview', 'staging'])
  t.match(latest.get('staging'), { environment: 'staging', status: 'unhealthy', checkedAt: minutesAfter(start, 2), httpStatus: 502 })
  t.same((await history.latest(minutesAfter(start, 3), ['staging'])).size, 0, 'a newest result before `since` is none')
})

t.test('memory: a read of many results turns the event loop between slices', async (t) => {
  // 300 environments × 40 results: 12,000 results, more than two slices of 5,000.
  const history = createMemoryHistory(40)
  for (let i = 0; i < 40; i++) history.record(Array.from({ length: 300 }, (_, k) => checkResult(`env-${k}`, 'healthy', { at: minutesAfter(start, i) })), 'leader')
  await history.read(start, [])
  let turns = 0
  let counting = true
  const tick = (): void => { if (counting) { turns++; setImmediate(tick) } }
  setImmediate(tick)
  const found = await history.read(start)
  counting = false
  t.equal(found.size, 300)
  t.equal(found.get('env-299')!.length, 40)
  t.ok(turns >= 2, `the event loop turned ${turns} times while 12,000 results were read`)
})

t.test('PostgreSQL: a read of some environments returns only theirs; latest gives each one\'s newest result', async (t) => {
  const url = await createTestDatabase(t)
  const history = createPgHistory({ connectionString: url, retentionMs: 30 * DAY_MS })
  t.teardown(() => history.close())
  recordThree(history)
  await history.settled()
  const some = await history.read(start, ['staging', 'nowhere', 'production'])
  t.same([...some.keys()].sort(), ['production', 'staging'], 'only the asked environments (an unknown one is absent)')
  t.same(some.get('staging')!.map((e) => e.status), ['healthy', 'healthy', 'unhealthy'], 'the whole period, oldest first')
  t.same((await history.read(minutesAfter(start, 2), ['production'])).get('production')!.map((e) => e.checkedAt), [minutesAfter(start, 2)], 'from a time on')
  t.same([...(await history.read(start, [])).keys()], [], 'none asked, none read')
  t.same([...(await history.read(start)).keys()].sort(), ['preview', 'production', 'staging'], 'without names, every environment')

  const latest = await history.latest(start, ['staging', 'preview', 'nowhere'])
  t.same([...latest.keys()].sort(), ['preview', 'staging'])
  t.same(latest.get('staging'), { environment: 'staging', checkedAt: minutesAfter(start, 2), status: 'unhealthy', responseTimeMs: 120, httpStatus: 502, tlsDaysLeft: 41 })
  t.same((await history.latest(minutesAfter(start, 3), ['staging'])).size, 0, 'a newest result before `since` is none')
})

t.test('PostgreSQL: the read of some environments and latest are served by the primary key, not a scan of the table', async (t) => {
  const url = await createTestDatabase(t)
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  const history = createPgHistory({ pool, retentionMs: 30 * DAY_MS })
  t.teardown(async () => { await history.close(); await pool.end() })
  await history.read(start, [])
  // 200 environments × 50 results, so that the planner weighs a real table.
  await pool.query(`INSERT INTO vigil_check_history (environment, checked_at, status)
    SELECT 'env-' || e, $1::timestamptz + m * interval '1 minute', 'healthy' FROM generate_series(0, 199) e, generate_series(0, 49) m`, [start])
  await pool.query('ANALYZE vigil_check_history')
  const plan = async (sql: string, values: unknown[]): Promise<string> =>
    (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, values)).rows.map((r) => r['QUERY PLAN']).join('\n')
  const pkey = /(Index|Index Only|Bitmap Index) Scan( Backward)? (using|on) vigil_check_history_pkey/
  const page = await plan(READ_ONE, [start, 'env-77'])
  t.match(page, pkey, 'an environment\'s results: the primary key')
  t.notMatch(page, /Seq Scan/)
  const newest = await plan(LATEST, [start, ['env-3', 'env-199']])
  t.match(newest, pkey, 'the newest of each: the primary key')
  t.notMatch(newest, /Seq Scan on vigil_check_history/)
  const read = await history.read(start, ['env-3', 'env-77'])
  t.same([...read.values()].map((entries) => entries.length), [50, 50])
  const latest = await history.latest(start, ['env-3', 'env-199'])
  t.same([...latest.values()].map((e) => e.checkedAt), [minutesAfter(start, 49), minutesAfter(start, 49)])
})
