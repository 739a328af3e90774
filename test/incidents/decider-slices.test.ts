import t from 'tap'
import { createDecider } from '../../src/incidents/decider.js'
import { SOLE_LEADERSHIP } from '../../src/monitor/sole-leadership.js'
import { createRedactor } from '../../src/redact.js'
import { createMemoryStore } from '../../src/state/memory-store.js'
import { silentLog } from '../../src/structured-log.js'
import { checkResult } from '../support/check-results.js'

t.test('a cycle of 1,200 results is taken in and decided a slice at a time, the event loop turning between slices', async (t) => {
  const store = createMemoryStore()
  const names = Array.from({ length: 1200 }, (_, i) => `env-${i}`)
  const decider = createDecider({ store, leadership: SOLE_LEADERSHIP, routes: () => [], environments: names, log: silentLog, redact: createRedactor([]) })
  t.teardown(() => decider.close())
  let turns = 0
  let done = false
  const turn = (): void => { turns++; if (!done) setImmediate(turn) }
  setImmediate(turn)
  decider.submit(names.map((name) => checkResult(name, 'unhealthy')), new Date('2026-11-26T10:00:00Z'))
  await decider.drain()
  done = true
  const states = await store.loadStates()
  t.equal(states.size, 1200, 'every environment decided and stored')
  t.equal(states.get('env-1199')?.status, 'unhealthy')
  // Slices of 500: intake, decisions, the store's copies each turn the loop at least twice.
  t.ok(turns >= 6, `the event loop turned ${turns} times while 1,200 results were decided`)
})
