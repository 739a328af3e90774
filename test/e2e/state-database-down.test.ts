import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { startFaultProxy, type FaultMode } from '../support/fault-proxy.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

for (const mode of ['hang', 'refuse'] as FaultMode[]) {
  t.test(`a state database that ${mode === 'hang' ? 'hangs' : 'refuses connections'} stops no check: the report and metrics stay current, \`state\` shows it`, async (t) => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: 5432 })
    const target = await startTargetServer()
    t.teardown(async () => { await proxy.close(); await target.close() })
    await proxy.setMode(mode)
    target.set('/staging/health', 'error')
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-state-down-')), 'monitor.yaml')
    writeFileSync(file, `interval: 1s\nenvironments:\n  - name: staging\n    url: ${target.url}/staging\n    attempts: 1\n`)

    const app = await buildApp(testConfig({ MONITOR_CONFIG: file, STATE_DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/test` }))
    t.teardown(() => app.close())
    await app.ready()
    t.equal((await app.inject('/health')).statusCode, 200)
    t.equal((await app.inject('/health/readiness')).statusCode, 200, 'the state database does not gate readiness')

    const checks = (): number => target.hits.get('/staging/health') ?? 0
    await waitFor('three checks while the state database is down', () => checks() >= 3)
    const report = (await app.inject('/health/detailed')).json()
    t.match(report.environments.staging, { status: 'unhealthy', http_status: 500 }, 'the environment is in the report')
    t.ok(Date.now() - Date.parse(report.environments.staging.last_checked_at) < 3_000, 'and current')
    t.match((await app.inject('/metrics')).body, /vigil_environment_up\{environment="staging"\} 0/)
    const state = await waitFor('the state component to turn unhealthy', async () => {
      const component = (await app.inject('/health/detailed')).json().components.state
      return component?.status === 'unhealthy' && component
    })
    t.match(state.error, /state database/)
    const monitor = (await app.inject('/health/detailed')).json().components.monitor
    t.match(monitor, { status: 'degraded', details: { role: 'unknown' } }, 'the monitor says decisions wait')
    t.equal((await app.inject('/health')).statusCode, 200, 'still serving')
  })
}
