import t from 'tap'
import { LARGE_BODY_BUDGET_MIB, largeBodyWeight } from '../../src/monitor/body-limit.js'
import { runCycle } from '../../src/monitor/run-cycle.js'
import type { CheckResult, EnvironmentTarget } from '../../src/monitor/types.js'
import { startTargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

t.test('a cycle returns one result per target, in target order, failures included', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  server.set('/bad', 'error')
  const targets = [
    testTarget(server.url, { name: 'production' }),
    testTarget(server.url, { name: 'staging', healthPath: '/bad' }),
    testTarget('http://vigil-cycle.invalid', { name: 'testing' })
  ]
  const results = await runCycle(targets)
  t.same(results.map((r) => [r.environment, r.status]), [['production', 'healthy'], ['staging', 'unhealthy'], ['testing', 'unhealthy']])
})

t.test('never more checks in flight than the concurrency limit', async (t) => {
  let inFlight = 0
  let peak = 0
  const check = async (target: EnvironmentTarget): Promise<CheckResult> => {
    inFlight += 1
    peak = Math.max(peak, inFlight)
    await new Promise((resolve) => setImmediate(resolve))
    inFlight -= 1
    return { environment: target.name, status: 'healthy' } as CheckResult
  }
  const targets = Array.from({ length: 50 }, (_, i) => testTarget('http://127.0.0.1:1', { name: `env-${i}` }))
  const results = await runCycle(targets, { concurrency: 7, check })
  t.equal(results.length, 50)
  t.equal(peak, 7)
  t.same(results.map((r) => r.environment), targets.map((target) => target.name))
})

t.test('checks allowed big bodies share the large-body budget; the others never wait for it', async (t) => {
  const MiB = 1_048_576
  let largeMiB = 0
  let peakLargeMiB = 0
  let peakSmall = 0
  let small = 0
  const check = async (target: EnvironmentTarget): Promise<CheckResult> => {
    const weight = largeBodyWeight(target)
    if (weight > 0) largeMiB += weight
    else small += 1
    peakLargeMiB = Math.max(peakLargeMiB, largeMiB)
    peakSmall = Math.max(peakSmall, small)
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
    if (weight > 0) largeMiB -= weight
    else small -= 1
    return { environment: target.name, status: 'healthy' } as CheckResult
  }
  // 100 MiB each: two fit the 256 MiB budget; a target allowed more than the budget runs alone.
  const targets = [
    ...Array.from({ length: 10 }, (_, i) => testTarget('http://127.0.0.1:1', { name: `big-${i}`, maxBodyBytes: 100 * MiB })),
    testTarget('http://127.0.0.1:1', { name: 'huge', maxBodyBytes: 1024 * MiB }),
    ...Array.from({ length: 20 }, (_, i) => testTarget('http://127.0.0.1:1', { name: `small-${i}` }))
  ]
  const started: number[] = []
  // Concurrency for all 31: only the budget holds any check back.
  const results = await runCycle(targets, { concurrency: 40, check, onStart: (index) => { started.push(index) } })
  t.same(results.map((r) => r.environment), targets.map((target) => target.name))
  t.ok(peakLargeMiB <= LARGE_BODY_BUDGET_MIB, `never more than the budget of large bodies at once (peak ${peakLargeMiB} MiB)`)
  t.ok(peakLargeMiB >= 200, 'two 100 MiB checks fit it together')
  t.equal(peakSmall, 20, 'checks at the default size run alongside, never waiting')
  t.same(started, targets.map((_, i) => i), 'targets take their turn in order')
})

t.test('no targets, no checks', async (t) => {
  t.same(await runCycle([]), [])
})

t.test('many checks sharing one abort signal raise no listener-leak warning', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  const warnings: string[] = []
  const onWarning = (warning: Error): void => { warnings.push(warning.name) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  const targets = Array.from({ length: 30 }, (_, i) => testTarget(server.url, { name: `env-${i}` }))
  const results = await runCycle(targets, { signal: new AbortController().signal })
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(results.length, 30)
  t.same(warnings, [])
})
