import { once } from 'node:events'
import { setTimeout } from 'node:timers/promises'
import type { Worker } from 'node:worker_threads'
import t, { type Test } from 'tap'
import { CHECK_THREAD_IDLE_MS, checkThreadIdleMs, createCheckThread, type CheckThreadOptions } from '../../src/monitor/check-thread.js'
import { RESULT_FLUSH_MS } from '../../src/monitor/check-thread-protocol.js'
import type { CycleRunner } from '../../src/monitor/cycle-runner.js'
import { runCycle } from '../../src/monitor/run-cycle.js'
import type { CheckResult } from '../../src/monitor/types.js'
import { createRedactor } from '../../src/redact.js'
import { makeCertificate } from '../support/certificates.js'
import { startTargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'
import { waitFor } from '../support/wait-for.js'

const SECRET = 'tok-4f7a9c2e81'

/** A check thread whose started workers the test can see; closed at the end of the test. */
function thread (t: Test, options: Partial<CheckThreadOptions> = {}): CycleRunner & { workers: Worker[] } {
  const workers: Worker[] = []
  const runner = createCheckThread({ secrets: [SECRET], onStart: (worker) => { workers.push(worker) }, ...options })
  t.teardown(() => runner.close())
  return { ...runner, workers }
}

// What does not depend on when or how fast the check ran.
const comparable = (r: CheckResult): object => ({
  ...r,
  checkedAt: r.checkedAt instanceof Date,
  responseTimeMs: typeof r.responseTimeMs,
  attempts: r.attempts.map((a) => ({ ...a, startedAt: typeof a.startedAt, responseTimeMs: typeof a.responseTimeMs })),
  paths: r.paths.map((p) => ({ ...p, responseTimeMs: typeof p.responseTimeMs }))
})

t.test('the check thread finds what a check in this thread finds: healthy, failing, unreachable, TLS', async (t) => {
  const server = await startTargetServer()
  const cert = await makeCertificate(90)
  const expiring = await makeCertificate(3)
  const tls = await startTargetServer(cert)
  const tlsExpiring = await startTargetServer(expiring)
  t.teardown(async () => { await Promise.all([server.close(), tls.close(), tlsExpiring.close()]) })
  server.set('/bad', { status: 500, body: `{"status":"unhealthy","detail":"token ${SECRET} refused"}` })
  const targets = [
    testTarget(server.url, { name: 'production', checks: ['/api/health', '/missing'] }),
    testTarget(server.url, { name: 'staging', healthPath: '/bad' }),
    testTarget('http://vigil-thread.invalid', { name: 'testing' }),
    testTarget(tls.url, { name: 'secure', ca: cert.cert }),
    testTarget(tlsExpiring.url, { name: 'expiring', ca: expiring.cert }),
    testTarget(tls.url, { name: 'untrusted' })
  ]
  server.set('/missing', 'not-found')
  const here = await runCycle(targets, { redact: createRedactor([SECRET]) })
  const there = await thread(t).run(targets, new AbortController().signal)
  t.same(there.map((r) => [r.environment, r.status]), [
    ['production', 'unhealthy'], ['staging', 'unhealthy'], ['testing', 'unhealthy'],
    ['secure', 'healthy'], ['expiring', 'unhealthy'], ['untrusted', 'unhealthy']
  ])
  t.same(there.map(comparable), here.map(comparable))
  t.ok(there.every((r) => r.checkedAt instanceof Date), 'dates cross as dates')
  t.equal(there[3]?.tlsExpiresAt?.getTime(), here[3]?.tlsExpiresAt?.getTime())
  t.match(there[1]?.bodyExcerpt, /\[REDACTED\]/, 'the thread redacts with the secrets it was given')
  t.notMatch(JSON.stringify(there), SECRET)
})

t.test('a thread that dies mid-run: what finished stays, the rest starts again in a fresh thread, and a check it dies in twice fails', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  server.set('/hang', 'hang')
  const lost: Array<[string, boolean]> = []
  const { run, workers } = thread(t, { concurrency: 2, onLost: (err, again) => { lost.push([err.phrase, again]) } })
  const targets = [
    testTarget(server.url, { name: 'production' }),
    testTarget(server.url, { name: 'stuck', healthPath: '/hang', timeoutMs: 60_000 }),
    testTarget(server.url, { name: 'staging' }),
    testTarget(server.url, { name: 'testing' })
  ]
  const pending = run(targets, new AbortController().signal)
  await waitFor('the first checks to finish and the hanging one to start', () => server.hits.get('/health') === 3 && server.hits.get('/hang') === 1)
  // What finished reaches the main thread within RESULT_FLUSH_MS: a few of those later, it is there.
  await setTimeout(RESULT_FLUSH_MS * 5)
  await workers[0]!.terminate()
  await waitFor('the hanging check to start again in a fresh thread', () => server.hits.get('/hang') === 2)
  await workers[1]!.terminate()
  const results = await pending
  t.same(results.map((r) => [r.environment, r.status]), [['production', 'healthy'], ['stuck', 'unhealthy'], ['staging', 'healthy'], ['testing', 'healthy']])
  t.same(results[1]?.failures, ['check not finished: the check thread failed'])
  t.equal(server.hits.get('/health'), 3, 'finished checks were not run again')
  t.same(lost, [['check not finished: the check thread failed', true], ['check not finished: the check thread failed', true]])
  t.equal(workers.length, 2)
})

t.test('a thread that dies before any check is under way, too often, fails its run; the next run starts a fresh one', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  let broken = true
  const workers: Worker[] = []
  const runner = createCheckThread({ secrets: [], maxRestarts: 1, onStart: (worker) => { workers.push(worker); if (broken) void worker.terminate() } })
  t.teardown(() => runner.close())
  const target = testTarget(server.url)
  await t.rejects(runner.run([target], new AbortController().signal), { name: 'CheckThreadError', message: /the check thread exited/ })
  t.equal(workers.length, 2, 'one fresh thread, then the run fails')
  t.equal(server.hits.get('/health') ?? 0, 0)

  broken = false
  const [result] = await runner.run([target], new AbortController().signal)
  t.equal(result?.status, 'healthy')
  t.equal(workers.length, 3)
})

t.test('each death with checks under way sets them apart, however many: four answers that each take the thread down fail alone, the rest are checked', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  server.set('/stuck', { body: JSON.stringify({ build: `${'a'.repeat(40)}!` }) })
  const runner = thread(t, { concurrency: 1, stuckAfterMs: 1500 })
  const stuck = (name: string) => testTarget(server.url, { name, healthPath: '/stuck', timeoutMs: 500, conditions: [{ kind: 'json', path: '$.build', op: 'matches', value: '^(a+)+$' }] })
  const targets = [stuck('s1'), testTarget(server.url, { name: 'ok1' }), stuck('s2'), stuck('s3'), stuck('s4'), testTarget(server.url, { name: 'ok2' })]
  const results = await runner.run(targets, new AbortController().signal)
  t.same(results.map((r) => [r.environment, r.status]), [['s1', 'unhealthy'], ['ok1', 'healthy'], ['s2', 'unhealthy'], ['s3', 'unhealthy'], ['s4', 'unhealthy'], ['ok2', 'healthy']])
})

t.test('a check that takes the thread out of memory fails as such; the other checks of the run are kept', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  // A heap big enough to start in (a smaller one is a fatal error of the whole process on Node 26,
  // while V8 deserialises the thread's snapshot), too small for this answer: 20 MB of strings,
  // read, then copied by the parse (which the object count before a parse does not foresee).
  server.set('/big', { body: `[${Array.from({ length: 20_000 }, () => `"${'x'.repeat(1000)}"`).join(',')}]` })
  const { run, workers } = thread(t, { resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 } })
  const big = testTarget(server.url, { name: 'big', healthPath: '/big', timeoutMs: 10_000, maxBodyBytes: 32 * 1_048_576, conditions: [{ kind: 'json', path: '$[0]', op: 'exists', value: null }] })
  const results = await run([big, testTarget(server.url, { name: 'before' }), testTarget(server.url, { name: 'after' })], new AbortController().signal)
  t.same(results.map((r) => [r.environment, r.status]), [['big', 'unhealthy'], ['before', 'healthy'], ['after', 'healthy']])
  t.same(results[0]?.failures, ['check not finished: the check thread ran out of memory'])
  t.equal(server.hits.get('/big'), 2, 'tried once more, alone, in a fresh thread')
  t.ok(workers.length >= 2, 'a fresh thread after each death')
})

t.test('a stuck check takes no other check with it: those under way are checked again alone, and it runs alone, last, from then on', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  // A service's answer that sends a `matches` pattern backtracking for ever: the thread stops turning.
  server.set('/stuck', { body: JSON.stringify({ build: `${'a'.repeat(40)}!` }) })
  const lost: string[] = []
  const runner = thread(t, { stuckAfterMs: 2000, onLost: (err) => { lost.push(err.message) } })
  const stuck = testTarget(server.url, { name: 'stuck', healthPath: '/stuck', timeoutMs: 500, conditions: [{ kind: 'json', path: '$.build', op: 'matches', value: '^(a+)+$' }] })
  const targets = [stuck, ...['production', 'staging', 'testing'].map((name) => testTarget(server.url, { name }))]
  for (const cycle of [1, 2]) {
    const results = await runner.run(targets, new AbortController().signal)
    t.same(results.map((r) => [r.environment, r.status]), [['stuck', 'unhealthy'], ['production', 'healthy'], ['staging', 'healthy'], ['testing', 'healthy']], `cycle ${cycle}`)
    t.same(results[0]?.failures, ['check not finished: the check thread was stuck'])
  }
  t.match(lost[0], /sent nothing for \d+ s: it was stuck and was ended/)
  t.equal(server.hits.get('/stuck'), 3, 'twice in the first cycle (with the others, then alone), once in the second (alone)')
})

t.test('aborting a run ends it at once while its checks hang; closing ends the thread', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  server.set('/health', 'hang')
  const { run, close, workers } = thread(t)
  const controller = new AbortController()
  const pending = run([testTarget(server.url, { timeoutMs: 60_000 })], controller.signal)
  await waitFor('the request to reach the target', () => server.hits.get('/health') === 1)
  controller.abort(new Error('shutting down'))
  await t.rejects(pending, { message: 'shutting down' })
  const exited = once(workers[0]!, 'exit')
  await close()
  await exited
  await t.rejects(run([testTarget(server.url)], new AbortController().signal), { name: 'CheckThreadError', message: /closed/ })
})

t.test('a check thread stuck past the longest its checks can take is ended; the check stuck twice fails, the next run starts a fresh one', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  // A service's answer that sends a `matches` pattern backtracking for ever: the thread stops turning.
  server.set('/stuck', { body: JSON.stringify({ build: `${'a'.repeat(40)}!` }) })
  const runner = thread(t, { deadlineGraceMs: 300 })
  const stuck = testTarget(server.url, { name: 'stuck', healthPath: '/stuck', timeoutMs: 500, conditions: [{ kind: 'json', path: '$.build', op: 'matches', value: '^(a+)+$' }] })
  const [result] = await runner.run([stuck], new AbortController().signal)
  t.same(result?.failures, ['check not finished: the check thread was stuck'])
  t.equal(server.hits.get('/stuck'), 2)
  await once(runner.workers[1]!, 'exit')
  const [fine] = await runner.run([testTarget(server.url, { name: 'fine' })], new AbortController().signal)
  t.equal(fine?.status, 'healthy', 'a fresh thread checks again')
  t.equal(runner.workers.length, 3)
})

t.test('no targets, no thread; an idle thread ends and the next run starts another', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  const { run, workers } = thread(t, { idleMs: 20 })
  t.same(await run([], new AbortController().signal), [])
  t.equal(workers.length, 0)
  await run([testTarget(server.url)], new AbortController().signal)
  await once(workers[0]!, 'exit')
  const [result] = await run([testTarget(server.url, { name: 'production' })], new AbortController().signal)
  t.equal(result?.environment, 'production')
  t.equal(workers.length, 2)
})

t.test('a run of more targets than one message holds keeps target order', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  const targets = Array.from({ length: 1203 }, (_, i) => testTarget(server.url, { name: `env-${i}` }))
  const results = await thread(t).run(targets, new AbortController().signal)
  t.same(results.map((r) => r.environment), targets.map((target) => target.name))
  t.ok(results.every((r) => r.status === 'healthy'))
})

t.test('the thread stays through to the next cycle at intervals up to a minute, and ends after each cycle beyond', async (t) => {
  t.equal(checkThreadIdleMs(15_000), 15_000 + CHECK_THREAD_IDLE_MS)
  t.equal(checkThreadIdleMs(60_000), 60_000 + CHECK_THREAD_IDLE_MS)
  t.equal(checkThreadIdleMs(15 * 60_000), CHECK_THREAD_IDLE_MS)
})
