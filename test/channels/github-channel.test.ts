import { Registry } from 'prom-client'
import t from 'tap'
import { createGithubClient } from '../../src/channels/github-client.js'
import { createGithubChannel, type HeldIssue } from '../../src/channels/github.js'
import { DeliveryError, type ChannelMemory, type IncidentEvent, type OutboxEntry } from '../../src/delivery/types.js'
import { snapshotOf } from '../../src/delivery/snapshot.js'
import { createMetrics } from '../../src/metrics/create-metrics.js'
import { createRedactor } from '../../src/redact.js'
import { checkResult } from '../support/check-results.js'
import { startGithubStandIn, type FailureMode } from '../support/github-stand-in.js'
import { PLANTED_TOKEN, recordingLog } from '../support/incident-harness.js'

const AT = '2026-11-26T10:00:00.000Z'
const MARKER = '<!-- vigil:environment=production -->'

/** Every comment POST from now on is refused as on a locked issue. */
function lockCommentsOf (standIn: Awaited<ReturnType<typeof startGithubStandIn>>): void {
  standIn.failWhen((r) => r.operationId === 'issues/create-comment', 'locked')
}

async function setup (t: { teardown: (fn: () => Promise<void>) => void }, standInOptions: { canLabel?: boolean } = {}, repository?: string) {
  const standIn = await startGithubStandIn('acme/platform', standInOptions)
  t.teardown(() => standIn.close())
  const metrics = createMetrics(new Registry())
  const log = recordingLog()
  const redact = createRedactor([PLANTED_TOKEN])
  const octokit = createGithubClient({ token: PLANTED_TOKEN, apiUrl: standIn.url, redact, log, metrics, retryDelayUnitMs: 1, writeSpacingMs: 0, requestTimeoutMs: 300, retries: 1 })
  const channel = createGithubChannel({ octokit, repository: repository ?? standIn.repository, redact })
  const held = new Map<string, HeldIssue>()
  const memory: ChannelMemory<HeldIssue> = { get: async (e) => held.get(e), set: async (e, v) => { if (v === undefined) held.delete(e); else held.set(e, v) } }
  let n = 0
  const entry = (kind: IncidentEvent['kind'], extra: Partial<IncidentEvent> = {}): OutboxEntry => {
    n += 1
    const result = kind === 'retired' ? null : snapshotOf(checkResult('production', kind === 'resolved' ? 'healthy' : 'unhealthy'))
    return {
      id: `entry-${n}`, seq: n, channel: 'github', environment: 'production', createdAt: AT, notBefore: AT, attempts: 0, state: 'pending', lastError: null, finishedAt: null,
      event: { id: `event-${n}`, kind, environment: 'production', incidentId: 'production@A', decidedAt: AT, outageSince: AT, result, ...extra }
    }
  }
  return { standIn, channel, memory, held, entry, log }
}

t.test('opened files one issue and remembers it; a second opened of the same incident does nothing', async (t) => {
  const { standIn, channel, memory, held, entry } = await setup(t)
  const opened = entry('opened')
  await channel.deliver(opened, memory, false)
  await channel.deliver(opened, memory, true)
  t.same(standIn.issues.map((i) => [i.number, i.title, i.labels]), [[1, 'Production Deployment Health Check Failed', ['deployment-alert', 'urgent']]])
  t.match(held.get('production'), { number: 1, incidentId: 'production@A', url: 'https://github.example/acme/platform/issues/1' })
  t.same(standIn.violations, [])
})

t.test('opened adopts Vigil\'s own open issue by marker, never another account\'s', async (t) => {
  const { standIn, channel, memory, entry } = await setup(t)
  standIn.seedIssue({ title: 'hijack', body: MARKER, labels: ['deployment-alert'], author: 'mallory' })
  await channel.deliver(entry('opened'), memory, false)
  t.same(standIn.issues.map((i) => [i.number, i.author]), [[1, 'mallory'], [2, 'vigil-bot']], 'a new issue of its own')
  standIn.seedIssue({ title: 'mine from before', body: MARKER, labels: [] })
  const again = await setup(t)
  again.standIn.seedIssue({ title: 'mine from before', body: `${MARKER}\nold`, labels: [] })
  await again.channel.deliver(again.entry('opened'), again.memory, false)
  t.equal(again.standIn.issues.length, 1, 'adopted, not doubled')
  t.equal(again.held.get('production')?.number, 1)
})

t.test('a comment whose answer was lost is not posted twice', async (t) => {
  const { standIn, channel, memory, entry } = await setup(t)
  await channel.deliver(entry('opened'), memory, false)
  standIn.failNext(1, 'lost-answer')
  const changed = entry('changed', { previousFailures: ['HTTP 500 from /health'] })
  await t.rejects(channel.deliver(changed, memory, false))
  await channel.deliver({ ...changed, attempts: 1 }, memory, true)
  t.equal(standIn.issues[0]!.comments.length, 1)
  t.match(standIn.issues[0]!.comments[0]!.body, /What fails has changed/)
})

t.test('resolved comments on and closes every open issue of its own with the marker', async (t) => {
  const { standIn, channel, memory, held, entry } = await setup(t)
  await channel.deliver(entry('opened'), memory, false)
  standIn.seedIssue({ title: 'duplicate of its own', body: MARKER, labels: [] })
  standIn.seedIssue({ title: 'someone else\'s', body: MARKER, labels: [], author: 'mallory' })
  await channel.deliver(entry('resolved', { recoveredAt: '2026-11-26T11:00:00.000Z', outageMs: 3_600_000 }), memory, false)
  t.same(standIn.issues.map((i) => [i.number, i.state, i.comments.length]), [[1, 'closed', 1], [2, 'closed', 1], [3, 'open', 0]])
  t.match(standIn.issues[0]!.comments[0]!.body, /Recovered[\s\S]*Outage length:\*\* 1h/)
  t.equal(held.get('production'), undefined)
})

t.test('an update whose issue was deleted or transferred files a new one', async (t) => {
  for (const gone of ['deleteIssue', 'transferIssue'] as const) {
    const { standIn, channel, memory, held, entry } = await setup(t)
    await channel.deliver(entry('opened'), memory, false)
    standIn[gone](1)
    await channel.deliver(entry('reminder'), memory, false)
    t.same(standIn.issues.map((i) => [i.number, i.state]), [[2, 'open']], gone)
    t.equal(held.get('production')?.number, 2)
  }
})

t.test('a resolved whose issue is gone is done; nothing is left to close', async (t) => {
  const { standIn, channel, memory, held, entry } = await setup(t)
  await channel.deliver(entry('opened'), memory, false)
  standIn.deleteIssue(1)
  await channel.deliver(entry('resolved'), memory, false)
  t.equal(held.get('production'), undefined)
})

t.test('retired closes with a "monitoring stopped" comment', async (t) => {
  const { standIn, channel, memory, entry } = await setup(t)
  await channel.deliver(entry('opened'), memory, false)
  await channel.deliver(entry('retired'), memory, false)
  t.equal(standIn.issues[0]!.state, 'closed')
  t.match(standIn.issues[0]!.comments[0]!.body, /Monitoring stopped/)
})

const classified: Array<[FailureMode, DeliveryError['failure'], RegExp]> = [
  ['server-error', 'retryable', /HTTP 500/],
  ['bad-gateway', 'retryable', /HTTP 502/],
  ['hang', 'retryable', /no answer|HTTP 5\d\d/],
  ['unauthorized', 'permanent', /HTTP 401 Bad credentials/],
  ['forbidden', 'permanent', /HTTP 403 Resource not accessible/],
  ['secondary-rate-limit', 'rate-limited', /rate limit/],
  ['too-many-requests', 'rate-limited', /rate limit/],
  ['primary-rate-limit', 'rate-limited', /rate limit/]
]
for (const [mode, failure, reason] of classified) {
  t.test(`GitHub answering ${mode} is a ${failure} failure with a reason in words`, async (t) => {
    const { standIn, channel, memory, entry, log } = await setup(t)
    standIn.failAll(mode, { retryAfterSeconds: 120 })
    const before = Date.now()
    const error = await channel.deliver(entry('opened'), memory, false).then(() => undefined, (e: unknown) => e)
    t.ok(error instanceof DeliveryError)
    const delivery = error as DeliveryError
    t.equal(delivery.failure, failure)
    t.match(delivery.message, reason)
    if (failure === 'rate-limited') {
      const wait = delivery.retryAt!.getTime() - before
      t.ok(wait >= 119_000 && wait <= 122_000, `holds for the time GitHub asked (${wait} ms)`)
    }
    t.notOk(delivery.message.includes(PLANTED_TOKEN) || log.lines.join('\n').includes(PLANTED_TOKEN), 'no token')
  })
}

t.test('a body GitHub refuses as too long is a permanent failure (never sent again as is)', async (t) => {
  const { standIn, channel, memory, entry } = await setup(t)
  await channel.deliver(entry('opened'), memory, false)
  const huge = entry('changed', { previousFailures: ['x'.repeat(70_000)] })
  // Rendering caps each item, so this fits; a body built past the cap would be refused with 422.
  await channel.deliver(huge, memory, false)
  t.ok(standIn.issues[0]!.comments[0]!.body.length <= 65_536)
})

t.test('verify: one verdict on the token and the repository', async (t) => {
  const ok = await setup(t)
  t.match(await ok.channel.verify!(), { ok: true, message: /access to acme\/platform verified as vigil-bot/ })
  const noTriage = await setup(t, { canLabel: false })
  t.match(await noTriage.channel.verify!(), { ok: true, message: /labels will be dropped/ })
  const refused = await setup(t)
  refused.standIn.failAll('unauthorized')
  t.match(await refused.channel.verify!(), { ok: false, message: /refused the token \(HTTP 401\)/ })
  const elsewhere = await setup(t, {}, 'acme/elsewhere')
  t.match(await elsewhere.channel.verify!(), { ok: false, message: /acme\/elsewhere not found/ })
})

t.test('open incidents: its own open issues with a marker, the oldest per environment', async (t) => {
  const { standIn, channel } = await setup(t)
  standIn.seedIssue({ title: 'a', body: MARKER, labels: [], createdAt: '2026-11-26T08:00:00Z' })
  standIn.seedIssue({ title: 'b', body: MARKER, labels: [], createdAt: '2026-11-26T09:00:00Z' })
  standIn.seedIssue({ title: 'c', body: '<!-- vigil:environment=staging -->', labels: [], author: 'mallory' })
  standIn.seedIssue({ title: 'd', body: 'no marker', labels: [] })
  const open = await channel.openIncidents!()
  t.same(open.map((o) => [o.environment, o.openedAt]), [['production', '2026-11-26T08:00:00.000Z']])
})

t.test('a locked issue: the recovery comment is refused with 422, the issue is closed anyway', async (t) => {
  const { standIn, channel, memory, entry } = await setup(t)
  await channel.deliver(entry('opened'), memory, false)
  lockCommentsOf(standIn)
  const error = await channel.deliver(entry('resolved'), memory, false).then(() => undefined, (e: unknown) => e)
  t.ok(error instanceof DeliveryError && error.failure === 'permanent', 'a failed delivery')
  t.match((error as Error).message, /HTTP 422[\s\S]*the issue was closed without the comment/)
  t.equal(standIn.issues[0]!.state, 'closed')
  t.equal(standIn.issues[0]!.comments.length, 0)
})

t.test('a new outage finding an issue left open by an earlier incident tells people it is failing again', async (t) => {
  const { standIn, channel, memory, entry } = await setup(t)
  standIn.seedIssue({ title: 'Production Deployment Health Check Failed', body: MARKER, labels: [], createdAt: '2026-11-26T08:00:00Z' })
  await channel.deliver(entry('opened', { outageSince: '2026-11-26T10:00:00.000Z' }), memory, false)
  t.equal(standIn.issues.length, 1, 'no second issue')
  t.match(standIn.issues[0]!.comments.map((c) => c.body).join('\n'), /Failing again/)
})

t.test('closing is never re-sent by the client after a failure: the worker decides (and confirms the lease) first', async (t) => {
  const { standIn, channel, memory, entry } = await setup(t)
  await channel.deliver(entry('opened'), memory, false)
  standIn.failWhen((r) => r.method === 'PATCH', 'server-error')
  const error = await channel.deliver(entry('resolved'), memory, false).then(() => undefined, (e: unknown) => e)
  t.ok(error instanceof DeliveryError && error.failure === 'retryable', 'left to the worker to retry')
  t.equal(standIn.requests.filter((r) => r.method === 'PATCH').length, 1, 'one PATCH: no retry inside the client')
})
