import pg from 'pg'
import t from 'tap'
import type { NewOutboxEntry } from '../../src/delivery/types.js'
import { createMemoryStore } from '../../src/state/memory-store.js'
import { createPgStore } from '../../src/state/pg-store.js'
import type { EnvironmentState, Store } from '../../src/state/types.js'
import { createTestDatabase } from '../support/pg-database.js'

const AT = '2026-11-26T10:00:00.000Z'
const state: EnvironmentState = {
  environment: 'production', status: 'unhealthy', since: AT, outageSince: AT,
  lastFailures: ['HTTP 502 from /health'], lastNotifiedAt: AT, lastChangedAt: AT,
  failureStreak: 3, successStreak: 0, flaps: 1, peakStatus: 'degraded'
}
let n = 0
const entry = (kind: 'opened' | 'changed' | 'resolved', environment = 'production', incident = 'A'): NewOutboxEntry => {
  n += 1
  return {
    id: `entry-${n}`, channel: 'github', environment, createdAt: AT, notBefore: AT,
    event: { id: `event-${n}`, kind, environment, incidentId: `${environment}@${incident}`, decidedAt: AT, outageSince: AT, result: null }
  }
}

type Teardown = { teardown: (fn: () => Promise<void>) => void }
type Make = (t: Teardown) => Promise<Store>
const kinds: Array<[string, Make]> = [
  ['memory', async () => createMemoryStore()],
  ['PostgreSQL', async (t) => {
    const store = await createPgStore({ connectionString: await createTestDatabase(t) })
    t.teardown(() => store.close())
    return store
  }]
]

for (const [kind, make] of kinds) {
  t.test(`${kind}: states and outbox entries are written together and read back`, async (t) => {
    const store = await make(t)
    const opened = entry('opened')
    t.same(await store.commit([state], [opened], AT), [])
    t.same((await store.loadStates()).get('production'), state)
    const due = await store.dueEntries('github', new Date(AT))
    t.same(due.map((e) => [e.id, e.state, e.attempts, e.event.kind]), [[opened.id, 'pending', 0, 'opened']])
    t.same(await store.dueEntries('slack', new Date(AT)), [], 'per channel')
  })

  t.test(`${kind}: per environment only the head is due, and only once its time has come`, async (t) => {
    const store = await make(t)
    const [a, b, c] = [entry('opened'), entry('changed'), entry('opened', 'staging')]
    await store.commit([], [a, b, c], AT)
    t.same((await store.dueEntries('github', new Date(AT))).map((e) => e.id), [a.id, c.id])
    await store.updateEntry({ id: a.id, attempts: 1, notBefore: '2026-11-26T10:05:00.000Z' })
    t.same((await store.dueEntries('github', new Date(AT))).map((e) => e.id), [c.id], 'a head waiting blocks its environment only')
    await store.updateEntry({ id: a.id, state: 'delivered', finishedAt: AT })
    t.same((await store.dueEntries('github', new Date(AT))).map((e) => e.id), [b.id, c.id])
  })

  t.test(`${kind}: with a limit, only the first due heads are read (the probe of a channel that is down)`, async (t) => {
    const store = await make(t)
    const [a, b, c, d] = [entry('opened'), entry('changed'), entry('opened', 'staging'), entry('opened', 'qa')]
    await store.commit([], [a, b, c, d], AT)
    await store.updateEntry({ id: a.id, attempts: 1, notBefore: '2026-11-26T10:05:00.000Z' })
    t.same((await store.dueEntries('github', new Date(AT), 1)).map((e) => e.id), [c.id], 'the first head whose time has come')
    t.same((await store.dueEntries('github', new Date(AT), 5)).map((e) => e.id), [c.id, d.id])
    t.same((await store.dueEntries('github', new Date('2026-11-26T10:05:00.000Z'), 2)).map((e) => e.id), [a.id, c.id], 'by seq once the waiting head is due')
  })

  t.test(`${kind}: coalescing drops what a later event makes pointless, visibly`, async (t) => {
    const store = await make(t)
    await store.commit([], [entry('opened'), entry('changed')], AT)
    const dropped = await store.commit([], [entry('resolved')], AT)
    t.same(dropped.map((e) => [e.event.kind, e.state]).sort(), [['changed', 'dropped'], ['opened', 'dropped']])
    t.same(await store.dueEntries('github', new Date(AT)), [])
    const stats = await store.outboxStats('github')
    t.equal(stats.pending, 0)
    t.same(stats.recentDropped.map((e) => e.event.kind).sort(), ['changed', 'opened'], 'shown in the report')
  })

  t.test(`${kind}: figures for the report`, async (t) => {
    const store = await make(t)
    const [a, b] = [entry('opened'), entry('opened', 'staging')]
    await store.commit([], [a, b], AT)
    await store.updateEntry({ id: a.id, state: 'failed', lastError: 'GitHub refused opened: HTTP 422', finishedAt: '2026-11-26T10:01:00.000Z' })
    const stats = await store.outboxStats('github')
    t.equal(stats.pending, 1)
    t.equal(stats.oldestPendingAt, AT)
    t.same(stats.recentFailures.map((e) => e.lastError), ['GitHub refused opened: HTTP 422'])
    t.equal(stats.lastDelivered, null)
  })

  t.test(`${kind}: within one commit, a later event coalesces with one stored by the same commit`, async (t) => {
    const store = await make(t)
    const [opened, other, resolved] = [entry('opened'), entry('opened', 'staging'), entry('resolved')]
    const dropped = await store.commit([], [opened, other, resolved], AT)
    t.same(dropped.map((e) => [e.id, e.state, e.lastError]), [[opened.id, 'dropped', 'the incident resolved before it was sent']])
    t.same((await store.dueEntries('github', new Date(AT))).map((e) => e.id), [other.id], 'the other environment is untouched')
    t.same((await store.outboxStats('github')).recentDropped.map((e) => e.id), [opened.id], 'the dropped one is kept for the report')
  })

  t.test(`${kind}: a mass outage's commit keeps each environment's queue apart, also after old entries are pruned`, async (t) => {
    const store = await make(t)
    const environments = Array.from({ length: 300 }, (_, i) => `env-${i}`)
    const opened = environments.map((environment) => entry('opened', environment))
    await store.commit([], opened, AT)
    // More finished entries than the report keeps (200), so the oldest are pruned.
    for (const e of opened.slice(0, 250)) await store.updateEntry({ id: e.id, attempts: 1, state: 'delivered', finishedAt: AT })
    const changed = environments.map((environment) => entry('changed', environment))
    t.same(await store.commit([], changed, AT), [], 'an update after a delivered opening drops nothing')
    const again = environments.map((environment) => entry('changed', environment))
    const dropped = await store.commit([], again, AT)
    t.same(dropped.map((e) => e.id).sort(), changed.map((e) => e.id).sort(), 'each later update replaces only its own environment\'s untried one')
    // Both updates say nothing new (no failures either side), so the later one is dropped too.
    t.ok(dropped.every((e) => e.lastError === 'changed back before it was sent'))
    await store.updateEntry({ id: opened[299]!.id, attempts: 1 })
    const due = await store.dueEntries('github', new Date(AT))
    t.same(due.map((e) => e.id), opened.slice(250).map((e) => e.id), 'the undelivered openings are the heads, in order')
    t.equal(due.find((e) => e.id === opened[299]!.id)?.attempts, 1, 'an update after pruning lands on its own entry')
  })

  t.test(`${kind}: channel memory and holds`, async (t) => {
    const store = await make(t)
    await store.setChannelMemory('github', 'production', { number: 3 })
    t.same(await store.getChannelMemory('github', 'production'), { number: 3 })
    t.same([...(await store.listChannelMemory('github')).keys()], ['production'])
    await store.setChannelMemory('github', 'production', undefined)
    t.equal(await store.getChannelMemory('github', 'production'), undefined)
    t.equal(await store.getHold('github'), null)
    await store.setHold('github', '2026-11-26T10:02:00.000Z')
    t.equal(await store.getHold('github'), '2026-11-26T10:02:00.000Z')
    await store.setHold('github', '2026-11-26T10:01:00.000Z')
    t.equal(await store.getHold('github'), '2026-11-26T10:02:00.000Z', 'an earlier time never shortens a hold')
  })

  t.test(`${kind}: one holder of the lease at a time; it expires by itself`, async (t) => {
    const store = await make(t)
    t.match(await store.acquireLease('leader', 'a', 300, 60_000), { held: true, holder: 'a' })
    t.match(await store.acquireLease('leader', 'b', 300, 60_000), { held: false, holder: 'a' })
    t.match(await store.acquireLease('leader', 'a', 300, 60_000), { held: true }, 'renewed by its holder')
    await new Promise((resolve) => setTimeout(resolve, 400))
    t.match(await store.acquireLease('leader', 'b', 300, 60_000), { held: true, holder: 'b' }, 'taken once expired')
    await store.releaseLease('leader', 'b')
    t.match(await store.acquireLease('leader', 'a', 300, 60_000), { held: true, holder: 'a' }, 'free once released')
  })

  t.test(`${kind}: a holder that finishes no cycle loses the lease`, async (t) => {
    const store = await make(t)
    await store.acquireLease('leader', 'a', 60_000, 200)
    await store.recordCycle('leader', 'a')
    t.match(await store.acquireLease('leader', 'b', 60_000, 200), { held: false })
    await new Promise((resolve) => setTimeout(resolve, 300))
    t.match(await store.acquireLease('leader', 'b', 60_000, 200), { held: true, holder: 'b' })
  })
}

t.test('schema creation is idempotent, even from replicas starting together', async (t) => {
  const url = await createTestDatabase(t)
  const stores = await Promise.all([1, 2, 3].map(async () => await createPgStore({ connectionString: url })))
  await Promise.all(stores.map(async (s) => await s.commit([state], [], AT)))
  for (const store of stores) t.same((await store.loadStates()).get('production'), state)
  await Promise.all(stores.map(async (s) => { await s.close() }))
})

t.test('a pool passed in is left open for its owner', async (t) => {
  const url = await createTestDatabase(t)
  const pool = new pg.Pool({ connectionString: url })
  t.teardown(() => pool.end())
  const store = await createPgStore({ pool })
  await store.close()
  t.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1)
})
