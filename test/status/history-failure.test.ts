import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { createComponentRegistry } from '../../src/health/component-registry.js'
import { createMetrics } from '../../src/metrics/create-metrics.js'
import { createRedactor } from '../../src/redact.js'
import { createResultHistory } from '../../src/state/create-history.js'
import { testConfig } from '../support/config.js'
import { startFaultProxy, type FaultMode } from '../support/fault-proxy.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

for (const mode of ['refuse', 'hang'] as FaultMode[]) {
  t.test(`a history database that ${mode === 'hang' ? 'hangs' : 'refuses connections'} stops no check; the page shows the latest checks and says why`, async (t) => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: 5432 })
    const target = await startTargetServer()
    t.teardown(async () => { await proxy.close(); await target.close() })
    await proxy.setMode(mode)
    target.set('/staging/health', 'error')
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-history-down-')), 'monitor.yaml')
    writeFileSync(file, `interval: 1s\nenvironments:\n  - name: staging\n    url: ${target.url}/staging\n    attempts: 1\n`)
    const config = testConfig({ MONITOR_CONFIG: file, LOG_LEVEL: 'warn' })

    // The history alone on the broken database: this replica leads alone, so it writes every cycle.
    const components = createComponentRegistry()
    const metrics = createMetrics()
    const lines: string[] = []
    const history = await createResultHistory({
      stateDatabaseUrl: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
      retentionMs: 86_400_000,
      intervalMs: 1000,
      components,
      metrics,
      redact: createRedactor([]),
      log: { warn: (_obj, msg) => { lines.push(msg) }, info: () => {} }
    })
    const app = await buildApp(config, { components, metrics, history })
    t.teardown(() => app.close())
    await app.ready()

    const checks = (): number => target.hits.get('/staging/health') ?? 0
    await waitFor('three checks while the history database is down', () => checks() >= 3)
    const component = await waitFor('the history component to turn unhealthy', async () => {
      const found = (await app.inject('/health/detailed')).json().components.history
      return found?.status === 'unhealthy' && found
    })
    t.match(component, { required: false, error: /^history (open|write|read) failed: / })
    t.match((await app.inject('/metrics')).body, /vigil_component_up\{component="history"\} 0/)
    t.ok(lines.some((line) => /the history store failed; checks go on/.test(line)), 'a warning in the log')

    const before = checks()
    await waitFor('more checks', () => checks() > before)
    const report = (await app.inject('/health/detailed')).json()
    t.match(report.environments.staging, { status: 'unhealthy', http_status: 500 }, 'detection goes on')
    t.match(report.components.monitor, { status: 'healthy' }, 'the monitor is not held')

    const status = (await app.inject('/status.json')).json()
    t.match(status.history, { store: 'postgres', available: false, error: /./ })
    t.match(status.environments[0], { name: 'staging', status: 'down', http_status: 500 }, 'the latest check is on show')
    t.match((await app.inject('/status')).body, /History unavailable/)
  })
}
