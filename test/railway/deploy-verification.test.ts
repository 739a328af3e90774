import t from 'tap'
import { HEALTH, startDeployApp } from '../support/deploy-app.js'
import { railwayPayload } from '../support/railway-payloads.js'
import { waitFor } from '../support/wait-for.js'

const VERIFY = 'verify_attempts: 4\nverify_delay: 20ms'
const deployed = (deploymentId: string, timestamp = new Date().toISOString()): Record<string, unknown> =>
  railwayPayload({ type: 'Deployment.deployed', status: 'SUCCESS', deploymentId, timestamp })

t.test('a deployment healthy on the third try is verified: no issue, one healthy verification, deploy-to-healthy observed', async (t) => {
  const d = await startDeployApp(t, VERIFY)
  const before = d.target.hits.get(HEALTH)!
  t.equal(before, 1, 'the first scheduled check took the first answer')
  // Answers are taken by hit number, the scheduled check's included.
  d.target.set(HEALTH, ['healthy', 'error', 'error', 'healthy'])
  t.equal(await d.deliver(deployed('dep-ok')), 202)
  await d.idle()
  t.equal(d.target.hits.get(HEALTH), before + 3, 'three tries, then it stopped')
  t.equal(await d.metric('vigil_verifications_total{result="healthy"}'), 1)
  t.equal(await d.metric('vigil_verifications_total{result="failed"}'), 0)
  t.equal(await d.metric('vigil_deploy_to_healthy_seconds_count'), 1)
  // The sentinel: a crash afterwards files the first issue.
  d.target.set(HEALTH, 'error')
  t.equal(await d.deliver(railwayPayload({ type: 'Deployment.crashed', deploymentId: 'dep-ok' })), 202)
  const issue = await waitFor('the sentinel issue', () => d.github.issues[0], 5_000)
  t.equal(issue.title, 'Production Deployment Health Check Failed')
  t.equal(d.github.issues.length, 1)
})

t.test('a deployment never healthy files one "Deployment Verification Failed" issue with every try', async (t) => {
  const d = await startDeployApp(t, VERIFY)
  const before = d.target.hits.get(HEALTH)!
  d.target.set(HEALTH, 'error')
  t.equal(await d.deliver(deployed('dep-bad')), 202)
  const issue = await waitFor('the verification issue', () => d.github.issues[0], 5_000)
  await d.idle()
  t.equal(d.target.hits.get(HEALTH), before + 4, 'verify_attempts tries')
  t.equal(issue.title, 'Production Deployment Verification Failed')
  t.match(issue.body, 'never healthy')
  for (const n of [1, 2, 3, 4]) t.match(issue.body, new RegExp(`^\\| ${n} \\| .* \\| unhealthy \\| 500 \\|`, 'm'), `try ${n} in the table`)
  t.match(issue.body, '`dep-bad`')
  t.notMatch(issue.body, 'Automatic rollback', 'auto_rollback is off by default')
  t.equal(await d.metric('vigil_verifications_total{result="failed"}'), 1)
  t.equal(d.github.issues.length, 1)
})

t.test('a newer deployment supersedes the verification under way', async (t) => {
  const d = await startDeployApp(t, 'verify_attempts: 50\nverify_delay: 50ms')
  d.target.set(HEALTH, 'error')
  t.equal(await d.deliver(deployed('dep-old', new Date(Date.now() - 1000).toISOString())), 202)
  await waitFor('the old deployment to be tried twice', () => d.target.hits.get(HEALTH)! >= 3)
  t.equal(await d.deliver(deployed('dep-new')), 202)
  d.target.set(HEALTH, 'healthy')
  await d.idle()
  // Had the old verification gone on, it would have passed too (the target is healthy now): 2.
  t.equal(await d.metric('vigil_verifications_total{result="healthy"}'), 1, 'the new one verified')
  t.equal(await d.metric('vigil_verifications_total{result="failed"}'), 0, 'the old one was stopped, not failed')
  t.equal(d.github.issues.length, 0)
})
