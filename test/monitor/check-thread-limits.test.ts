import t from 'tap'
import { LARGE_BODY_BUDGET_MIB } from '../../src/monitor/body-limit.js'
import { CHECK_THREAD_LIMITS, checkThreadLimits, createCheckThread } from '../../src/monitor/check-thread.js'
import { startTargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

const MiB = 1_048_576

t.test('the thread\'s heap grows by three times what the concurrency largest bodies allow past 1 MiB', async (t) => {
  const base = CHECK_THREAD_LIMITS.maxOldGenerationSizeMb!
  t.same(checkThreadLimits([{}, { maxBodyBytes: MiB }, { maxBodyBytes: 512 }], 100), CHECK_THREAD_LIMITS, 'default bodies: the default heap')
  t.equal(checkThreadLimits([{ maxBodyBytes: 101 * MiB }], 100).maxOldGenerationSizeMb, base + 300)
  t.equal(checkThreadLimits([{ maxBodyBytes: 11 * MiB }, { maxBodyBytes: 21 * MiB }, { maxBodyBytes: 6 * MiB }], 2).maxOldGenerationSizeMb, base + 3 * (20 + 10), 'only as many bodies as are read at once')
  t.equal(checkThreadLimits([{ maxBodyBytes: 11 * MiB }], 100).maxYoungGenerationSizeMb, CHECK_THREAD_LIMITS.maxYoungGenerationSizeMb)
  const many = Array.from({ length: 100 }, () => ({ maxBodyBytes: 101 * MiB }))
  t.equal(checkThreadLimits(many, 100).maxOldGenerationSizeMb, base + 3 * LARGE_BODY_BUDGET_MIB, 'no more than the large-body budget is read at once')
})

t.test('one environment allowed a big JSON answer is checked in a heap sized for it, not out of memory', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  // About 48 MB of small objects: parsed, well past the default 128 MB old generation.
  const body = `{"status":"ok","items":[${Array.from({ length: 6_000_000 }, () => '{"a":1}').join(',')}]}`
  server.set('/big', { body })
  const target = testTarget(server.url, { name: 'big', healthPath: '/big', timeoutMs: 20_000, maxResponseTimeMs: 20_000, maxBodyBytes: 64 * MiB, conditions: [{ kind: 'json', path: '$.status', op: 'equals', value: 'ok' }] })
  const signal = new AbortController().signal
  const small = createCheckThread({ secrets: [] })
  t.teardown(() => small.close())
  const [failure] = await small.run([target], signal)
  t.same(failure?.failures, ['/big: JSON body too big to parse in the check thread\'s heap'], 'the default heap has no room: refused before the parse')
  const sized = createCheckThread({ secrets: [], resourceLimits: checkThreadLimits([target], 100) })
  t.teardown(() => sized.close())
  const [result] = await sized.run([target], signal)
  t.equal(result?.status, 'healthy', 'the sized heap checks it')
})
