import { test } from 'tap'
import { forEachInSlices, joinInSlices } from '../src/slices.js'

test('visits every item once, in order, and lets the event loop run between slices', async (t) => {
  const items = Array.from({ length: 10 }, (_, i) => i)
  const seen: string[] = []
  // An immediate queued now runs only if the loop turns between slices.
  setImmediate(() => seen.push('loop'))
  await forEachInSlices(items, 4, (item, index) => { t.equal(item, index); seen.push(String(item)) })
  t.same(seen, ['0', '1', '2', '3', 'loop', '4', '5', '6', '7', '8', '9'])
})

test('an empty list and a slice size below 1 still work; a throwing fn rejects', async (t) => {
  let calls = 0
  await forEachInSlices([], 10, () => { calls++ })
  await forEachInSlices([1, 2, 3], 0, () => { calls++ })
  t.equal(calls, 3)
  await t.rejects(forEachInSlices([1, 2], 1, (item) => { if (item === 2) throw new Error('boom') }), /boom/)
})

test('joinInSlices gives the bytes of parts.join(separator), whatever the slice size', async (t) => {
  const parts = Array.from({ length: 7 }, (_, i) => `line ${i} é`)
  for (const size of [1, 2, 3, 7, 100]) t.equal((await joinInSlices(parts, '\n', size)).toString('utf8'), parts.join('\n'), `slices of ${size}`)
  t.equal((await joinInSlices([], ',')).length, 0)
})

test('joinInSlices takes any iterable, reads a generator lazily a slice at a time, and lets the event loop run between slices', async (t) => {
  const seen: string[] = []
  function * lines (): Generator<string> {
    for (let i = 0; i < 5; i++) { seen.push(`made ${i}`); yield `line ${i}` }
  }
  setImmediate(() => seen.push('loop'))
  const joined = await joinInSlices(lines(), '\n', 2)
  t.equal(joined.toString('utf8'), 'line 0\nline 1\nline 2\nline 3\nline 4')
  t.same(seen, ['made 0', 'made 1', 'loop', 'made 2', 'made 3', 'made 4'], 'the third line is made only after the loop turned')
  t.equal((await joinInSlices(new Set(['a', 'b', 'c']), ',', 2)).toString(), 'a,b,c', 'a Set')
  t.equal((await joinInSlices((function * () {})(), ',')).length, 0, 'an empty generator')
  t.equal((await joinInSlices(['only'], ',', 1)).toString(), 'only')
})
