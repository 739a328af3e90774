import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { PLANTED_TOKEN, QUICK_DELIVERY, standInConfig } from '../support/incident-harness.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

const VERDICT = 'GitHub refused the token (HTTP 401): check GITHUB_TOKEN'

// Issue 7, failure 11: a 401 on every request used to leave everything looking healthy.
t.test('GitHub refusing the token shows in the report, the metrics and one start-up log line, and the token appears nowhere', async (t) => {
  const target = await startTargetServer()
  const standIn = await startGithubStandIn()
  t.teardown(async () => { await target.close(); await standIn.close() })
  target.set('/production/health', 'error')
  standIn.failAll('unauthorized')
  let logs = ''
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-gh-401-')), 'monitor.yaml')
  writeFileSync(file, `interval: 1s\nenvironments:\n  - name: production\n    url: ${target.url}/production\n    attempts: 1\n`)
  const app = await buildApp(standInConfig(standIn, { MONITOR_CONFIG: file, LOG_LEVEL: 'debug' }), {
    logDestination: { write: (line: string) => { logs += line } },
    monitor: { incidents: { github: { requestTimeoutMs: 500, retries: 0, writeSpacingMs: 0, retryDelayUnitMs: 1 }, delivery: QUICK_DELIVERY } }
  })
  t.teardown(() => app.close())
  await app.ready()

  const metrics = async (): Promise<string> => (await app.inject('/metrics')).body
  await waitFor('the refused open to be counted', async () => /vigil_incident_deliveries_total\{channel="github",kind="opened",result="failed"\} 1/.test(await metrics()))
  await waitFor('two more cycles', async () => Number(/vigil_monitor_runs_total\{result="success"\} (\d+)/.exec(await metrics())?.[1] ?? 0) >= 3)
  const response = await app.inject('/health/detailed')
  const report = response.json()
  t.match(report.components.github, { status: 'unhealthy', error: VERDICT, details: { access: VERDICT, pending: 0, failed_deliveries: [{ environment: 'production', event: 'opened', reason: 'GitHub refused get_user: HTTP 401 Bad credentials' }] } })
  t.match(report.environments.production, { status: 'unhealthy', incident: null })
  const exposition = await metrics()
  t.match(exposition, /vigil_incident_deliveries_total\{channel="github",kind="opened",result="failed"\} 1\n/, 'one failed delivery, never retried')
  t.match(exposition, /vigil_incident_actions_pending\{channel="github"\} 0/)
  t.match(exposition, /vigil_monitor_runs_total\{result="success"\} [3-9]/, 'the checks go on')

  const lines = logs.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { msg: string, level: number })
  const verdicts = lines.filter((l) => l.msg.includes('refused the token'))
  t.same(verdicts.map((l) => [l.level, l.msg]), [[50, `github: ${VERDICT}`]], 'the start-up verdict is logged once, as an error')
  t.ok(lines.some((l) => l.level === 50 && l.msg === 'github: opened could not be delivered and will not be retried'), 'the failed delivery is logged')
  t.notMatch(exposition, /result="(retry|delivered)"/, 'the refused open was tried once, not retried')
  t.same(standIn.requests.filter((r) => r.method !== 'GET'), [], 'nothing was ever written')

  for (const [where, text] of [['report', response.body], ['metrics', exposition], ['logs', logs]] as const) {
    t.notOk(text.includes(PLANTED_TOKEN), `no token in the ${where}`)
  }
  t.ok(standIn.requests.every((r) => r.authorization === `token ${PLANTED_TOKEN}`), 'the token was sent to GitHub, and only there')
  t.same(standIn.issues, [])
  t.same(standIn.violations, [])
})
