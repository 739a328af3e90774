import t, { type Test } from 'tap'
import type { IncidentHandlingOptions } from '../../src/incidents/create-incident-handling.js'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { PLANTED_TOKEN, startReplica, standInConfig } from '../support/incident-harness.js'
import { startRailwayStandIn } from '../support/railway-stand-in.js'

const T0 = new Date('2026-11-30T12:40:00Z')
const RAILWAY_TOKEN = 'rw-account-PlantedRailwayToken-0123456789'
const LOGGED_SECRET = 'sk-live-PlantedSecretInALogLine-42'

// A monitored environment that names its Railway environment and service (the monitor file's `railway:`).
const production = { name: 'production', labels: [], railway: { environment: 'production', service: 'api' } }

async function setUp (t: Test, railwayOptions: IncidentHandlingOptions['railway'] = {}) {
  const github = await startGithubStandIn()
  const railway = await startRailwayStandIn({ token: RAILWAY_TOKEN })
  railway.fixtures.logs['dep-api-production-3']!.push({ timestamp: '2026-11-30T12:23:00.000Z', severity: 'error', message: `login refused for key=${LOGGED_SECRET}` })
  const config = standInConfig(github, { RAILWAY_API_TOKEN: RAILWAY_TOKEN, RAILWAY_PROJECT_ID: 'proj-1', RAILWAY_API_URL: railway.url })
  // The log line's secret is one of Vigil's own (say, a provider key): the redactor knows it.
  const withSecret = { ...config, secrets: [...config.secrets, LOGGED_SECRET] }
  const replica = await startReplica(withSecret, [production], { railway: railwayOptions, policy: { changeSpacingMs: 0 } })
  t.teardown(async () => { await replica.close(); await github.close(); await railway.close() })
  return { github, railway, replica }
}

const leaks = (text: string): boolean => text.includes(RAILWAY_TOKEN) || text.includes(PLANTED_TOKEN) || text.includes(LOGGED_SECRET)

t.test('an incident on GitHub carries the Railway deployment: commit, error log lines and the rollback mutation', async (t) => {
  const { github, railway, replica } = await setUp(t)
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)
  t.equal(github.issues.length, 1)
  const body = github.issues[0]!.body
  t.match(body, '### Railway deployment')
  t.match(body, '[`dep-api-production-3`](https://railway.com/project/proj-1/service/svc-api?environmentId=env-prod&id=dep-api-production-3), SUCCESS')
  t.match(body, '`3aaaaaa` on `main` by ada: "Change 3 of api"')
  t.match(body, /```text\n2026-11-30T12:22:00.000Z connect ECONNREFUSED 10.0.0.5:5432\n2026-11-30T12:23:00.000Z login refused for key=\[REDACTED\]\n```/)
  t.match(body, 'mutation { deploymentRollback(id: "dep-api-production-2") }')
  t.match(body, 'Deployments → deployment dep-api-production-2 (commit 2aaaaaa) → ⋮ → Rollback')
  t.notOk(leaks(body), 'no token and no secret in the issue')
  t.notOk(replica.log.lines.some(leaks), 'none in the logs')
  t.notOk(leaks(await replica.metrics.registry.metrics()), 'none in the metrics')
  t.same(railway.violations, [])
  t.same(github.violations, [])
})

t.test('a change comment carries the deployment context too', async (t) => {
  const { github, replica } = await setUp(t)
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)
  const later = minutesAfter(T0, 15)
  await replica.cycle([checkResult('production', 'unhealthy', { at: later, failures: ['HTTP 503 from /health'], httpStatus: 503 })], later)
  const comment = github.issues[0]!.comments.at(-1)?.body ?? ''
  t.match(comment, 'What fails has changed')
  t.match(comment, 'deploymentRollback(id: "dep-api-production-2")')
})

t.test('with Railway hanging the incident is still filed, without the context', async (t) => {
  const { github, railway, replica } = await setUp(t, { waitMs: 100, fetchTimeoutMs: 200 })
  railway.failAll('hang')
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)
  t.equal(github.issues.length, 1)
  t.notMatch(github.issues[0]!.body, 'Railway deployment')
  t.match(github.issues[0]!.body, 'HTTP 502 from /health')
})

t.test('with Railway failing the incident is filed without the context, and the failure is logged redacted', async (t) => {
  const { github, railway, replica } = await setUp(t)
  railway.failAll('graphql-error', { message: `bad token ${RAILWAY_TOKEN}` })
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)
  t.equal(github.issues.length, 1)
  t.notMatch(github.issues[0]!.body, 'Railway deployment')
  t.ok(replica.log.lines.some((l) => l.includes('Railway deployment context for production is unavailable') && l.includes('bad token [REDACTED]')))
  t.notOk(replica.log.lines.some(leaks))
})

t.test('healthy results never ask Railway', async (t) => {
  const { railway, replica } = await setUp(t)
  await replica.cycle([checkResult('production', 'healthy', { at: T0 })], T0)
  t.equal(railway.requests.length, 0)
})
