import t from 'tap'
import { HEALTH, startDeployApp } from '../support/deploy-app.js'
import { railwayPayload } from '../support/railway-payloads.js'
import { startRailwayStandIn } from '../support/railway-stand-in.js'
import { waitFor } from '../support/wait-for.js'

const RAILWAY_TOKEN = 'railway-PlantedAccountToken-0123456789'

// The fixture project: production (env-prod) × api (svc-api), deployments -1 and -2 (can be
// rolled back to) and -3, the newest.
const deployed = (deploymentId: string, at = new Date()): Record<string, unknown> => railwayPayload({
  type: 'Deployment.deployed', status: 'SUCCESS', deploymentId, environmentId: 'env-prod', serviceId: 'svc-api', timestamp: at.toISOString()
})

t.test('auto_rollback: a deployment that never verifies is rolled back exactly once, said in the issue, and the rollback is verified', async (t) => {
  const railway = await startRailwayStandIn({ token: RAILWAY_TOKEN })
  t.teardown(() => railway.close())
  const d = await startDeployApp(t, 'verify_attempts: 3\nverify_delay: 20ms\nauto_rollback: true\nrailway: { service: api }', {
    env: { RAILWAY_API_TOKEN: RAILWAY_TOKEN, RAILWAY_API_URL: railway.url, RAILWAY_PROJECT_ID: railway.fixtures.project.id }
  })
  d.target.set(HEALTH, 'error')
  t.equal(await d.deliver(deployed('dep-api-production-3')), 202)
  const issue = await waitFor('the verification issue', () => d.github.issues[0], 5_000)
  t.equal(issue.title, 'Production Deployment Verification Failed')
  t.same(railway.rollbacks, ['dep-api-production-2'], 'rolled back once, to the deployment Railway names')
  t.match(issue.body, /Automatic rollback:.*`dep-api-production-2`/)

  // Nothing is verified before Railway reports the rolled-back deployment live.
  await d.idle()
  t.same(d.github.issues[0]!.comments, [], 'no verdict on the rollback before Railway deployed it')
  // Railway's own event for the rollback's deployment arrives: verified; it fails too: said in a
  // comment, never rolled back again.
  t.equal(await d.deliver(deployed('dep-api-production-4', new Date(Date.now() + 1000))), 202)
  const comment = await waitFor('the rollback verification comment', () => d.github.issues[0]!.comments[0], 5_000)
  t.match(comment.body, 'rolled-back deployment never verified healthy either')
  await d.idle()
  // And a later bad deployment while still failing: the rollback stays disarmed until a verification passes.
  t.equal(await d.deliver(deployed('dep-api-production-5', new Date(Date.now() + 2000))), 202)
  await d.idle()
  t.same(railway.rollbacks, ['dep-api-production-2'], 'the mutation was called exactly once')
  t.equal(d.github.issues.length, 1)
  t.same(railway.violations, [], 'every document matched Railway\'s schema')
  const sent = JSON.stringify(d.github.requests.map((r) => r.body))
  t.notOk(sent.includes(RAILWAY_TOKEN), 'no Railway token sent to GitHub')
})

t.test('auto_rollback without a Railway token says in the issue that it could not roll back', async (t) => {
  const d = await startDeployApp(t, 'verify_attempts: 2\nverify_delay: 20ms\nauto_rollback: true')
  d.target.set(HEALTH, 'error')
  t.equal(await d.deliver(deployed('dep-x')), 202)
  const issue = await waitFor('the verification issue', () => d.github.issues[0], 5_000)
  t.match(issue.body, 'Automatic rollback not done')
  t.match(issue.body, 'no Railway API token')
})
