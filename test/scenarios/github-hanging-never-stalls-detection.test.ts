import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { PLANTED_TOKEN, QUICK_DELIVERY, standInConfig, summary } from '../support/incident-harness.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

const ENVIRONMENTS = ['alpha', 'beta', 'gamma']
const INTERVAL_MS = 1_000

const successfulRuns = (metrics: string): number => Number(/vigil_monitor_runs_total\{result="success"\} (\d+)/.exec(metrics)?.[1] ?? 0)

// Issue 7, failure 4: GitHub accepts TCP and never answers while three environments fail.
t.test('GitHub hanging never stalls detection: cycles keep their interval, the report stays current, and once GitHub answers there are exactly three issues', async (t) => {
  const target = await startTargetServer()
  const standIn = await startGithubStandIn()
  t.teardown(async () => { await target.close(); await standIn.close() })
  for (const name of ENVIRONMENTS) target.set(`/${name}/health`, 'error')
  standIn.failAll('hang')

  const file = join(mkdtempSync(join(tmpdir(), 'vigil-gh-hang-')), 'monitor.yaml')
  writeFileSync(file, `interval: 1s\nenvironments:\n${ENVIRONMENTS.map((n) => `  - name: ${n}\n    url: ${target.url}/${n}\n    attempts: 1\n    timeout: 2s\n`).join('')}`)
  const app = await buildApp(standInConfig(standIn, { MONITOR_CONFIG: file }), {
    monitor: { incidents: { github: { requestTimeoutMs: 300, retries: 0, writeSpacingMs: 0, retryDelayUnitMs: 1 }, delivery: QUICK_DELIVERY } }
  })
  t.teardown(() => app.close())
  await app.ready()

  const detailed = async () => (await app.inject('/health/detailed')).json()
  const metrics = async (): Promise<string> => (await app.inject('/metrics')).body

  await waitFor('a first cycle', async () => successfulRuns(await metrics()) >= 1)
  const runsBefore = successfulRuns(await metrics())
  // Sampled while GitHub hangs: the report is never older than about one interval.
  let oldestSeenMs = 0
  await waitFor('four more successful cycles while GitHub hangs', async () => {
    const report = await detailed()
    for (const name of ENVIRONMENTS) {
      const at = report.environments[name]?.last_checked_at
      if (at !== undefined) oldestSeenMs = Math.max(oldestSeenMs, Date.now() - Date.parse(at))
    }
    return successfulRuns(await metrics()) >= runsBefore + 4
  })
  t.ok(oldestSeenMs < 1.6 * INTERVAL_MS, `the report stayed about one interval old at most (oldest seen ${oldestSeenMs} ms)`)
  const report = await detailed()
  for (const name of ENVIRONMENTS) t.match(report.environments[name], { status: 'unhealthy', incident: null }, `${name} is checked and shown`)
  t.equal(report.components.monitor.status, 'healthy', 'the monitor itself is fine')
  t.match(report.components.monitor.details, { last_result: 'success' })
  const github = await waitFor('the github component to show the waiting deliveries', async () => {
    const component = (await detailed()).components.github
    return component?.status === 'degraded' && component.details.pending > 0 && component
  })
  t.equal(github.details.pending, 3, 'one opened event per environment waits')
  t.match(github.error, /^retrying opened for (alpha|beta|gamma): get_user: no answer \(.*timeout\)$/, 'the reason in words')
  t.same(standIn.issues, [], 'nothing filed while GitHub hangs')

  standIn.failAll(null)
  await waitFor('three issues once GitHub answers', async () => (await detailed()).components.github?.details.pending === 0 && standIn.issues.length === 3)
  await waitFor('another cycle', async () => successfulRuns(await metrics()) >= runsBefore + 6)
  t.same(summary(standIn).map(({ title, state, labels, comments }) => ({ title, state, labels, comments })).sort((a, b) => a.title.localeCompare(b.title)), [
    { title: 'Alpha Deployment Health Check Failed', state: 'open', labels: ['deployment-alert'], comments: 0 },
    { title: 'Beta Deployment Health Check Failed', state: 'open', labels: ['deployment-alert'], comments: 0 },
    { title: 'Gamma Deployment Health Check Failed', state: 'open', labels: ['deployment-alert'], comments: 0 }
  ], 'exactly one issue per failing environment')
  t.equal((await detailed()).components.github.status, 'healthy')
  t.same(standIn.violations, [])
  t.notOk(JSON.stringify(standIn.issues).includes(PLANTED_TOKEN))
})
