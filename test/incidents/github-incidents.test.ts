import t from 'tap'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig, summary } from '../support/incident-harness.js'
import { waitFor } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const MARKER = '<!-- vigil:environment=production -->'

const TARGETS = [{ name: 'production', labels: [] }, { name: 'staging', labels: ['staging-alerts'] }]

// Change comments unspaced, so that each cycle's change shows; the spacing has its own test.
async function setup (t: { teardown: (fn: () => Promise<void>) => void }, changeSpacingMs = 0) {
  const standIn = await startGithubStandIn()
  const replica = await startReplica(standInConfig(standIn), TARGETS, { policy: { changeSpacingMs } })
  t.teardown(async () => { await replica.close(); await standIn.close() })
  return { standIn, replica }
}

t.test('an unhealthy environment gets exactly one issue with the right title, labels and marker', async (t) => {
  const { standIn, replica } = await setup(t)
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 }), checkResult('staging', 'healthy', { at: T0 })], T0)
  const links = replica.links()
  t.same(summary(standIn), [{ number: 1, title: 'Production Deployment Health Check Failed', state: 'open', labels: ['deployment-alert', 'urgent'], comments: 0 }])
  const body = standIn.issues[0]!.body
  t.ok(body.startsWith(MARKER))
  t.match(body, /2026-11-26 10:00:00 UTC/)
  t.match(body, /https:\/\/production\.example\.com/)
  t.match(body, /HTTP 502 from \/health/)
  t.match(body, /Rollback/)
  t.same(links, { production: { issue_url: 'https://github.example/acme/platform/issues/1', opened_at: standIn.issues[0]!.createdAt.replace('Z', '.000Z') } })
  t.same(standIn.violations, [])
})

t.test('an environment unhealthy for five cycles still has one issue and no comment', async (t) => {
  const { standIn, replica } = await setup(t)
  for (let cycle = 0; cycle < 5; cycle++) {
    const at = minutesAfter(T0, 15 * cycle)
    await replica.cycle([checkResult('production', 'unhealthy', { at })], at)
  }
  t.same(summary(standIn).map((i) => [i.state, i.comments]), [['open', 0]])
  t.same(standIn.violations, [])
})

t.test('a change in what fails adds one comment; a day without change adds a reminder', async (t) => {
  const { standIn, replica } = await setup(t)
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)
  const changed = { failures: ['HTTP 503 from /health'], httpStatus: 503 }
  await replica.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 15), ...changed })], minutesAfter(T0, 15))
  await replica.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 30), ...changed })], minutesAfter(T0, 30))
  t.equal(standIn.issues.length, 1)
  t.equal(standIn.issues[0]!.comments.length, 1)
  t.match(standIn.issues[0]!.comments[0]!.body, /What fails has changed[\s\S]*HTTP 503 from \/health[\s\S]*Before[\s\S]*HTTP 502 from \/health/)
  const nextDay = minutesAfter(T0, 15 + 24 * 60)
  await replica.cycle([checkResult('production', 'unhealthy', { at: nextDay, ...changed })], nextDay)
  t.equal(standIn.issues[0]!.comments.length, 2)
  t.match(standIn.issues[0]!.comments[1]!.body, /Still unhealthy/)
})

t.test('recovery comments with the time and outage length, closes, and a new outage opens a new issue', async (t) => {
  const { standIn, replica } = await setup(t)
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)
  await replica.cycle([checkResult('production', 'degraded', { at: minutesAfter(T0, 90) })], minutesAfter(T0, 90))
  const links = replica.links()
  t.same(links, {})
  t.same(summary(standIn).map((i) => [i.state, i.comments]), [['closed', 1]])
  t.match(standIn.issues[0]!.comments[0]!.body, /Recovered[\s\S]*2026-11-26 11:30:00 UTC[\s\S]*Outage length:\*\* 1h 30m/)
  await replica.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 120) })], minutesAfter(T0, 120))
  t.same(summary(standIn).map((i) => [i.number, i.state, i.comments]), [[1, 'closed', 1], [2, 'open', 0]])
  t.same(Object.keys(replica.links()), ['production'])
  t.same(standIn.violations, [])
})

t.test('a degraded environment never opens an issue', async (t) => {
  const { standIn, replica } = await setup(t)
  await replica.cycle([checkResult('staging', 'degraded', { at: T0 })], T0)
  t.same(standIn.issues, [])
})

t.test('a restart in the middle of an incident adopts the open issue instead of filing another', async (t) => {
  const { standIn, replica } = await setup(t)
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)
  const restarted = await startReplica(standInConfig(standIn), TARGETS)
  t.teardown(() => restarted.close())
  await restarted.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 15) })], minutesAfter(T0, 15))
  const links = restarted.links()
  await restarted.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 30) })], minutesAfter(T0, 30))
  t.same(summary(standIn).map((i) => [i.state, i.comments]), [['open', 0]])
  t.equal(links.production?.issue_url, 'https://github.example/acme/platform/issues/1')
  await restarted.cycle([checkResult('production', 'healthy', { at: minutesAfter(T0, 45) })], minutesAfter(T0, 45))
  t.same(summary(standIn).map((i) => [i.state, i.comments]), [['closed', 1]])
})

t.test('GitHub failing for three cycles during an outage gives exactly one issue once it answers', async (t) => {
  const { standIn, replica } = await setup(t)
  standIn.failAll('server-error')
  for (let cycle = 0; cycle < 3; cycle++) {
    const at = minutesAfter(T0, 15 * cycle)
    await replica.cycle([checkResult('production', 'unhealthy', { at })], at); t.same(replica.links(), {})
  }
  t.same(standIn.issues, [])
  standIn.failAll(null)
  await replica.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 45) })], minutesAfter(T0, 45))
  await replica.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 60) })], minutesAfter(T0, 60))
  // The channel pauses for its backoff after a failure; the next poll delivers.
  await waitFor('the issue', () => standIn.issues.length > 0)
  await replica.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 75) })], minutesAfter(T0, 75))
  t.same(summary(standIn).map((i) => [i.state, i.comments]), [['open', 0]])
  t.same(standIn.violations, [])
})

t.test('a recovery GitHub refused is retried next cycle: one comment, then closed', async (t) => {
  const { standIn, replica } = await setup(t)
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)
  standIn.failAll('secondary-rate-limit')
  await replica.cycle([checkResult('production', 'healthy', { at: minutesAfter(T0, 15) })], minutesAfter(T0, 15))
  t.same(summary(standIn).map((i) => [i.state, i.comments]), [['open', 0]])
  standIn.failAll(null)
  // GitHub asked for a second (retry-after: 1): the worker holds every write until then.
  await waitFor('the held recovery to be delivered', () => standIn.issues[0]!.state === 'closed').catch((e) => { console.error(replica.log.lines.join('\n')); throw e })
  t.same(summary(standIn).map((i) => [i.state, i.comments]), [['closed', 1]])
  t.match(standIn.issues[0]!.comments[0]!.body, /2026-11-26 10:15:00 UTC/)
})

t.test('healthy at start-up with a stale open issue: closed with a comment', async (t) => {
  const { standIn, replica } = await setup(t)
  standIn.seedIssue({ title: 'Production Deployment Health Check Failed', body: `${MARKER}\nold`, labels: ['deployment-alert'], createdAt: '2026-11-26T08:00:00Z' })
  standIn.seedIssue({ title: 'Unrelated', body: 'no marker', labels: ['deployment-alert'] })
  await replica.cycle([checkResult('production', 'healthy', { at: T0 })], T0)
  t.same(summary(standIn).map((i) => [i.number, i.state, i.comments]), [[1, 'closed', 1], [2, 'open', 0]])
  t.match(standIn.issues[0]!.comments[0]!.body, /Outage length:\*\* 2h/)
})

t.test('credentials in URLs and a planted token never reach an issue or a comment', async (t) => {
  const { standIn, replica } = await setup(t)
  const { PLANTED_TOKEN } = await import('../support/incident-harness.js')
  const leaky = {
    displayUrl: 'https://admin:hunter2secret@production.example.com',
    failures: [`HTTP 502 from https://admin:hunter2secret@production.example.com/health?token=${PLANTED_TOKEN}`],
    error: `upstream said Authorization: Bearer ${PLANTED_TOKEN}`
  }
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0, ...leaky })], T0)
  await replica.cycle([checkResult('production', 'unhealthy', { at: minutesAfter(T0, 15), ...leaky, failures: [`${PLANTED_TOKEN} changed`] })], minutesAfter(T0, 15))
  await replica.cycle([checkResult('production', 'healthy', { at: minutesAfter(T0, 30), displayUrl: leaky.displayUrl })], minutesAfter(T0, 30))
  const texts = standIn.issues.flatMap((i) => [i.title, i.body, ...i.comments.map((c) => c.body)])
  t.equal(texts.length, 4)
  const everything = [...texts, ...replica.log.lines].join('\n')
  t.notOk(everything.includes('hunter2secret'), 'no URL password')
  t.notOk(everything.includes(PLANTED_TOKEN), 'no token')
  t.ok(standIn.requests.every((r) => r.authorization?.includes(PLANTED_TOKEN)), 'the token is sent only as the credential')
})

t.test('a failure that keeps changing is told at most once per spacing, with what fails then', async (t) => {
  const { standIn, replica } = await setup(t, 60 * 60_000)
  for (let cycle = 0; cycle <= 8; cycle++) {
    const at = minutesAfter(T0, 15 * cycle)
    const status = cycle % 2 === 0 ? 500 : 502
    await replica.cycle([checkResult('production', 'unhealthy', { at, httpStatus: status })], at)
  }
  t.equal(standIn.issues.length, 1)
  // Opened at 10:00 with 500; 502 at 11:15 is the first change past the hour, 500 again at 12:00 is nothing new... until 12:15.
  const comments = standIn.issues[0]!.comments.map((c) => /Now failing:\*\*\n- (.*)/.exec(c.body)?.[1])
  t.same(comments, ['HTTP 502 from /health'])
})

t.test('an environment alternating 500 and 200 keeps one issue, told it is flapping, closed after two healthy checks', async (t) => {
  const standIn = await startGithubStandIn()
  const replica = await startReplica(standInConfig(standIn), [{ name: 'production', labels: [], successThreshold: 2 }])
  t.teardown(async () => { await replica.close(); await standIn.close() })
  for (let cycle = 0; cycle < 8; cycle++) {
    const at = minutesAfter(T0, 45 * cycle)
    await replica.cycle([checkResult('production', cycle % 2 === 0 ? 'unhealthy' : 'healthy', { at, httpStatus: cycle % 2 === 0 ? 500 : 200 })], at)
  }
  t.same(summary(standIn).map((i) => [i.number, i.state]), [[1, 'open']], 'one issue, still open')
  t.same(standIn.issues[0]!.comments.map((c) => /\*\*(Flapping|What fails has changed)\*\*/.exec(c.body)?.[1]), ['Flapping'])
  t.match(standIn.issues[0]!.comments[0]!.body, /failed again 2 times/)
  for (const minutes of [400, 415]) await replica.cycle([checkResult('production', 'healthy', { at: minutesAfter(T0, minutes) })], minutesAfter(T0, minutes))
  t.same(summary(standIn).map((i) => [i.number, i.state]), [[1, 'closed']])
})
