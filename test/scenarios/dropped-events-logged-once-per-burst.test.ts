import t from 'tap'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig } from '../support/incident-harness.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const NAMES = Array.from({ length: 300 }, (_, i) => `env-${i}`)

// A tryout logged 8,480 dropped events one line each: an outage of many environments that ended
// while GitHub was holding writes. One line per burst, with the count; the metric counts each.
t.test('an outage of 300 environments over before GitHub took a write drops their openings in one log line with the count, and the metric counts each', async (t) => {
  const standIn = await startGithubStandIn()
  const replica = await startReplica(standInConfig(standIn), NAMES.map((name) => ({ name, labels: [] })))
  t.teardown(async () => { await replica.close(); await standIn.close() })

  // The first opening meets the rate limit: the whole channel holds, so the others are never tried.
  standIn.failAll('secondary-rate-limit', { retryAfterSeconds: 600 })
  await replica.cycle(NAMES.map((name) => checkResult(name, 'unhealthy', { at: T0 })), T0)
  await replica.cycle(NAMES.map((name) => checkResult(name, 'healthy', { at: minutesAfter(T0, 15) })), minutesAfter(T0, 15))

  const lines = replica.log.lines.filter((l) => l.includes('dropped before delivery'))
  t.equal(lines.length, 1, 'one line for the burst')
  const fields = JSON.parse(lines[0]!.slice(lines[0]!.indexOf('{'))) as Record<string, unknown>
  t.match(lines[0], /^info 299 incident events dropped before delivery /)
  t.same(fields.reasons, { 'the incident resolved before it was sent': 299 })
  t.same(fields.channels, { github: 299 })
  t.equal((fields.environments as string[]).length, 10, 'the first ten environments are named')
  t.equal(fields.more_environments, 289)
  t.notOk((fields.environments as string[]).includes('env-0'), 'the one opening that was tried is not dropped')
  const metrics = await replica.metrics.registry.metrics()
  t.match(metrics, /vigil_incident_deliveries_total\{channel="github",kind="opened",result="dropped"\} 299/, 'each dropped event is still counted')
})
