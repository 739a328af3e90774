import t from 'tap'
import { CHANGE_SPACING_MS } from '../../src/incidents/policy.js'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig, summary, type Replica } from '../support/incident-harness.js'
import { waitFor } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const at = (minutes: number): Date => minutesAfter(T0, minutes)
const TARGETS = ['production', 'staging', 'preview'].map((name) => ({ name, labels: [] }))

/** production alternates 500 and 502 every 15-minute cycle. */
const production = (cycle: number) => {
  const status = cycle % 2 === 1 ? 500 : 502
  return checkResult('production', 'unhealthy', { at: at(15 * cycle), httpStatus: status, failures: [`HTTP ${status} from /health`] })
}

const deliveries = async (replica: Replica, kind: string, result: string): Promise<number> =>
  Number(new RegExp(`vigil_incident_deliveries_total\\{channel="github",kind="${kind}",result="${result}"\\} (\\d+)`).exec(await replica.metrics.registry.metrics())?.[1] ?? 0)

const pending = (replica: Replica): number => (replica.components.get('github')?.details as { pending: number }).pending
const commentTime = (body: string): number => Date.parse(/What fails has changed\*\* \((.+?) UTC\)/.exec(body)![1]!.replace(' ', 'T') + 'Z')

// Issue 7, failure 7: a flapping target with GitHub rate-limiting for a while.
t.test('a flapping failure during a GitHub rate limit: pending changes coalesce to the latest, comments keep their spacing, an unsent open-then-close is dropped but counted', async (t) => {
  const standIn = await startGithubStandIn()
  const replica = await startReplica(standInConfig(standIn), TARGETS)
  t.teardown(async () => { await replica.close(); await standIn.close() })

  await replica.cycle([production(0), checkResult('staging', 'healthy', { at: at(0) }), checkResult('preview', 'healthy', { at: at(0) })], at(0))
  t.same(summary(standIn).map((i) => [i.number, i.title, i.comments]), [[1, 'Production Deployment Health Check Failed', 0]])

  // GitHub rate-limits every request; staging's new incident is the write that meets it.
  standIn.failAll('secondary-rate-limit', { retryAfterSeconds: 2 })
  await replica.cycle([production(1), checkResult('staging', 'unhealthy', { at: at(15) })], at(15))
  t.match(replica.components.get('github'), { status: 'degraded', error: /^rate limited: no delivery before / })
  let mostPending = 0
  for (let cycle = 2; cycle <= 15; cycle++) {
    // preview fails for one cycle only: its issue never reached GitHub.
    const preview = checkResult('preview', cycle === 2 ? 'unhealthy' : 'healthy', { at: at(15 * cycle) })
    await replica.cycle([production(cycle), checkResult('staging', 'unhealthy', { at: at(15 * cycle) }), preview], at(15 * cycle))
    mostPending = Math.max(mostPending, pending(replica))
  }
  t.ok(mostPending <= 3, `the outbox stays bounded (at most ${mostPending} pending for 3 environments)`)
  t.equal(pending(replica), 2, 'staging\'s open and one coalesced production change wait')
  t.same(summary(standIn).map((i) => i.comments), [0], 'nothing written while GitHub asks to wait')
  t.equal(await deliveries(replica, 'opened', 'dropped'), 1, 'preview\'s open-then-close is dropped as a whole and counted')
  // 11:15 told 500 (after 502); 12:30 went back to 502, what people were told: both dropped, nothing
  // to say. 13:45 is 500 again, against 502: that one waits.
  t.equal(await deliveries(replica, 'changed', 'dropped'), 1, 'the change that was changed back is dropped')
  t.ok(replica.log.lines.some((l) => l.includes('changed back before it was sent')), 'and logged with its reason')
  t.ok(replica.log.lines.some((l) => /^info \d+ incident events? dropped before delivery /.test(l) && l.includes('"environments":["preview"]')), 'and logged')

  standIn.failAll(null)
  await waitFor('the held events to go out', async () => { await replica.settle(); return pending(replica) === 0 && standIn.issues.length === 2 })
  t.same(summary(standIn), [
    { number: 1, title: 'Production Deployment Health Check Failed', state: 'open', labels: ['deployment-alert', 'urgent'], comments: 1 },
    { number: 2, title: 'Staging Deployment Health Check Failed', state: 'open', labels: ['deployment-alert'], comments: 0 }
  ], 'no issue for preview; one comment for the flapping')
  const comment = standIn.issues[0]!.comments[0]!.body
  t.match(comment, /What fails has changed\*\* \(2026-11-26 13:45:00 UTC\)[\s\S]*Now failing:\*\*\n- HTTP 500 from \/health[\s\S]*Before:\*\*\n- HTTP 502 from \/health/, 'only the latest state, against what people were last told')

  // GitHub answering: the flapping goes on; change comments come at most once per spacing.
  for (let cycle = 16; cycle <= 28; cycle++) await replica.cycle([production(cycle), checkResult('staging', 'unhealthy', { at: at(15 * cycle) })], at(15 * cycle))
  const times = standIn.issues[0]!.comments.map((c) => commentTime(c.body))
  t.equal(times.length, 3, '3 comments over 7 hours of flapping every cycle')
  for (let i = 1; i < times.length; i++) t.ok(times[i]! - times[i - 1]! >= CHANGE_SPACING_MS, `comment ${i + 1} comes at least ${CHANGE_SPACING_MS / 60_000} minutes after the one before`)
  t.equal(standIn.issues.length, 2)
  t.same(standIn.violations, [])
})
