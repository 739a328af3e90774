import t from 'tap'
import { NOT_JSON } from '../../src/monitor/conditions.js'
import { JSON_TOO_BIG, jsonHeapBytes, judgeHealth, parseJsonBody } from '../../src/monitor/judge.js'
import { createRedactor } from '../../src/redact.js'
import { testTarget } from '../support/targets.js'

const MiB = 1_048_576

t.test('the heap a JSON parse takes is estimated from its objects, arrays and separators', async (t) => {
  t.equal(jsonHeapBytes('{}'), 24)
  t.equal(jsonHeapBytes('[{},{}]'), 3 * 24 + 8)
  t.equal(jsonHeapBytes('"a, b, {c}"'), 24 + 8 * 2, 'a low estimate: it does not read strings apart')
  // 2 MiB of `{},`: some 700,000 objects, about 22 MB of heap.
  const dense = `[${'{},'.repeat(700_000)}{}]`
  t.ok(jsonHeapBytes(dense) > 20 * 1e6)
})

t.test('a body past 1 MiB whose parse would not fit the heap is not parsed, and fails as such', async (t) => {
  const dense = `[${'{},'.repeat(700_000)}{}]`
  t.equal(parseJsonBody('application/json', dense, () => 10 * MiB), JSON_TOO_BIG)
  t.ok(Array.isArray(parseJsonBody('application/json', dense, () => 100 * MiB)), 'parsed when it fits')
  t.same(parseJsonBody('application/json', '{"status":"ok"}', () => 0), { status: 'ok' }, 'small bodies are parsed without counting')
  t.equal(parseJsonBody('application/json', '{"status":', () => 100 * MiB), NOT_JSON)

  const outcome = { ok: true as const, httpStatus: 200, responseTimeMs: 5, contentType: 'application/json', body: dense, bodyTooLarge: false }
  const target = testTarget('http://127.0.0.1:1', { maxBodyBytes: 4 * MiB })
  const verdict = judgeHealth(outcome as Parameters<typeof judgeHealth>[0], target, { certificateDaysLeft: null, redact: createRedactor([]) })
  t.ok(verdict.status === 'healthy', 'this thread has room for 22 MB')
})
