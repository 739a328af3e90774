import { Registry } from 'prom-client'
import t, { type Test } from 'tap'
import { createGithubClient } from '../../src/channels/github-client.js'
import { createGithubChannel } from '../../src/channels/github.js'
import type { NewOutboxEntry } from '../../src/delivery/types.js'
import { createDeliveryWorker } from '../../src/delivery/worker.js'
import { createComponentRegistry } from '../../src/health/component-registry.js'
import { createMetrics, type Metrics } from '../../src/metrics/create-metrics.js'
import { SOLE_LEADERSHIP } from '../../src/monitor/sole-leadership.js'
import { createRedactor } from '../../src/redact.js'
import { createMemoryStore } from '../../src/state/memory-store.js'
import { snapshotOf } from '../../src/delivery/snapshot.js'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startFaultProxy } from '../support/fault-proxy.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { PLANTED_TOKEN, QUICK_DELIVERY, recordingLog, standInConfig, startReplica } from '../support/incident-harness.js'
import { createTestDatabase } from '../support/pg-database.js'
import { query, throughPort } from '../support/state-scenarios.js'
import { waitFor } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const TARGETS = [{ name: 'production', labels: [] }]

/** The stand-in's API URL through the fault proxy (no trailing slash: Octokit appends paths). */
const viaProxy = (url: string, port: number): string => throughPort(url, port).replace(/\/$/, '')
/** GitHub requests made so far (refused ones included: they are counted as failures). */
const githubRequests = async (metrics: Metrics): Promise<number> =>
  (await metrics.githubRequests.get()).values.reduce((sum, v) => sum + v.value, 0)
const deliveryCount = async (metrics: Metrics, result: string): Promise<number> =>
  (await metrics.incidentDeliveries.get()).values.filter((v) => v.labels.result === result).reduce((sum, v) => sum + v.value, 0)

/** A state database of the test's own and the GitHub stand-in behind a fault proxy that refuses every connection, until set to `pass`. */
async function refusingGithub (t: Test) {
  const url = await createTestDatabase(t)
  const standIn = await startGithubStandIn()
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(standIn.url).port) })
  t.teardown(async () => { await proxy.close(); await standIn.close() })
  await proxy.setMode('refuse')
  return { url, standIn, proxy, config: standInConfig(standIn, { STATE_DATABASE_URL: url, GITHUB_API_URL: viaProxy(standIn.url, proxy.port) }) }
}

t.test('closing the incident side while GitHub refuses connections does not wait out the client\'s retries; the event stays pending and is filed by the next process', async (t) => {
  const { url, standIn, proxy, config } = await refusingGithub(t)
  // A retry of each read 2 s after its failure (production: 1 s, 4 s, 9 s), so that no try of the
  // client's falls within a prompt close. The waits are left behind and end on the aborted signal.
  // The worker's own backoff 3 s: the access check, which the client does not retry, is asked
  // again by the worker, and not within a prompt close either.
  const first = await startReplica(config, TARGETS, {
    github: { retryDelayUnitMs: 2_000, retries: 1, requestTimeoutMs: 2_000, writeSpacingMs: 0 },
    delivery: { ...QUICK_DELIVERY, backoffBaseMs: 3_000, backoffMaxMs: 3_000 }
  })
  await waitFor('the lease taken', () => first.leadership.role() === 'leader')
  first.intake.submit([checkResult('production', 'unhealthy', { at: T0 })], T0)
  await waitFor('the opening stored', async () => (await query(url, 'SELECT id FROM vigil_outbox')).length > 0)
  // The try is counted in the store before it is made: the client is at it, its first request refused.
  await waitFor('the opening being tried', async () => (await query<{ attempts: number }>(url, 'SELECT attempts FROM vigil_outbox'))[0]?.attempts === 1)
  // Three requests, each refused once: the access check (the worker asks again in 3 s), the
  // delivery's and the listing of open incidents to adopt (both in the client's wait before their
  // next try; none is left queued to start).
  await waitFor('three refused GitHub requests', async () => await githubRequests(first.metrics) >= 3)

  const before = await githubRequests(first.metrics)
  await first.close()
  t.equal(await githubRequests(first.metrics), before, 'closed before the client tried again (its next try is 2 s away)')
  const rows = await query<{ state: string, attempts: number }>(url, 'SELECT state, attempts FROM vigil_outbox')
  t.same(rows.map((r) => [r.state, r.attempts]), [['pending', 1]], 'the opening is still pending, its try counted')

  await proxy.setMode('pass')
  const second = await startReplica(config, TARGETS)
  t.teardown(async () => { await second.close() })
  await waitFor('the issue filed', () => standIn.issues.length > 0)
  await second.settle()
  t.same(standIn.issues.map((i) => [i.title, i.state]), [['Production Deployment Health Check Failed', 'open']], 'filed once')
  t.same(standIn.violations, [])
})

t.test('an outage that begins while GitHub refuses connections, before its access was ever verified, is filed once GitHub answers', async (t) => {
  const { standIn, proxy, config } = await refusingGithub(t)
  const replica = await startReplica(config, TARGETS)
  t.teardown(async () => { await replica.close() })
  for (let cycle = 0; cycle < 3; cycle++) await replica.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, cycle) })], minutesAfter(T0, cycle))
  await waitFor('a delivery refused', async () => await deliveryCount(replica.metrics, 'retry') >= 2)
  t.equal(standIn.issues.length, 0)

  await proxy.setMode('pass')
  await waitFor('the issue filed', () => standIn.issues.length > 0)
  await replica.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 3) })], minutesAfter(T0, 3))
  t.same(standIn.issues.map((i) => [i.title, i.state, i.comments.length]), [['Production Deployment Health Check Failed', 'open', 0]])
  await waitFor('the access verified', () => replica.components.get('github')?.details?.access !== undefined)
  t.same(standIn.violations, [])
})

t.test('a channel that refuses is probed once per step of its own backoff, not once per waiting event; when it answers, the rest follows at once', async (t) => {
  const standIn = await startGithubStandIn()
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(standIn.url).port) })
  t.teardown(async () => { await proxy.close(); await standIn.close() })
  await proxy.setMode('refuse')
  const redact = createRedactor([PLANTED_TOKEN])
  const log = recordingLog()
  const metrics = createMetrics(new Registry())
  const octokit = createGithubClient({ token: PLANTED_TOKEN, apiUrl: viaProxy(standIn.url, proxy.port), redact, log, metrics, retries: 0, requestTimeoutMs: 2_000, writeSpacingMs: 0 })
  const channel = createGithubChannel({ octokit, repository: standIn.repository, redact })
  const store = createMemoryStore()
  const EVENTS = 40
  const entries: NewOutboxEntry[] = Array.from({ length: EVENTS }, (_, i) => {
    const environment = `env-${i}`
    const outageSince = T0.toISOString()
    return {
      id: `entry-${i}`, channel: 'github', environment, createdAt: outageSince, notBefore: outageSince,
      event: { id: `event-${i}`, kind: 'opened', environment, incidentId: `${environment}@${outageSince}`, decidedAt: outageSince, outageSince, result: snapshotOf(checkResult(environment, 'unhealthy', { at: T0 })) }
    }
  })
  await store.commit([], entries, T0.toISOString())
  // The worker's own clock, moved by the test: 10 simulated minutes in 1 s steps, a pass each.
  let clock = T0.getTime()
  let linksTold = 0
  const worker = createDeliveryWorker({
    channel, store, leadership: SOLE_LEADERSHIP, log, redact, metrics, components: createComponentRegistry(),
    timing: { backoffBaseMs: 5_000, backoffMaxMs: 60_000, lostAnswerDelayMs: 60_000 }, now: () => new Date(clock),
    // The monitor redraws every environment when told: only a change of the links may tell it.
    onLinks: () => { linksTold += 1 }
  })
  t.teardown(async () => { await worker.close() })
  const triedAt: number[] = []
  for (let second = 0; second < 600; second++) {
    clock = T0.getTime() + second * 1000
    const before = await deliveryCount(metrics, 'retry')
    await worker.tick()
    if (await deliveryCount(metrics, 'retry') > before) triedAt.push(second)
  }
  const gaps = triedAt.slice(1).map((at, i) => at - triedAt[i]!)
  // 5 s doubling to 60 s, ±20 %: about 14 tries in 10 minutes; one try per waiting event and second was the fault.
  t.ok(triedAt.length >= 8 && triedAt.length <= 16, `tries at ${triedAt.join(', ')} s`)
  t.ok(gaps.slice(4).every((gap) => gap >= 48), `the pause grows to the longest backoff (gaps ${gaps.join(', ')} s)`)
  const tried = (await store.outboxStats('github')).pending
  t.equal(tried, EVENTS, 'nothing given up or dropped')
  const touched = (await Promise.all(entries.map(async (e) => (await store.dueEntries('github', new Date(clock + 3_600_000))).find((d) => d.id === e.id)?.attempts ?? 0)))
    .filter((attempts) => attempts > 0).length
  t.ok(touched <= 5, `the probes fell on a handful of the waiting events (${touched} of ${EVENTS} tried)`)
  t.equal(linksTold, 0, 'no link changed in 600 passes, none told')

  await proxy.setMode('pass')
  clock += 120_000
  await worker.tick()
  t.equal((await store.outboxStats('github')).pending, 0, 'every waiting event delivered in the run whose probe went through')
  t.equal(standIn.issues.length, EVENTS)
  const told = linksTold
  t.ok(told >= 1, 'the new issues told')
  await worker.tick()
  t.equal(linksTold, told, 'and not again while they stay the same')
  t.same(standIn.violations, [])
})
