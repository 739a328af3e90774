import t from 'tap'
import { DEPLOY_GITHUB_TOKEN, HEALTH, startDeployApp, WEBHOOK_SECRET } from '../support/deploy-app.js'
import { legacyRailwayPayload, railwayPayload } from '../support/railway-payloads.js'
import { waitFor } from '../support/wait-for.js'

const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString()

t.test('a crash event files an incident within seconds, with the event and the commit, and no secret', async (t) => {
  const d = await startDeployApp(t, '')
  d.target.set(HEALTH, 'error')
  t.equal(await d.deliver(railwayPayload({ type: 'Deployment.crashed', deploymentId: 'dep-crash-1', commitHash: 'c0ffee1234567890abcdef', commitMessage: 'Cache the cart' })), 202)
  // Bounded wait: the issue must come from the event, the next scheduled cycle is an hour away.
  const issue = await waitFor('the incident issue', () => d.github.issues[0], 5_000)
  t.equal(issue.title, 'Production Deployment Health Check Failed')
  t.match(issue.body, '### Railway deploy event')
  t.match(issue.body, '`Deployment.crashed`')
  t.match(issue.body, '`dep-crash-1`')
  t.match(issue.body, '`c0ffee123456`', 'the commit, shortened')
  t.match(issue.body, 'Cache the cart')
  t.match(issue.body, 'Ada Lovelace')
  t.match(issue.body, 'HTTP 500', 'what the check found')
  const sent = JSON.stringify(d.github.requests.map((r) => r.body))
  t.notOk(sent.includes(WEBHOOK_SECRET) || sent.includes(DEPLOY_GITHUB_TOKEN), 'no secret sent to GitHub')
  t.equal(await d.metric('vigil_railway_events_total{type="Deployment.crashed"}'), 1)
})

t.test('a wrong secret is 404 and sets nothing off', async (t) => {
  const d = await startDeployApp(t, '')
  d.target.set(HEALTH, 'error')
  const hits = d.target.hits.get(HEALTH)
  t.equal(await d.deliver(railwayPayload({ deploymentId: 'dep-wrong' }), `${WEBHOOK_SECRET}-not`), 404)
  await d.idle()
  t.equal(d.target.hits.get(HEALTH), hits, 'no check')
  // A right delivery afterwards is the sentinel: its issue is the only one.
  t.equal(await d.deliver(railwayPayload({ deploymentId: 'dep-right' })), 202)
  const issue = await waitFor('the sentinel issue', () => d.github.issues[0], 5_000)
  t.match(issue.body, 'dep-right')
  t.notMatch(issue.body, 'dep-wrong')
  t.equal(d.github.issues.length, 1)
})

t.test('a delivery retried by Railway has one effect; an older event is ignored', async (t) => {
  const d = await startDeployApp(t, '')
  d.target.set(HEALTH, 'error')
  const crash = railwayPayload({ type: 'Deployment.crashed', deploymentId: 'dep-1', timestamp: minutesAgo(1) })
  t.equal(await d.deliver(crash), 202)
  await waitFor('the incident issue', () => d.github.issues[0], 5_000)
  const hits = d.target.hits.get(HEALTH)

  t.equal(await d.deliver(crash), 202, 'the retry is accepted')
  t.equal(await d.deliver(railwayPayload({ type: 'Deployment.crashed', deploymentId: 'dep-0', timestamp: minutesAgo(10) })), 202, 'an older deployment, delivered late')
  await d.idle()
  t.equal(d.target.hits.get(HEALTH), hits, 'neither the retry nor the older event checked anything')

  // A newer event is news on the open incident: its comment is the only one.
  t.equal(await d.deliver(railwayPayload({ type: 'Deployment.oom_killed', deploymentId: 'dep-1', timestamp: new Date().toISOString() })), 202)
  const comment = await waitFor('the comment on the newer event', () => d.github.issues[0]!.comments[0], 5_000)
  t.match(comment.body, 'Deployment.oom_killed')
  await d.idle()
  t.equal(d.github.issues.length, 1, 'one issue')
  t.equal(d.github.issues[0]!.comments.length, 1, 'one comment: the retry and the older event said nothing')
})

t.test('the legacy payload works like the current one', async (t) => {
  const d = await startDeployApp(t, '')
  d.target.set(HEALTH, 'error')
  t.equal(await d.deliver(legacyRailwayPayload({ status: 'CRASHED', deploymentId: 'legacy-9', commitHash: 'feedfacecafebeef00' })), 202)
  const issue = await waitFor('the incident issue', () => d.github.issues[0], 5_000)
  t.match(issue.body, '`Deployment.crashed`')
  t.match(issue.body, '`legacy-9`')
  t.match(issue.body, '`feedfacecafe`')
  t.equal(await d.metric('vigil_railway_events_total{type="Deployment.crashed"}'), 1)
})

t.test('unknown types and events of other environments are counted and ignored', async (t) => {
  const d = await startDeployApp(t, '')
  d.target.set(HEALTH, 'error')
  const hits = d.target.hits.get(HEALTH)
  t.equal(await d.deliver(railwayPayload({ type: 'Deployment.teleported', deploymentId: 'dep-x' })), 202)
  t.equal(await d.deliver(railwayPayload({ type: 'Deployment.crashed', deploymentId: 'dep-y', environment: 'staging' })), 202)
  await d.idle()
  t.equal(d.target.hits.get(HEALTH), hits, 'nothing checked')
  t.equal(await d.metric('vigil_railway_events_total{type="other"}'), 1)
  t.equal(await d.metric('vigil_railway_events_total{type="Deployment.crashed"}'), 1)
  // The sentinel: a crash of production files the only issue.
  t.equal(await d.deliver(railwayPayload({ type: 'Deployment.crashed', deploymentId: 'dep-z' })), 202)
  const issue = await waitFor('the sentinel issue', () => d.github.issues[0], 5_000)
  t.notMatch(issue.body, /dep-x|dep-y/)
  t.equal(d.github.issues.length, 1)
})

t.test('a failed deployment while the previous one still serves opens no incident', async (t) => {
  const d = await startDeployApp(t, '')
  const hits = d.target.hits.get(HEALTH)!
  t.equal(await d.deliver(railwayPayload({ type: 'Deployment.failed', status: 'FAILED', deploymentId: 'dep-f' })), 202)
  await d.idle()
  t.equal(d.target.hits.get(HEALTH), hits + 1, 'checked at once')
  // The sentinel: the environment then crashes, and that is the first issue.
  d.target.set(HEALTH, 'error')
  t.equal(await d.deliver(railwayPayload({ type: 'Deployment.crashed', deploymentId: 'dep-g' })), 202)
  const issue = await waitFor('the sentinel issue', () => d.github.issues[0], 5_000)
  t.match(issue.body, 'dep-g')
  t.equal(d.github.issues.length, 1)
})
