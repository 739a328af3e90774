import t from 'tap'
import { createLeadership } from '../../src/state/leadership.js'
import { createMemoryStore } from '../../src/state/memory-store.js'
import { createPgStore } from '../../src/state/pg-store.js'
import { startFaultProxy } from '../support/fault-proxy.js'
import { createTestDatabase } from '../support/pg-database.js'
import { waitFor } from '../support/wait-for.js'

t.test('two replicas: one leads, the other follows; closing the leader hands over at once', async (t) => {
  const store = createMemoryStore()
  const a = createLeadership({ store, ttlMs: 60_000, staleAfterMs: 60_000, holder: 'a' })
  const b = createLeadership({ store, ttlMs: 60_000, staleAfterMs: 60_000, holder: 'b' })
  t.equal(await a.refresh(), 'leader')
  t.equal(await b.refresh(), 'follower')
  t.equal(b.leader().holder, 'a')
  await a.close()
  t.equal(await b.refresh(), 'leader')
  await b.close()
})

t.test('a leader cut off from the database stops leading by itself; another takes over when the lease runs out', async (t) => {
  const url = new URL(await createTestDatabase(t))
  const proxy = await startFaultProxy({ host: url.hostname, port: Number(url.port) })
  const viaProxy = new URL(url)
  viaProxy.port = String(proxy.port)
  const storeA = await createPgStore({ connectionString: viaProxy.toString() })
  const storeB = await createPgStore({ connectionString: url.toString() })
  const roles: string[] = []
  const a = createLeadership({ store: storeA, ttlMs: 1_500, staleAfterMs: 60_000, holder: 'a', onRoleChange: (role) => roles.push(role) })
  const b = createLeadership({ store: storeB, ttlMs: 1_500, staleAfterMs: 60_000, holder: 'b' })
  t.teardown(async () => {
    await a.close(); await b.close()
    await proxy.close()
    await storeA.close(); await storeB.close()
  })
  t.equal(await a.refresh(), 'leader')
  t.equal(await b.refresh(), 'follower')
  a.start()
  b.start()
  await proxy.setMode('hang') // the network stops forwarding; the server keeps the session open
  await waitFor('a to stop believing it leads', () => a.role() !== 'leader')
  await waitFor('b to take over', () => b.role() === 'leader')
  t.equal(a.role(), 'unknown', 'a cannot tell who leads')
  t.same(roles, ['leader', 'unknown'])
})

t.test('a longer stale limit (more targets, a longer worst cycle) keeps a slow leader leading', async (t) => {
  const store = createMemoryStore()
  const a = createLeadership({ store, ttlMs: 60_000, staleAfterMs: 200, holder: 'a' })
  const b = createLeadership({ store, ttlMs: 60_000, staleAfterMs: 200, holder: 'b' })
  t.teardown(async () => { await a.close(); await b.close() })
  t.equal(await a.refresh(), 'leader')
  a.cycleFinished()
  b.setStaleAfter(60_000)
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(await b.refresh(), 'follower', 'a cycle 300 ms old is within the new limit')
  b.setStaleAfter(200)
  t.equal(await b.refresh(), 'leader', 'and past the old one')
})
