import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { startFaultProxy } from '../support/fault-proxy.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

t.test('a hanging state database fails monitor cycles, not start-up or the health routes', async (t) => {
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: 5432 })
  const target = await startTargetServer()
  t.teardown(async () => { await proxy.close(); await target.close() })
  await proxy.setMode('hang')
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-state-down-')), 'monitor.yaml')
  writeFileSync(file, `interval: 1s\nenvironments:\n  - name: staging\n    url: ${target.url}\n    attempts: 1\n`)

  const app = await buildApp(testConfig({ MONITOR_CONFIG: file, STATE_DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/test` }))
  t.teardown(() => app.close())
  await app.ready()
  t.equal((await app.inject('/health')).statusCode, 200)
  t.equal((await app.inject('/health/readiness')).statusCode, 200, 'the state database does not gate readiness')

  await waitFor('a cycle to fail on the state database', async () =>
    /vigil_monitor_runs_total\{result="failure"\} [1-9]/.test((await app.inject('/metrics')).body))
  t.equal((await app.inject('/health')).statusCode, 200, 'still serving')
  const monitor = (await app.inject('/health/detailed')).json().components.monitor
  t.equal(monitor.status, 'degraded', 'the monitor reports its failing cycles')
})
