import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { captureLogs } from '../support/log-lines.js'

const TOKEN = 'planted-detailed-token-for-warning'

async function startupWarnings (env: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const logs = captureLogs()
  const app = await buildApp(testConfig({ LOG_LEVEL: 'info', ...env }), { logDestination: logs.destination })
  await app.ready()
  await app.close()
  return logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => typeof line.msg === 'string' && line.msg.includes('/health/detailed is open to anyone'))
}

t.test('production without HEALTH_DETAILED_TOKEN warns once at start-up that /health/detailed is open', async (t) => {
  const warnings = await startupWarnings({ ENVIRONMENT: 'production' })
  t.equal(warnings.length, 1, 'one line')
  t.match(warnings[0], { level: 40, module: 'health', msg: /HEALTH_DETAILED_TOKEN/ })
  t.equal((await startupWarnings({ RAILWAY_ENVIRONMENT_NAME: 'production' })).length, 1, "Railway's environment name counts too")
})

t.test('no warning with a token, outside production, or without the route', async (t) => {
  const quiet = await Promise.all([
    startupWarnings({ ENVIRONMENT: 'production', HEALTH_DETAILED_TOKEN: TOKEN }),
    startupWarnings({ ENVIRONMENT: 'staging' }),
    startupWarnings({ ENVIRONMENT: 'production', HEALTH_CHECK_DETAILED: 'false' })
  ])
  t.same(quiet.map((w) => w.length), [0, 0, 0])
})
