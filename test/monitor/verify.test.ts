import t from 'tap'
import { checkEnvironment } from '../../src/monitor/check-environment.js'
import type { CheckResult } from '../../src/monitor/types.js'
import { verifyUntilHealthy } from '../../src/monitor/verify.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

let server: TargetServer
t.before(async () => { server = await startTargetServer() })
t.teardown(async () => { await server.close() })
t.beforeEach(() => { server.hits.clear(); server.set('/health', 'healthy') })

const check = (signal?: AbortSignal) => async (): Promise<CheckResult> => await checkEnvironment(testTarget(server.url), { signal })

t.test('a deployment that turns healthy on the third try passes after three tries', async (t) => {
  server.set('/health', ['error', 'error', 'healthy'])
  const seen: Array<[number, string]> = []
  const outcome = await verifyUntilHealthy(check(), { attempts: 5, delayMs: 10, onAttempt: (attempt, result) => { seen.push([attempt, result.status]) } })
  t.equal(outcome.healthy, true)
  t.equal(outcome.attempts, 3)
  t.equal(outcome.aborted, false)
  t.same(outcome.results.map((r) => r.status), ['unhealthy', 'unhealthy', 'healthy'])
  t.same(seen, [[1, 'unhealthy'], [2, 'unhealthy'], [3, 'healthy']])
  t.equal(server.hits.get('/health'), 3, 'no try after the first healthy one')
  t.type(outcome.elapsedMs, 'number')
})

t.test('a deployment that never turns healthy fails after every try, with each result kept', async (t) => {
  server.set('/health', 'error')
  const outcome = await verifyUntilHealthy(check(), { attempts: 4, delayMs: 1 })
  t.equal(outcome.healthy, false)
  t.equal(outcome.attempts, 4)
  t.equal(outcome.aborted, false)
  t.same(outcome.results.map((r) => r.failures), Array.from({ length: 4 }, () => ['/health: HTTP 500']))
  t.equal(server.hits.get('/health'), 4)
})

t.test('a healthy deployment passes on the first try', async (t) => {
  const outcome = await verifyUntilHealthy(check(), { attempts: 12, delayMs: 60_000 })
  t.equal(outcome.healthy, true)
  t.equal(outcome.attempts, 1)
})

t.test('degraded does not pass by default: it is retried and fails if it stays degraded', async (t) => {
  server.set('/health', 'degraded')
  const outcome = await verifyUntilHealthy(check(), { attempts: 2, delayMs: 1 })
  t.equal(outcome.healthy, false)
  t.equal(outcome.attempts, 2)
  t.same(outcome.results.map((r) => r.status), ['degraded', 'degraded'])
})

t.test('degraded passes when acceptDegraded is set', async (t) => {
  server.set('/health', ['error', 'degraded'])
  const outcome = await verifyUntilHealthy(check(), { attempts: 3, delayMs: 1, acceptDegraded: true })
  t.equal(outcome.healthy, true)
  t.equal(outcome.attempts, 2)
})

t.test('an abort during the wait ends the verification without another try', async (t) => {
  server.set('/health', 'error')
  const controller = new AbortController()
  const outcome = await verifyUntilHealthy(check(controller.signal), {
    attempts: 12,
    delayMs: 600_000,
    signal: controller.signal,
    onAttempt: () => { controller.abort() }
  })
  t.equal(outcome.healthy, false)
  t.equal(outcome.aborted, true)
  t.equal(outcome.attempts, 1)
  t.equal(server.hits.get('/health'), 1)
})

t.test('an abort during a try drops that try: it says nothing about the deployment', async (t) => {
  server.set('/health', 'hang')
  const controller = new AbortController()
  const outcome = await verifyUntilHealthy(async () => {
    const running = checkEnvironment(testTarget(server.url, { timeoutMs: 60_000 }), { signal: controller.signal })
    controller.abort()
    return await running
  }, { attempts: 3, delayMs: 1, signal: controller.signal })
  t.equal(outcome.aborted, true)
  t.equal(outcome.attempts, 0)
  t.same(outcome.results, [])
})

t.test('an already aborted signal makes no try at all', async (t) => {
  const outcome = await verifyUntilHealthy(check(), { attempts: 3, delayMs: 1, signal: AbortSignal.abort() })
  t.same({ healthy: outcome.healthy, attempts: outcome.attempts, aborted: outcome.aborted }, { healthy: false, attempts: 0, aborted: true })
  t.equal(server.hits.get('/health'), undefined)
})

t.test('elapsedMs runs from the first try to the end of the last, on the given clock', async (t) => {
  let clock = 1000
  const outcome = await verifyUntilHealthy(async () => { clock += 250; return await check()() }, { attempts: 2, delayMs: 0, now: () => clock })
  t.equal(outcome.elapsedMs, 250)
})

t.test('attempts below 1 or a negative delay are programming errors', async (t) => {
  await t.rejects(verifyUntilHealthy(check(), { attempts: 0, delayMs: 1 }), RangeError)
  await t.rejects(verifyUntilHealthy(check(), { attempts: 1.5, delayMs: 1 }), RangeError)
  await t.rejects(verifyUntilHealthy(check(), { attempts: 1, delayMs: -1 }), RangeError)
})
