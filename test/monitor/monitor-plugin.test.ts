import { once } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

let server: TargetServer
t.before(async () => { server = await startTargetServer() })
t.teardown(async () => { await server.close() })

function monitorFile (body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-monitor-')), 'monitor.yaml')
  writeFileSync(path, body)
  return path
}

function config () {
  server.set('/broken/health', 'error')
  const path = monitorFile(`
interval: 1s
environments:
  - name: production
    url: \${PROD_URL}
    timeout: 2s
    attempts: 1
  - name: staging
    url: ${server.url}/broken
    attempts: 1
`)
  return testConfig({ MONITOR_CONFIG: path, PROD_URL: server.url.replace('http://', 'http://ops:hunter2pw@') })
}

t.test('no environments configured: no monitor component, no environments', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  const report = (await app.inject('/health/detailed')).json()
  t.same(report.environments, {})
  t.equal(report.components.monitor, undefined)
})

t.test('scheduled cycles fill /health/detailed and /metrics, without credentials', async (t) => {
  const app = await buildApp(config())
  t.teardown(() => app.close())
  await app.ready()
  // The first cycle also starts the check thread, which under tap compiles its TypeScript (seconds,
  // past the 1 s interval: an overrun); the next one finds it started.
  const report = await waitFor('both environments in the report, and a cycle within its interval', async () => {
    const body = (await app.inject('/health/detailed')).json()
    return body.environments.production !== undefined && body.environments.staging !== undefined && body.components.monitor?.status === 'healthy' && body
  })
  t.match(report.environments.production, { status: 'healthy', url: server.url, http_status: 200, incident: null })
  t.match(report.environments.staging, { status: 'unhealthy', http_status: 500, error: '/health: HTTP 500' })
  t.match(report.components.monitor, { status: 'healthy', required: false, details: { environments: 2, interval_seconds: 1 } })
  t.notMatch(JSON.stringify(report), /hunter2pw|ops:/)
  t.equal(server.authorizations.at(-1), `Basic ${Buffer.from('ops:hunter2pw').toString('base64')}`)

  const metrics = (await app.inject('/metrics')).body
  t.match(metrics, /vigil_environment_up\{environment="production"\} 1/)
  t.match(metrics, /vigil_environment_up\{environment="staging"\} 0/)
  t.match(metrics, /vigil_environment_response_time_seconds\{environment="production"\} \d/)
  t.match(metrics, /vigil_monitor_runs_total\{result="success"\} \d/)
  t.match(metrics, /vigil_monitor_last_run_timestamp_seconds \d/)
  t.match(metrics, /vigil_incidents_open\{environment="staging"\} 0/)

  const before = server.hits.get('/health') ?? 0
  await waitFor('a second, scheduled cycle', () => (server.hits.get('/health') ?? 0) > before)
})

t.test('without GitHub or a state database, incidents are decided in memory and nothing is filed', async (t) => {
  const lines: string[] = []
  const app = await buildApp(testConfig({ MONITOR_CONFIG: config().monitor.configPath!, PROD_URL: server.url, LOG_LEVEL: 'warn' }), { logDestination: { write: (line) => lines.push(line) } })
  await app.ready()
  await waitFor('a cycle', async () => (await app.inject('/health/detailed')).json().environments.staging !== undefined)
  const report = (await app.inject('/health/detailed')).json()
  t.equal(report.components.github, undefined, 'no delivery component without a channel')
  t.equal(report.components.state, undefined, 'no state component without a state database')
  t.equal(report.environments.staging.incident, null)
  t.ok(lines.some((l) => /GitHub is not configured/.test(l)), 'the log says why nothing is filed')
  await app.close()
})

t.test('closing the app during a hanging check does not wait for its timeout', async (t) => {
  server.set('/hang/health', 'hang')
  const path = monitorFile(`
environments:
  - name: testing
    url: ${server.url}/hang
    timeout: 1h
`)
  // The service's arrangement: the check hangs in the check thread, which closing ends.
  const workers: Worker[] = []
  const app = await buildApp(testConfig({ MONITOR_CONFIG: path }), { monitor: { checkThread: { onStart: (worker) => { workers.push(worker) } } } })
  await app.ready()
  await waitFor('the check to start', () => server.hits.get('/hang/health') === 1)
  t.equal(workers.length, 1, 'the check runs in the check thread')
  const exited = once(workers[0]!, 'exit')
  await app.close()
  await exited
  t.pass('closed, and the check thread ended')
})
