import t from 'tap'
import { checkEnvironment } from '../../src/monitor/check-environment.js'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { MAX_BODY, startGithubStandIn, type GithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig, summary, type Replica } from '../support/incident-harness.js'
import { startTargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const at = (minutes: number): Date => minutesAfter(T0, minutes)
const GITHUB = { retryDelayUnitMs: 1, writeSpacingMs: 0, requestTimeoutMs: 500, retries: 1 }

const metricValue = async (replica: Replica, labels: string): Promise<number> =>
  Number(new RegExp(`vigil_incident_deliveries_total\\{${labels}\\} (\\d+)`).exec(await replica.metrics.registry.metrics())?.[1] ?? 0)

// Issue 7, failure 6 (first half): 17 extra paths of 2,000 characters, each answering 404.
t.test('an incident with 17 failing 2,000-character paths still fits GitHub\'s 65,536 characters and is filed', async (t) => {
  const target = await startTargetServer()
  const standIn = await startGithubStandIn()
  const replica = await startReplica(standInConfig(standIn), [{ name: 'production', labels: [] }])
  t.teardown(async () => { await replica.close(); await standIn.close(); await target.close() })
  const checks = Array.from({ length: 17 }, (_, i) => `/missing-${String(i).padStart(2, '0')}-${'x'.repeat(2_000 - 12)}`)
  for (const path of checks) target.set(`/production${path}`, 'not-found')
  t.equal(checks[0]!.length, 2_000)

  const result = await checkEnvironment(testTarget(`${target.url}/production`, { name: 'production', checks }))
  t.equal(result.status, 'unhealthy')
  t.equal(result.failures.length, 17, 'every path failed')
  await replica.cycle([result], result.checkedAt)

  t.same(summary(standIn), [{ number: 1, title: 'Production Deployment Health Check Failed', state: 'open', labels: ['deployment-alert', 'urgent'], comments: 0 }])
  const body = standIn.issues[0]!.body
  t.ok(body.length <= MAX_BODY, `the body fits (${body.length} characters)`)
  t.ok(body.startsWith('<!-- vigil:environment=production -->'), 'the marker survives')
  t.match(body, /missing-16-/, 'every failing path is named')
  t.match(body, /### Action items/, 'the action items survive')
  t.equal(standIn.requests.filter((r) => r.operationId === 'issues/create').length, 1, 'filed on the first try')
  t.equal(await metricValue(replica, 'channel="github",kind="opened",result="failed"'), 0)

  await replica.cycle([checkResult('production', 'healthy', { at: at(15) })], at(15))
  t.same(summary(standIn).map((i) => [i.state, i.comments]), [['closed', 1]], 'the recovery follows')
  t.same(standIn.violations, [])
})

/** A transport that makes GitHub refuse the first create of an issue with `forbidden` (403, no rate-limit headers). */
function refusingFirstCreate (standIn: GithubStandIn): typeof fetch {
  let armed = true
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (armed && (init?.method ?? 'GET').toUpperCase() === 'POST' && new URL(url).pathname.endsWith('/issues')) {
      armed = false
      standIn.failNext(1, 'forbidden')
    }
    return await fetch(input, init)
  }
}

// Issue 7, failure 6 (second half): a 4xx that a retry cannot change.
t.test('a create GitHub refuses for good is a failed delivery with its reason, never retried, and blocks nothing after it', async (t) => {
  const standIn = await startGithubStandIn()
  const targets = [{ name: 'production', labels: [] }, { name: 'staging', labels: [] }]
  // staging's issue exists first, so the refused create is production's.
  const replica = await startReplica(standInConfig(standIn), targets, { github: { ...GITHUB, fetch: refusingFirstCreate(standIn) } })
  t.teardown(async () => { await replica.close(); await standIn.close() })
  standIn.seedIssue({ title: 'Staging Deployment Health Check Failed', body: '<!-- vigil:environment=staging -->\nstaging failed', labels: ['deployment-alert'] })

  await replica.cycle([checkResult('production', 'unhealthy', { at: at(0) }), checkResult('staging', 'unhealthy', { at: at(0) })], at(0))
  const creates = (): number => standIn.requests.filter((r) => r.operationId === 'issues/create').length
  t.equal(creates(), 1, 'one create was sent')
  t.same(summary(standIn).map((i) => [i.number, i.title, i.state]), [[1, 'Staging Deployment Health Check Failed', 'open']], 'GitHub refused it')

  const github = replica.components.get('github')!
  t.equal(github.status, 'unhealthy', 'the channel shows the failed delivery')
  t.match(github.error, /^delivery failed: opened for production: GitHub refused create_issue: HTTP 403 Resource not accessible by personal access token$/)
  t.match(github.details, { pending: 0, failed_deliveries: [{ environment: 'production', event: 'opened', reason: 'GitHub refused create_issue: HTTP 403 Resource not accessible by personal access token' }] })
  t.equal(await metricValue(replica, 'channel="github",kind="opened",result="failed"'), 1)
  t.ok(replica.log.lines.some((l) => l.startsWith('error github: opened could not be delivered and will not be retried')), 'logged as an error')

  // More cycles and time: the refused payload is never sent again.
  for (const minutes of [15, 30]) await replica.cycle([checkResult('production', 'unhealthy', { at: at(minutes) }), checkResult('staging', 'unhealthy', { at: at(minutes) })], at(minutes))
  await new Promise((resolve) => setTimeout(resolve, 100))
  await replica.settle()
  t.equal(creates(), 1, 'never retried with the same payload')

  // staging's recovery and production's later events go through.
  await replica.cycle([checkResult('production', 'healthy', { at: at(45) }), checkResult('staging', 'healthy', { at: at(45) })], at(45))
  await replica.cycle([checkResult('production', 'unhealthy', { at: at(60) })], at(60))
  t.same(summary(standIn), [
    { number: 1, title: 'Staging Deployment Health Check Failed', state: 'closed', labels: ['deployment-alert'], comments: 1 },
    { number: 2, title: 'Production Deployment Health Check Failed', state: 'open', labels: ['deployment-alert', 'urgent'], comments: 0 }
  ])
  t.match(standIn.issues[0]!.comments[0]!.body, /Recovered/)
  t.equal(creates(), 2, 'the later incident was filed once')
  t.equal(replica.components.get('github')!.status, 'healthy', 'healthy again once later deliveries succeed')
  t.match(replica.components.get('github')!.details, { failed_deliveries: [{ environment: 'production', event: 'opened' }] }, 'the failure stays listed')
  t.equal(await metricValue(replica, 'channel="github",kind="opened",result="failed"'), 1)
  t.same(standIn.violations, [])
})
