import { once } from 'node:events'
import { setTimeout } from 'node:timers/promises'
import type { Worker } from 'node:worker_threads'
import t, { type Test } from 'tap'
import { createCheckThread } from '../../src/monitor/check-thread.js'
import { RESULT_FLUSH_MS } from '../../src/monitor/check-thread-protocol.js'
import { createMonitor } from '../../src/monitor/create-monitor.js'
import type { EnvironmentTarget } from '../../src/monitor/types.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'
import { monitorParts } from '../support/monitor-parts.js'
import { waitFor } from '../support/wait-for.js'

let server: TargetServer
t.before(async () => { server = await startTargetServer() })
t.teardown(async () => { await server.close() })
t.beforeEach(() => { server.hits.clear(); server.set('/health', 'healthy') })

/** A monitor whose checks run in a check thread (the service's arrangement), with the errors it logs. */
function monitorInThread (t: Test, targets: readonly EnvironmentTarget[], broken?: { threads: boolean }) {
  const workers: Worker[] = []
  const errors: string[] = []
  const parts = monitorParts(targets, {
    log: { info: () => {}, warn: () => {}, error: (_: object, msg: string) => { errors.push(msg) } },
    runner: createCheckThread({ secrets: [], maxRestarts: 0, onStart: (worker) => { workers.push(worker); if (broken?.threads === true) void worker.terminate() } })
  })
  const monitor = createMonitor(parts)
  t.teardown(() => monitor.close())
  return { ...parts, monitor, workers, errors }
}

t.test('a check the thread dies in twice shows as failing; the cycle and the other environments go on', async (t) => {
  server.set('/hang', 'hang')
  const { monitor, components, environments, workers, errors } = monitorInThread(t, [
    testTarget(server.url, { name: 'production' }),
    testTarget(server.url, { name: 'stuck', healthPath: '/hang', timeoutMs: 60_000 })
  ])
  const cycle = monitor.runOnce()
  await waitFor('one check to finish and the other to reach the target', () => server.hits.get('/health') === 1 && server.hits.get('/hang') === 1)
  // What finished reaches the main thread within RESULT_FLUSH_MS: a few of those later, it is there.
  await setTimeout(RESULT_FLUSH_MS * 5)
  await workers[0]!.terminate()
  await waitFor('the check to start again in a fresh thread', () => server.hits.get('/hang') === 2)
  await workers[1]!.terminate()
  t.equal(await cycle, 'success')
  t.match(environments.entries(), { production: { status: 'healthy' }, stuck: { status: 'unhealthy', error: 'check not finished: the check thread failed' } })
  t.equal(server.hits.get('/health'), 1, 'what finished was not checked again')
  t.equal(components.get('monitor')?.status, 'healthy')
  t.same(errors, [], 'the monitor logs no failed cycle (the thread\'s deaths are logged where it is created)')
})

t.test('a cycle whose check thread died too often fails visibly and shows no result; the next cycle starts a fresh thread', async (t) => {
  // Threads that die as they start, before any check is under way: nothing to set apart.
  const broken = { threads: true }
  const { monitor, metrics, components, environments, workers, errors } = monitorInThread(t, [testTarget(server.url, { name: 'production' })], broken)
  t.equal(await monitor.runOnce(), 'failure')
  t.match(components.get('monitor'), { status: 'degraded', error: /last cycle failed: the check thread exited/ })
  t.same((await metrics.monitorRuns.get()).values.map((v) => [v.labels, v.value]), [[{ result: 'failure' }, 1]])
  t.same(errors, ['monitor cycle failed'])
  t.same(environments.entries(), {}, 'no environment is shown from a cycle that did not run')

  broken.threads = false
  t.equal(await monitor.runOnce(), 'success')
  t.equal(workers.length, 2)
  t.match(environments.entries(), { production: { status: 'healthy' } })
  t.equal(components.get('monitor')?.status, 'healthy')
})

t.test('replaced targets are checked in the thread from the next cycle on', async (t) => {
  server.set('/other', 'error')
  const { monitor, environments } = monitorInThread(t, [testTarget(server.url, { name: 'production' })])
  await monitor.runOnce()
  monitor.setTargets([testTarget(server.url, { name: 'staging', healthPath: '/other' }), testTarget(server.url, { name: 'preview' })])
  await monitor.runOnce()
  t.same(Object.keys(environments.entries()).sort(), ['preview', 'staging'])
  t.match(environments.entries(), { staging: { status: 'unhealthy', http_status: 500 }, preview: { status: 'healthy' } })
  t.equal(server.hits.get('/other'), 1)
})

t.test('checkNow runs in the thread and shows its result', async (t) => {
  const { monitor, environments } = monitorInThread(t, [testTarget(server.url, { name: 'production' })])
  const result = await monitor.checkNow('production')
  t.match(result, { environment: 'production', status: 'healthy', httpStatus: 200 })
  t.ok(result?.checkedAt instanceof Date)
  t.match(environments.entries(), { production: { status: 'healthy' } })
})

t.test('closing the monitor while checks hang ends the cycle and the thread promptly', async (t) => {
  server.set('/health', 'hang')
  const { monitor, workers, errors } = monitorInThread(t, [testTarget(server.url, { name: 'production', timeoutMs: 60_000, attempts: 3 })])
  const cycle = monitor.runOnce()
  const hung = monitor.checkNow('production')
  await waitFor('both checks to reach the target', () => server.hits.get('/health') === 2)
  const exited = once(workers[0]!, 'exit')
  await monitor.close()
  t.equal(await cycle, 'aborted')
  t.equal(await hung, undefined)
  await exited
  t.same(errors, [], 'shutdown is not a failure')
})
