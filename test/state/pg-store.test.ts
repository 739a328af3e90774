import pg from 'pg'
import t, { type Test } from 'tap'
import { createMemoryStore } from '../../src/state/memory-store.js'
import { createPgStore } from '../../src/state/pg-store.js'
import type { EnvironmentState, Store } from '../../src/state/types.js'
import { createTestDatabase } from '../support/pg-database.js'

const state: EnvironmentState = {
  environment: 'production',
  status: 'unhealthy',
  since: '2026-11-26T10:00:00.000Z',
  outageSince: '2026-11-26T10:00:00.000Z',
  lastFailures: ['HTTP 502 from /health'],
  lastNotifiedAt: '2026-11-26T10:15:00.000Z',
  issue: { number: 12, url: 'https://github.com/o/r/issues/12', openedAt: '2026-11-26T10:00:03.000Z' },
  pending: [{ id: 'a1', kind: 'comment', body: 'still down', attempts: 2 }, { id: 'a2', kind: 'close', attempts: 0 }]
}

async function exercise (t: Test, store: Store) {
  t.equal(await store.get('production'), undefined)
  await store.put(state)
  t.same(await store.get('production'), state)
  const updated = { ...state, status: 'healthy' as const, outageSince: null, issue: null, pending: [], lastNotifiedAt: null }
  await store.put(updated)
  await store.put({ ...updated, environment: 'staging' })
  t.same(await store.get('production'), updated)
  t.same((await store.list()).map((s) => s.environment).sort(), ['production', 'staging'])
}

t.test('the memory store keeps what it is given', async (t) => {
  await exercise(t, createMemoryStore())
})

t.test('the PostgreSQL store round-trips state, pending actions included', async (t) => {
  const url = await createTestDatabase(t)
  const store = await createPgStore({ connectionString: url })
  t.teardown(() => store.close())
  await exercise(t, store)
})

t.test('schema creation is idempotent, even from replicas starting together', async (t) => {
  const url = await createTestDatabase(t)
  const stores = await Promise.all([1, 2, 3].map(async () => await createPgStore({ connectionString: url })))
  const again = await createPgStore({ connectionString: url })
  await again.put(state)
  for (const store of [...stores, again]) t.same(await store.get('production'), state)
  await Promise.all([...stores, again].map(async (s) => { await s.close() }))
})

t.test('a pool passed in is left open for its owner', async (t) => {
  const url = await createTestDatabase(t)
  const pool = new pg.Pool({ connectionString: url })
  t.teardown(() => pool.end())
  const store = await createPgStore({ pool })
  await store.close()
  t.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1)
})
