import t from 'tap'
import { buildApp } from '../../src/app.js'
import { SUMMARY_ABOVE } from '../../src/health/detailed-report.js'
import { createEnvironmentBoard, type EnvironmentSummary } from '../../src/health/environment-board.js'
import type { Status } from '../../src/health/status.js'
import { createRedactor } from '../../src/redact.js'
import { testConfig } from '../support/config.js'

const SECRET = 'planted-board-secret-4711'

function summary (status: Status, url = 'https://example.test/health'): EnvironmentSummary {
  return { status, url, last_checked_at: '2026-11-30T10:00:00.000Z', http_status: status === 'unhealthy' ? 502 : 200, response_time_ms: 12, tls_days_left: null, incident: null }
}

/** An app whose board holds `count` environments env-0…; every tenth degraded and every 25th unhealthy. */
async function appWith (t: { teardown: (fn: () => unknown) => void }, count: number) {
  const environments = createEnvironmentBoard()
  for (let i = 0; i < count; i++) environments.set(`env-${i}`, summary(i % 25 === 0 ? 'unhealthy' : i % 10 === 0 ? 'degraded' : 'healthy'))
  const app = await buildApp(testConfig(), { environments, redact: createRedactor([SECRET]) })
  t.teardown(() => app.close())
  return { app, environments }
}

interface Report { status: string, environments: Record<string, EnvironmentSummary>, environments_summary?: Record<string, unknown> }

t.test(`up to ${SUMMARY_ABOVE} environments the report lists every one, in product.md's shape`, async (t) => {
  const { app } = await appWith(t, SUMMARY_ABOVE)
  const res = await app.inject('/health/detailed')
  t.equal(res.statusCode, 200)
  const body = res.json<Report>()
  t.equal(Object.keys(body.environments).length, SUMMARY_ABOVE)
  t.same(body.environments['env-1'], summary('healthy'))
  t.notOk('environments_summary' in body)
  t.same(Object.keys(body), ['status', 'version', 'environment', 'timestamp', 'uptime_seconds', 'metrics', 'components', 'environments', 'alerts'])
})

t.test(`above ${SUMMARY_ABOVE} environments the default is a summary: counts and the ones not healthy`, async (t) => {
  const { app } = await appWith(t, 1000)
  const body = (await app.inject('/health/detailed')).json<Report>()
  // 0, 25, 50, …: 40 unhealthy; multiples of 10 that are not of 25: 80 degraded.
  t.match(body.environments_summary, { total: 1000, healthy: 880, degraded: 80, unhealthy: 40, omitted: 20 })
  t.match(body.environments_summary?.note, /\?status=/)
  t.equal(Object.keys(body.environments).length, SUMMARY_ABOVE, 'at most SUMMARY_ABOVE listed')
  t.ok(Object.values(body.environments).every((e) => e.status !== 'healthy'), 'only environments not healthy')
  t.equal(body.status, 'healthy', 'the overall status does not come from environments')
})

t.test('?status= selects by status word, repeated or comma-separated, and lists every match', async (t) => {
  const { app } = await appWith(t, 1000)
  const healthy = (await app.inject('/health/detailed?status=healthy')).json<Report>()
  t.equal(Object.keys(healthy.environments).length, 880)
  t.notOk('environments_summary' in healthy)
  const names = (url: string): string[] => Object.keys((JSON.parse(url) as Report).environments).sort()
  const repeated = (await app.inject('/health/detailed?status=degraded&status=unhealthy')).body
  const comma = (await app.inject('/health/detailed?status=degraded,unhealthy')).body
  t.equal(names(repeated).length, 120)
  t.same(names(repeated), names(comma))
})

t.test('?environment= selects by name, repeated or comma-separated, and combines with ?status=', async (t) => {
  const { app } = await appWith(t, 1000)
  const keys = async (url: string): Promise<string[]> => Object.keys((await app.inject(url)).json<Report>().environments)
  t.same(await keys('/health/detailed?environment=env-3'), ['env-3'])
  t.same(await keys('/health/detailed?environment=env-3&environment=env-25'), ['env-3', 'env-25'])
  t.same(await keys('/health/detailed?environment=env-3,env-25'), ['env-3', 'env-25'])
  t.same(await keys('/health/detailed?environment=env-3,env-25&status=unhealthy'), ['env-25'])
})

t.test('?environment= and ?status= match regardless of case, and answer with the monitored spelling', async (t) => {
  const { app, environments } = await appWith(t, 30)
  environments.set('Staging-EU', summary('degraded'))
  const keys = async (url: string): Promise<string[]> => Object.keys((await app.inject(url)).json<Report>().environments)
  t.same(await keys('/health/detailed?environment=ENV-3'), ['env-3'])
  t.same(await keys('/health/detailed?environment=staging-eu,Env-25'), ['env-25', 'Staging-EU'])
  t.same(await keys('/health/detailed?environment=env-3,ENV-3'), ['env-3'], 'one name given twice is one environment')
  t.same(await keys('/health/detailed?status=UNHEALTHY'), ['env-0', 'env-25'])
  t.same(await keys('/health/detailed?status=Degraded&environment=STAGING-eu'), ['Staging-EU'])
})

t.test('unknown or empty filter values answer 400 with a message naming the problem', async (t) => {
  const { app } = await appWith(t, 10)
  const unknownStatus = await app.inject('/health/detailed?status=down')
  t.equal(unknownStatus.statusCode, 400)
  t.equal(unknownStatus.headers['cache-control'], 'no-store')
  t.match(unknownStatus.json().message, 'status: expected healthy, degraded, unhealthy, got "down"')
  const unknownName = await app.inject('/health/detailed?environment=env-3,nowhere')
  t.equal(unknownName.statusCode, 400)
  t.match(unknownName.json().message, '"nowhere" is not a monitored environment')
  t.equal((await app.inject('/health/detailed?environment=')).statusCode, 400)
  t.equal((await app.inject('/health/detailed?status=healthy,')).statusCode, 400)
})

t.test('an environment changed on the board shows its new state; one deleted is gone', async (t) => {
  const { app, environments } = await appWith(t, 3)
  t.equal((await app.inject('/health/detailed')).json<Report>().environments['env-1']?.status, 'healthy')
  environments.set('env-1', summary('unhealthy'))
  environments.delete('env-2')
  const body = (await app.inject('/health/detailed')).json<Report>()
  t.equal(body.environments['env-1']?.status, 'unhealthy')
  t.same(Object.keys(body.environments), ['env-0', 'env-1'])
})

t.test('environment entries pass through the redactor, names and values alike', async (t) => {
  const { app, environments } = await appWith(t, 1)
  environments.set(`leak-${SECRET}`, summary('unhealthy', `https://example.test/health?token=abc&x=${SECRET}`))
  const res = await app.inject(`/health/detailed?status=unhealthy`)
  t.notMatch(res.body, SECRET)
  t.notMatch(res.body, 'token=abc')
  t.match(res.body, '[REDACTED]')
})
