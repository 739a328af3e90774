import t from 'tap'
import { DEPLOYMENT_ERROR_LOGS, DEPLOYMENT_ROLLBACK, PROJECT_SERVICES, SERVICE_DEPLOYMENTS } from '../../src/railway/documents.js'
import { startRailwayStandIn } from '../support/railway-stand-in.js'

const TOKEN = 'rw-account-token-0123456789'

// Answers are read field by field as JSON; typing every shape here would repeat the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function post (url: string, query: string, variables: object, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<{ status: number, body: { data?: any, errors?: Array<{ message: string }> }, headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) })
  return { status: res.status, body: await res.json() as { data?: unknown, errors?: Array<{ message: string }> }, headers: res.headers }
}

t.test('the Railway stand-in answers valid documents from its fixtures in the schema\'s shape', async (t) => {
  const railway = await startRailwayStandIn({ token: TOKEN })
  t.teardown(railway.close)
  const deployments = await post(railway.url, SERVICE_DEPLOYMENTS, { projectId: 'proj-1', environmentId: 'env-prod', serviceId: 'svc-api', first: 20 })
  t.same(deployments.body.data.deployments.edges.map((e: { node: { id: string } }) => e.node.id), ['dep-api-production-3', 'dep-api-production-2', 'dep-api-production-1'])
  t.equal(deployments.body.data.deployments.edges[0].node.meta.commitMessage, 'Change 3 of api')
  const logs = await post(railway.url, DEPLOYMENT_ERROR_LOGS, { deploymentId: 'dep-api-production-3', limit: 20, filter: '@level:error' })
  t.same(logs.body.data.deploymentLogs.map((l: { message: string }) => l.message), ['connect ECONNREFUSED 10.0.0.5:5432'])
  const services = await post(railway.url, PROJECT_SERVICES, { projectId: 'proj-1' })
  t.equal(services.body.data.project.environments.edges.length, 2)
  const rollback = await post(railway.url, DEPLOYMENT_ROLLBACK, { id: 'dep-api-production-2' })
  t.same(rollback.body.data, { deploymentRollback: true })
  t.same(railway.rollbacks, ['dep-api-production-2'])
  t.equal(railway.requests[0]?.operationName, 'VigilServiceDeployments')
  t.same(railway.violations, [])
})

t.test('the Railway stand-in refuses invalid documents and wrong credentials as Railway does', async (t) => {
  const railway = await startRailwayStandIn({ token: TOKEN, projectToken: 'rw-project-token-0123' })
  t.teardown(railway.close)
  const invalid = await post(railway.url, 'query { project(id: "proj-1") { nosuch } }', {})
  t.equal(invalid.status, 400)
  t.equal(railway.violations.length, 1)
  const wrong = await post(railway.url, PROJECT_SERVICES, { projectId: 'proj-1' }, { authorization: 'Bearer nope' })
  t.match(wrong.body.errors?.[0]?.message, 'Not Authorized')
  const project = await post(railway.url, PROJECT_SERVICES, { projectId: 'proj-1' }, { 'project-access-token': 'rw-project-token-0123' })
  t.equal(project.body.errors, undefined)
})

t.test('the Railway stand-in fails on demand with Railway\'s rate-limit headers', async (t) => {
  const railway = await startRailwayStandIn({ token: TOKEN })
  t.teardown(railway.close)
  railway.failNext(1, 'rate-limited', { retryAfterSeconds: 3 })
  const limited = await post(railway.url, PROJECT_SERVICES, { projectId: 'proj-1' })
  t.equal(limited.status, 429)
  t.equal(limited.headers.get('retry-after'), '3')
  t.equal(limited.headers.get('x-ratelimit-remaining'), '0')
  railway.failNext(1, 'server-error')
  t.equal((await post(railway.url, PROJECT_SERVICES, { projectId: 'proj-1' })).status, 500)
  railway.failNext(1, 'graphql-error', { message: 'boom' })
  t.match((await post(railway.url, PROJECT_SERVICES, { projectId: 'proj-1' })).body.errors?.[0]?.message, 'boom')
})
