import { Registry } from 'prom-client'
import t from 'tap'
import { createGithubClient } from '../../src/incidents/github-client.js'
import { createGithubTracker } from '../../src/incidents/github-tracker.js'
import { createMetrics } from '../../src/metrics/create-metrics.js'
import { createRedactor } from '../../src/redact.js'
import { startGithubStandIn, type FailureMode } from '../support/github-stand-in.js'
import { PLANTED_TOKEN, recordingLog } from '../support/incident-harness.js'

async function setup (t: { teardown: (fn: () => Promise<void>) => void }, requestTimeoutMs = 2000) {
  const standIn = await startGithubStandIn()
  t.teardown(() => standIn.close())
  const metrics = createMetrics(new Registry())
  const log = recordingLog()
  const octokit = createGithubClient({
    token: PLANTED_TOKEN, apiUrl: standIn.url, redact: createRedactor([PLANTED_TOKEN]), log, metrics,
    retryDelayUnitMs: 1, writeSpacingMs: 0, requestTimeoutMs, retries: 2
  })
  const tracker = createGithubTracker({ octokit, repository: standIn.repository, retries: 2, retryDelayUnitMs: 1 })
  const counts = async () => Object.fromEntries((await metrics.githubRequests.get()).values.map((v) => [`${v.labels.operation}:${v.labels.result}`, v.value]))
  return { standIn, tracker, log, counts }
}

t.test('open, find by marker, comment, check a comment marker and close', async (t) => {
  const { standIn, tracker, counts } = await setup(t)
  t.equal(await tracker.findOpen('production'), null)
  const issue = await tracker.open('production', 'Production Deployment Health Check Failed', '<!-- vigil:environment=production -->\nbody', ['deployment-alert', 'urgent'])
  standIn.seedIssue({ title: 'other env', body: '<!-- vigil:environment=production-eu -->', labels: ['deployment-alert'] })
  t.same(await tracker.findOpen('production'), issue)
  await tracker.comment(issue.number, 'hello <!-- vigil:action=a1 -->')
  t.equal(await tracker.hasComment(issue.number, '<!-- vigil:action=a1 -->'), true)
  t.equal(await tracker.hasComment(issue.number, '<!-- vigil:action=a2 -->'), false)
  await tracker.close(issue.number)
  t.equal(await tracker.findOpen('production'), null)
  t.same(standIn.violations, [])
  t.same(await counts(), { 'list_issues:success': 3, 'create_issue:success': 1, 'create_comment:success': 1, 'list_comments:success': 2, 'update_issue:success': 1 })
})

t.test('finding walks every page of open issues', async (t) => {
  const { standIn, tracker } = await setup(t)
  for (let i = 0; i < 120; i++) standIn.seedIssue({ title: `noise ${i}`, body: 'x', labels: ['deployment-alert'] })
  const mine = standIn.seedIssue({ title: 'Staging Deployment Health Check Failed', body: '<!-- vigil:environment=staging -->', labels: ['deployment-alert'] })
  t.equal((await tracker.findOpen('staging'))?.number, mine.number)
  t.same(standIn.violations, [])
})

// Writes are retried by the tracker, which first checks whether the failed try took effect.
const modes: Array<[FailureMode, Record<string, number>]> = [
  ['server-error', { 'create_issue:failure': 1, 'list_issues:success': 1, 'create_issue:success': 1 }],
  ['hang', { 'create_issue:failure': 1, 'list_issues:success': 1, 'create_issue:success': 1 }],
  ['lost-answer', { 'create_issue:failure': 1, 'list_issues:success': 1 }],
  ['secondary-rate-limit', { 'create_issue:failure': 1, 'create_issue:success': 1 }],
  ['too-many-requests', { 'create_issue:failure': 1, 'create_issue:success': 1 }]
]
for (const [mode, expected] of modes) {
  t.test(`opening an issue through ${mode} ends with exactly one issue, every request counted`, async (t) => {
    const { standIn, tracker, counts } = await setup(t, mode === 'hang' || mode === 'lost-answer' ? 300 : 2000)
    standIn.failNext(1, mode)
    const issue = await tracker.open('production', 'Production Deployment Health Check Failed', '<!-- vigil:environment=production -->', ['deployment-alert'])
    t.equal(issue.number, 1)
    t.equal(standIn.issues.length, 1)
    t.same(await counts(), expected)
    t.same(standIn.violations, [])
  })
}

t.test('a comment whose answer was lost is not posted twice', async (t) => {
  const { standIn, tracker } = await setup(t, 300)
  standIn.seedIssue({ title: 't', body: 'b', labels: [] })
  standIn.failNext(1, 'lost-answer')
  await tracker.comment(1, 'still down <!-- vigil:action=x1 -->')
  t.equal(standIn.issues[0]!.comments.length, 1)
})

t.test('a read that meets a 500 is retried by the client', async (t) => {
  const { standIn, tracker, counts } = await setup(t)
  standIn.failNext(1, 'server-error')
  t.equal(await tracker.findOpen('production'), null)
  t.same(await counts(), { 'list_issues:failure': 1, 'list_issues:success': 1 })
})

t.test('a request still failing after its retries rejects, and the token stays out of the logs', async (t) => {
  const { standIn, tracker, log, counts } = await setup(t)
  standIn.failAll('server-error')
  await t.rejects(tracker.comment(1, 'x'))
  t.same(await counts(), { 'create_comment:failure': 3 })
  t.ok(log.lines.length > 0)
  t.notOk(log.lines.join('\n').includes(PLANTED_TOKEN))
})
