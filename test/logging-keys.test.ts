import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { testConfig } from './support/config.js'
import { duplicateKeys } from './support/duplicate-keys.js'
import { startGithubStandIn } from './support/github-stand-in.js'
import { captureLogs } from './support/log-lines.js'
import { startTargetServer } from './support/target-server.js'
import { waitFor } from './support/wait-for.js'

t.test('the duplicate-key scan sees what JSON.parse hides', async (t) => {
  t.same(duplicateKeys('{"environment":"development","a":{"module":"x","module":"y"},"environment":"production"}'), ['.a.module', '.environment'])
  t.same(duplicateKeys('{"a":[{"k":1},{"k":2}],"s":"{\\"a\\":1,\\"a\\":2}"}'), [], 'the same key in sibling objects or inside a string is fine')
})

// Every kind of line at once: the prober (Redis away), the monitor (an unhealthy environment),
// the incident side and its delivery to GitHub, per-request lines and a failed request.
t.test('no log line carries a key twice; the service environment and the monitored one have their own keys', async (t) => {
  const target = await startTargetServer()
  const github = await startGithubStandIn('acme/platform')
  t.teardown(async () => { await target.close(); await github.close() })
  target.set('/staging/health', 'error')
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-log-keys-')), 'monitor.yaml')
  writeFileSync(file, 'interval: 1s\nenvironments:\n  - name: staging\n    url: ${STAGING_URL}\n    attempts: 1\n    timeout: 2s\n')
  const logs = captureLogs()
  const app = await buildApp(testConfig({
    LOG_LEVEL: 'debug',
    PERFORMANCE_LOGGING: 'true',
    ENVIRONMENT: 'production',
    REDIS_URL: 'redis://127.0.0.1:1/0',
    PROBE_INTERVAL: '200ms',
    PROBE_TIMEOUT: '100ms',
    MONITOR_CONFIG: file,
    STAGING_URL: `${target.url}/staging`,
    GITHUB_TOKEN: 'ghp_logKeysPlantedToken000000000000000',
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_API_URL: github.url
  }), { logDestination: logs.destination })
  t.teardown(() => app.close())
  app.get('/fail', async () => { throw new Error('planted failure') })
  await app.ready()
  await waitFor('the issue filed and its delivery logged', () => github.issues.length === 1 && logs.lines.some((line) => line.includes('delivered')))
  await app.inject('/fail')
  await app.inject('/health')

  const lines = logs.lines.flatMap((chunk) => chunk.split('\n')).filter((line) => line !== '')
  const modules = new Set(lines.map((line) => (JSON.parse(line) as { module?: string }).module))
  for (const module of ['prober', 'monitor', 'incidents', 'delivery']) t.ok(modules.has(module), `lines from ${module} were seen`)
  for (const line of lines) {
    const duplicates = duplicateKeys(line)
    if (duplicates.length > 0) t.fail(`duplicate keys ${duplicates.join(', ')} in ${line}`)
  }
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  t.ok(parsed.every((line) => line.service === 'vigil' && line.service_environment === 'production'), 'every line names the service and its own environment')
  const monitorLine = parsed.find((line) => line.module === 'monitor' && line.msg === 'environment staging is unhealthy')
  t.equal(monitorLine?.environment, 'staging', '`environment` names the monitored environment')
  const deliveryLine = parsed.find((line) => line.module === 'delivery' && line.environment !== undefined)
  t.equal(deliveryLine?.environment, 'staging', 'the delivery side uses the same key for it')
  t.notOk(parsed.some((line) => line.environment === 'production'), 'the service environment never sits under `environment`')
})
