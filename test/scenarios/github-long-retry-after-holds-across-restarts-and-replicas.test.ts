import t from 'tap'
import { checkResult } from '../support/check-results.js'
import { startGithubStandIn, type RecordedRequest } from '../support/github-stand-in.js'
import { startReplica, standInConfig, summary, type Replica } from '../support/incident-harness.js'
import { createTestDatabase } from '../support/pg-database.js'
import { waitFor } from '../support/wait-for.js'

const TARGETS = [{ name: 'production', labels: [] }]
// Long enough that the restart and the takeover fit inside it on a loaded CI machine (they take 2–5 s there).
const RETRY_AFTER_SECONDS = 10
const GITHUB = { retryDelayUnitMs: 1, writeSpacingMs: 0, requestTimeoutMs: 500, retries: 1 }
const isWrite = (r: RecordedRequest): boolean => r.method === 'POST' || r.method === 'PATCH'
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

// Issue 7, failure 8: GitHub asks to wait (secondary rate limit, retry-after) and Vigil keeps to it
// through cycles, a restart and a change of the leading replica, all sharing one state database.
for (const answered of ['the first read (listing open issues)', 'the create'] as const) {
t.test(`no write to GitHub before the time its retry-after named, answered to ${answered}: across cycles, a restart and another replica`, async (t) => {
  const standIn = await startGithubStandIn()
  const onCreate = answered === 'the create'
  t.teardown(() => standIn.close())
  const config = standInConfig(standIn, { STATE_DATABASE_URL: await createTestDatabase(t) })
  const replicas: Replica[] = []
  const start = async (): Promise<Replica> => {
    const replica = await startReplica(config, TARGETS, { leaseTtlMs: 600, ...(onCreate ? { github: { ...GITHUB, fetch: limitingFirstCreate } } : {}) })
    replicas.push(replica)
    return replica
  }
  t.teardown(async () => { for (const replica of replicas) await replica.close().catch(() => {}) })
  // Arms the rate limit for the first create any replica sends.
  let armed = onCreate
  const limitingFirstCreate: typeof fetch = async (input, init) => {
    if (armed && init?.method === 'POST' && String(input instanceof Request ? input.url : input).endsWith('/issues')) {
      armed = false
      standIn.failNext(1, 'secondary-rate-limit', { retryAfterSeconds: RETRY_AFTER_SECONDS })
    }
    return await fetch(input, init)
  }
  const cycle = async (replica: Replica): Promise<void> => {
    const now = new Date()
    await replica.cycle([checkResult('production', 'unhealthy', { at: now })], now)
  }

  const first = await start()
  await waitFor('the first replica to lead and verify its access', () => first.leadership.role() === 'leader' && first.log.lines.some((l) => l.includes('access to acme/platform verified')))
  const before = standIn.requests.length
  if (!onCreate) standIn.failNext(1, 'secondary-rate-limit', { retryAfterSeconds: RETRY_AFTER_SECONDS })
  await cycle(first)
  const limited = onCreate ? standIn.requests.find(isWrite)! : standIn.requests[before]!
  t.equal(limited.operationId, onCreate ? 'issues/create' : 'issues/list-for-repo')
  const allowedAt = limited.at + RETRY_AFTER_SECONDS * 1000
  t.match(first.components.get('github'), { status: 'degraded', details: { held_until: String } }, 'the hold is shown')
  const heldUntil = Date.parse((first.components.get('github')!.details as { held_until: string }).held_until)
  t.ok(heldUntil >= allowedAt, 'held at least until the time GitHub named')

  // More cycles of the same replica.
  for (let i = 0; i < 3; i++) { await sleep(200); await cycle(first) }
  // A restart: the process goes, two replicas come on the same database.
  await first.close()
  const second = await start()
  const third = await start()
  await waitFor('one of them to lead', () => [second, third].some((r) => r.leadership.role() === 'leader'))
  for (let i = 0; i < 3; i++) { await sleep(150); await cycle(second); await cycle(third) }
  // The leader goes; the other takes over while the hold lasts.
  const leader = second.leadership.role() === 'leader' ? second : third
  const other = leader === second ? third : second
  await leader.close()
  await waitFor('the other replica to take over', () => other.leadership.role() === 'leader')
  t.ok(Date.now() < allowedAt, 'the takeover happened while GitHub still asked to wait')
  t.same(standIn.requests.filter((r) => isWrite(r) && r !== limited), [], 'no write yet')

  await waitFor('the issue once the time has passed', async () => { await cycle(other); return standIn.issues.length > 0 })
  const writes = standIn.requests.filter((r) => isWrite(r) && r !== limited)
  t.ok(writes.every((w) => w.at >= allowedAt), `no write before the time GitHub named (first write ${writes[0]!.at - limited.at} ms after the limit)`)
  await cycle(other)
  t.same(summary(standIn), [{ number: 1, title: 'Production Deployment Health Check Failed', state: 'open', labels: ['deployment-alert', 'urgent'], comments: 0 }])
  t.equal(writes.length, 1, 'one create')
  t.same(standIn.violations, [])
})
}
