import t from 'tap'
import { worstCheckMs, worstCycleMs } from '../../src/monitor/worst-case.js'

const target = { attempts: 3, timeoutMs: 10_000, retryDelayMs: 10_000, checks: ['/api'] }

t.test('the worst check is every try to its deadline, the pauses, then the extra paths', async (t) => {
  t.equal(worstCheckMs(target), 60_000, 'the documented 60 s with the defaults')
  t.equal(worstCheckMs({ ...target, checks: [] }), 50_000)
  t.equal(worstCheckMs({ attempts: 1, timeoutMs: 2_000, retryDelayMs: 10, checks: [] }), 2_000)
})

t.test('the worst cycle is the slowest check once per wave of concurrency', async (t) => {
  t.equal(worstCycleMs([], 100), 0)
  t.equal(worstCycleMs([target, { ...target, attempts: 1 }], 100), 60_000)
  t.equal(worstCycleMs(Array.from({ length: 250 }, () => target), 100), 180_000)
})

t.test('a list too long to spread as arguments still gives its worst cycle', async (t) => {
  const many = Array.from({ length: 200_000 }, () => ({ ...target, attempts: 1 }))
  many[123_456] = target
  t.equal(worstCycleMs(many, 1000), 60_000 * 200)
})
