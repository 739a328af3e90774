import { Registry } from 'prom-client'
import t, { type Test } from 'tap'
import { createMetrics } from '../../src/metrics/create-metrics.js'
import { createRailwayClient, type RailwayClientOptions } from '../../src/railway/client.js'
import { RailwayApiError } from '../../src/railway/errors.js'
import { createRedactor } from '../../src/redact.js'
import { startRailwayStandIn, type RailwayStandIn } from '../support/railway-stand-in.js'

const TOKEN = 'rw-account-PlantedRailwayToken-0123456789'
const PROJECT_TOKEN = 'rw-project-PlantedProjectToken-987654'
const LOGGED_SECRET = 'sk-live-PlantedSecretInALogLine-42'

async function setUp (t: Test, options: Partial<RailwayClientOptions> = {}): Promise<{ railway: RailwayStandIn, client: ReturnType<typeof createRailwayClient>, metrics: ReturnType<typeof createMetrics> }> {
  const railway = await startRailwayStandIn({ token: TOKEN, projectToken: PROJECT_TOKEN })
  t.teardown(railway.close)
  const metrics = createMetrics(new Registry())
  const client = createRailwayClient({
    apiUrl: railway.url, token: TOKEN, tokenKind: 'account', projectId: 'proj-1', redact: createRedactor([TOKEN, PROJECT_TOKEN, LOGGED_SECRET]),
    metrics, timeoutMs: 2000, retryBaseMs: 1, ...options
  })
  return { railway, client, metrics }
}

const counted = async (metrics: ReturnType<typeof createMetrics>): Promise<string> => await metrics.registry.getSingleMetricAsString('vigil_railway_api_requests_total')

t.test('deployment context: the active deployment, its commit, error lines, the dashboard link and the rollback', async (t) => {
  const { railway, client, metrics } = await setUp(t)
  const context = await client.deploymentContext({ environment: 'production', service: 'api' })
  t.ok(context)
  t.equal(context?.active?.id, 'dep-api-production-3')
  t.equal(context?.active?.status, 'SUCCESS')
  t.equal(context?.active?.commitMessage, 'Change 3 of api')
  t.equal(context?.active?.branch, 'main')
  t.equal(context?.active?.commitAuthor, 'ada')
  t.match(context?.active?.commitHash, /^3a{39}$/)
  t.same(context?.errorLogs, ['2026-11-30T12:22:00.000Z connect ECONNREFUSED 10.0.0.5:5432'])
  t.equal(context?.dashboardUrl, 'https://railway.com/project/proj-1/service/svc-api?environmentId=env-prod')
  t.equal(context?.rollback?.deployment.id, 'dep-api-production-2')
  t.equal(context?.rollback?.mutation, 'mutation { deploymentRollback(id: "dep-api-production-2") }')
  t.match(context?.rollback?.dashboardPath, 'api → Deployments → deployment dep-api-production-2')
  t.equal(railway.requests[0]?.headers.authorization, `Bearer ${TOKEN}`)
  t.same(railway.violations, [])
  t.match(await counted(metrics), 'vigil_railway_api_requests_total{operation="deployments",result="success"} 1')
})

t.test('environment and service are found by id as well as by name, and an unknown one gives no context', async (t) => {
  const { client } = await setUp(t)
  t.equal((await client.deploymentContext({ environment: 'env-stg', service: 'svc-web' }))?.active?.id, 'dep-web-staging-3')
  t.equal(await client.deploymentContext({ environment: 'nowhere', service: 'api' }), undefined)
  // Two services and none named: ambiguous, so no context rather than the wrong one.
  t.equal(await client.deploymentContext({ environment: 'production' }), undefined)
})

t.test('at most 20 error lines, the newest, each redacted and shortened', async (t) => {
  const { railway, client } = await setUp(t)
  railway.fixtures.logs['dep-api-production-3'] = Array.from({ length: 30 }, (_, i) => ({
    timestamp: `2026-11-30T12:${String(i).padStart(2, '0')}:00Z`, severity: i === 29 ? 'info' : 'error',
    message: i === 28 ? `auth failed with key ${LOGGED_SECRET} ${'x'.repeat(1000)}` : `error ${i}`
  }))
  const context = await client.deploymentContext({ environment: 'production', service: 'api' })
  const lines = context?.errorLogs ?? []
  t.equal(lines.length, 20)
  t.match(lines[0], 'error 9')
  t.match(lines[19], 'auth failed with key [REDACTED]')
  t.ok(lines[19]!.length <= 301, 'a long line is shortened')
  t.notOk(lines.join('\n').includes(LOGGED_SECRET))
  t.equal(railway.requests.find((r) => r.operationName === 'VigilDeploymentErrorLogs')?.variables.filter, '@level:error')
})

t.test('the rollback target is the newest earlier deployment that went live and can be rolled back to', async (t) => {
  const { railway, client } = await setUp(t)
  const f = railway.fixtures
  const mine = f.deployments.filter((d) => d.environmentId === 'env-prod' && d.serviceId === 'svc-api')
  mine.find((d) => d.id === 'dep-api-production-2')!.canRollback = false
  f.deployments.push(
    { id: 'dep-crashed', environmentId: 'env-prod', serviceId: 'svc-api', status: 'CRASHED', createdAt: '2026-11-30T12:15:00.000Z', canRollback: true, meta: null },
    { id: 'dep-failed-new', environmentId: 'env-prod', serviceId: 'svc-api', status: 'FAILED', createdAt: '2026-11-30T12:30:00.000Z', canRollback: false, meta: null }
  )
  const context = await client.deploymentContext({ environment: 'production', service: 'api' })
  t.equal(context?.active?.id, 'dep-api-production-3', 'a newer failed build does not replace the serving deployment')
  t.equal(context?.rollback?.deployment.id, 'dep-api-production-1', 'neither the crashed one nor one Railway cannot roll back to')
})

t.test('rollback calls deploymentRollback once with the deployment id', async (t) => {
  const { railway, client } = await setUp(t)
  await client.rollback('dep-api-production-2')
  t.same(railway.rollbacks, ['dep-api-production-2'])
  await t.rejects(client.rollback('dep-api-production-3'), { name: 'RailwayApiError', message: /cannot be rolled back/ })
  railway.failNext(1, 'server-error')
  await t.rejects(client.rollback('dep-api-production-1'), { name: 'RailwayApiError', kind: 'failure', status: 500 })
  t.same(railway.rollbacks, ['dep-api-production-2'], 'a mutation answered 500 is not sent again')
})

t.test('a project token goes in Project-Access-Token, never as Bearer', async (t) => {
  const { railway, client } = await setUp(t, { token: PROJECT_TOKEN, tokenKind: 'project' })
  await client.discover('proj-1')
  t.equal(railway.requests[0]?.headers['project-access-token'], PROJECT_TOKEN)
  t.equal(railway.requests[0]?.headers.authorization, undefined)
})

t.test('429 with Retry-After: the client waits that long before asking again', async (t) => {
  const { railway, client, metrics } = await setUp(t, { timeoutMs: 5000 })
  railway.failNext(1, 'rate-limited', { retryAfterSeconds: 1 })
  t.equal((await client.discover('proj-1')).length, 4)
  t.equal(railway.requests.length, 2)
  t.ok(railway.requests[1]!.at - railway.requests[0]!.at >= 900, 'the second request waited for Retry-After')
  t.match(await counted(metrics), 'result="rate_limited"} 1')
})

t.test('X-RateLimit-Remaining 0 holds further requests until X-RateLimit-Reset; a call that cannot wait fails at once', async (t) => {
  const { railway, client, metrics } = await setUp(t, { timeoutMs: 500 })
  railway.setRateLimit({ remaining: 0, resetInSeconds: 30 })
  await client.discover('proj-1')
  railway.setRateLimit(null)
  await t.rejects(client.discover('proj-1'), { kind: 'rate_limited', message: /rate limited by Railway/ })
  t.equal(railway.requests.length, 1, 'nothing was sent while the quota is spent')
  t.match(await counted(metrics), 'vigil_railway_api_requests_total{operation="project_services",result="rate_limited"} 1')
})

t.test('a 5xx answer to a query is tried again, a few times only', async (t) => {
  const { railway, client } = await setUp(t)
  railway.failNext(1, 'server-error')
  t.equal((await client.discover('proj-1')).length, 4)
  railway.failAll('bad-gateway')
  await t.rejects(client.discover('proj-1'), { kind: 'failure', message: 'Railway project_services: HTTP 502' })
  t.equal(railway.requests.length, 2 + 3)
})

t.test('a hanging Railway is cut by the deadline', async (t) => {
  const { railway, client, metrics } = await setUp(t, { timeoutMs: 300 })
  railway.failAll('hang')
  await t.rejects(client.deploymentContext({ environment: 'production', service: 'api' }), { kind: 'timeout', message: 'Railway project_layout: no answer within 300 ms' })
  t.match(await counted(metrics), 'result="timeout"} 1')
})

t.test('GraphQL errors become a clear error with no token in it, in metrics or anywhere', async (t) => {
  const { railway, client, metrics } = await setUp(t)
  railway.failNext(1, 'graphql-error', { message: `Invalid token ${TOKEN}` })
  const error = await client.discover('proj-1').catch((e: unknown) => e)
  t.type(error, RailwayApiError)
  t.equal((error as Error).message, 'Railway project_services: GraphQL error: Invalid token [REDACTED]')
  const wrong = createRailwayClient({ apiUrl: railway.url, token: 'rw-wrong-token-000000', tokenKind: 'account', redact: createRedactor(['rw-wrong-token-000000']), metrics })
  await t.rejects(wrong.discover('proj-1'), { message: 'Railway project_services: GraphQL error: Not Authorized' })
  const exposition = await metrics.registry.metrics()
  t.notOk(exposition.includes(TOKEN))
  t.notOk(JSON.stringify(error, Object.getOwnPropertyNames(error)).includes(TOKEN))
})
