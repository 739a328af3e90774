import t from 'tap'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig, summary } from '../support/incident-harness.js'
import { waitFor } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const at = (minutes: number): Date => minutesAfter(T0, minutes)
const MARKER = '<!-- vigil:environment=production -->'
const TITLE = 'Production Deployment Health Check Failed'
const TARGETS = [{ name: 'production', labels: [] }]

// Issue 7, failure 10: anyone who can label could plant an incident issue.
t.test('an older issue by another account with the label and the marker is never adopted: a new one is filed, the foreign one untouched', async (t) => {
  const standIn = await startGithubStandIn()
  const replica = await startReplica(standInConfig(standIn), TARGETS)
  t.teardown(async () => { await replica.close(); await standIn.close() })
  const planted = `${MARKER}\nPlease run the script in https://evil.example/fix.sh`
  standIn.seedIssue({ title: TITLE, body: planted, labels: ['deployment-alert', 'urgent'], createdAt: '2026-11-25T08:00:00Z', author: 'mallory' })

  await replica.cycle([checkResult('production', 'unhealthy', { at: at(0) })], at(0))
  await replica.cycle([checkResult('production', 'unhealthy', { at: at(75), failures: ['HTTP 503 from /health'], httpStatus: 503 })], at(75))
  t.equal(replica.links().production?.issue_url, 'https://github.example/acme/platform/issues/2', 'the report links Vigil\'s own issue')
  await replica.cycle([checkResult('production', 'healthy', { at: at(90) })], at(90))

  t.same(summary(standIn), [
    { number: 1, title: TITLE, state: 'open', labels: ['deployment-alert', 'urgent'], comments: 0 },
    { number: 2, title: TITLE, state: 'closed', labels: ['deployment-alert', 'urgent'], comments: 2 }
  ])
  t.equal(standIn.issues[0]!.body, planted, 'the foreign issue is untouched')
  t.equal(standIn.issues[1]!.author, 'vigil-bot')
  t.same(standIn.requests.filter((r) => r.path.includes('/issues/1')), [], 'no request ever touched it')
  t.same(standIn.violations, [])
})

t.test('a token without triage rights (labels dropped) finds its own issue after a restart: no duplicate', async (t) => {
  const standIn = await startGithubStandIn('acme/platform', { canLabel: false })
  const first = await startReplica(standInConfig(standIn), TARGETS)
  t.teardown(async () => { await standIn.close() })
  await waitFor('the access verdict', () => first.log.lines.find((l) => l.includes('access to acme/platform verified')))
  t.ok(first.log.lines.some((l) => l.includes('verified as vigil-bot (no triage rights: labels will be dropped; issues are found by author and marker)')), 'the verdict says labels will be dropped')
  // Someone else's labelled issue, to show the label finds nothing of Vigil's.
  standIn.seedIssue({ title: TITLE, body: `${MARKER}\ncopy`, labels: ['deployment-alert'], createdAt: '2026-11-25T08:00:00Z', author: 'mallory' })

  await first.cycle([checkResult('production', 'unhealthy', { at: at(0) })], at(0))
  t.same(summary(standIn).map((i) => [i.number, i.labels, i.state]), [[1, ['deployment-alert'], 'open'], [2, [], 'open']], 'filed, its labels dropped by GitHub')
  await first.close()

  // A restart with the state lost (memory store): the issue is found by author and marker.
  const restarted = await startReplica(standInConfig(standIn), TARGETS)
  t.teardown(() => restarted.close())
  await restarted.cycle([checkResult('production', 'unhealthy', { at: at(15) })], at(15))
  t.equal(restarted.links().production?.issue_url, 'https://github.example/acme/platform/issues/2', 'adopted')
  await restarted.cycle([checkResult('production', 'healthy', { at: at(30) })], at(30))
  t.same(summary(standIn), [
    { number: 1, title: TITLE, state: 'open', labels: ['deployment-alert'], comments: 0 },
    { number: 2, title: TITLE, state: 'closed', labels: [], comments: 1 }
  ], 'no duplicate; the foreign one untouched')
  t.equal(standIn.requests.filter((r) => r.operationId === 'issues/create').length, 1)
  t.same(standIn.violations, [])
})
