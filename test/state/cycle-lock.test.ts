import pg from 'pg'
import t from 'tap'
import { CYCLE_LOCK_KEY, createMemoryLock, createPgLock } from '../../src/state/cycle-lock.js'
import { createTestDatabase } from '../support/pg-database.js'

t.test('the memory lock always runs the cycle', async (t) => {
  const lock = createMemoryLock()
  t.same(await lock.runExclusive(async () => 42), { ran: true, value: 42 })
})

t.test('only one replica runs a cycle; the lock is free again afterwards', async (t) => {
  const url = await createTestDatabase(t)
  const a = createPgLock({ connectionString: url })
  const b = createPgLock({ connectionString: url })
  t.teardown(async () => { await a.close(); await b.close() })
  let inside!: () => void
  const entered = new Promise<void>((resolve) => { inside = resolve })
  let finish!: () => void
  const held = a.runExclusive(async () => { inside(); await new Promise<void>((resolve) => { finish = resolve }); return 'a' })
  await entered
  t.same(await b.runExclusive(async () => 'b'), { ran: false })
  finish()
  t.same(await held, { ran: true, value: 'a' })
  t.same(await b.runExclusive(async () => 'b'), { ran: true, value: 'b' })
})

t.test('a cycle that throws releases the lock', async (t) => {
  const url = await createTestDatabase(t)
  const a = createPgLock({ connectionString: url })
  t.teardown(() => a.close())
  await t.rejects(a.runExclusive(async () => { throw new Error('cycle failed') }), /cycle failed/)
  t.same(await a.runExclusive(async () => 1), { ran: true, value: 1 })
})

t.test('a replica that dies holding the lock does not block the next cycle', async (t) => {
  const url = await createTestDatabase(t)
  const dying = new pg.Client({ connectionString: url })
  await dying.connect()
  await dying.query('SELECT pg_advisory_lock($1)', [CYCLE_LOCK_KEY])
  const survivor = createPgLock({ connectionString: url })
  t.teardown(() => survivor.close())
  t.same(await survivor.runExclusive(async () => 1), { ran: false })
  await dying.end() // the session ends as it would when the process is killed
  t.same(await survivor.runExclusive(async () => 2), { ran: true, value: 2 })
})
