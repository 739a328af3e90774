import t from 'tap'
import { createComponentRegistry } from '../../src/health/component-registry.js'
import { createEnvironmentBoard } from '../../src/health/environment-board.js'
import { createMetrics, type Metrics } from '../../src/metrics/create-metrics.js'
import { createMonitor } from '../../src/monitor/create-monitor.js'
import type { CheckResult, EnvironmentTarget } from '../../src/monitor/types.js'
import { createRedactor } from '../../src/redact.js'
import { checkResult } from '../support/check-results.js'
import { promtoolCheckMetrics } from '../support/promtool.js'
import { startTargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

const quiet = { info: () => {}, warn: () => {}, error: () => {} }

/** A monitor over `targets` writing into `metrics`; `check` replaces the real check when given. */
function monitorOf (metrics: Metrics, targets: EnvironmentTarget[], check?: (target: EnvironmentTarget) => CheckResult) {
  return createMonitor({
    targets,
    intervalMs: 60_000,
    metrics,
    environments: createEnvironmentBoard(),
    components: createComponentRegistry(),
    redact: createRedactor([]),
    log: quiet,
    cycle: check === undefined ? {} : { check: async (target) => check(target) }
  })
}

/** The exposition's lines of one metric, labels and value as written. */
async function lines (metrics: Metrics, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics()
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `)).sort()
}

/** A URL on 127.0.0.1 where nothing listens any more. */
async function closedUrl (): Promise<string> {
  const server = await startTargetServer()
  await server.close()
  return server.url
}

t.test('a real cycle shows the status word as a state set, the last status code and each extra path, without the path query', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  const degraded = await startTargetServer()
  t.teardown(() => degraded.close())
  degraded.set('/health', 'degraded')
  server.set('/api/health', 'error')
  const metrics = createMetrics()
  const monitor = monitorOf(metrics, [
    testTarget(degraded.url, { name: 'production', checks: ['/assets/main.js?key=planted-path-key'] }),
    testTarget(await closedUrl(), { name: 'staging', checks: ['/api/health'] }),
    testTarget(server.url, { name: 'testing', checks: ['/api/health', '/assets/main.js'] })
  ])
  t.teardown(() => monitor.close())
  t.equal(await monitor.runOnce(), 'success')

  t.same(await lines(metrics, 'vigil_environment_status'), [
    'vigil_environment_status{environment="production",status="degraded"} 1',
    'vigil_environment_status{environment="production",status="healthy"} 0',
    'vigil_environment_status{environment="production",status="unhealthy"} 0',
    'vigil_environment_status{environment="staging",status="degraded"} 0',
    'vigil_environment_status{environment="staging",status="healthy"} 0',
    'vigil_environment_status{environment="staging",status="unhealthy"} 1',
    'vigil_environment_status{environment="testing",status="degraded"} 0',
    'vigil_environment_status{environment="testing",status="healthy"} 0',
    'vigil_environment_status{environment="testing",status="unhealthy"} 1'
  ])
  t.same(await lines(metrics, 'vigil_environment_up'), [
    'vigil_environment_up{environment="production"} 1',
    'vigil_environment_up{environment="staging"} 0',
    'vigil_environment_up{environment="testing"} 0'
  ], 'degraded still counts as up, as before')
  t.same(await lines(metrics, 'vigil_environment_http_status_code'), [
    'vigil_environment_http_status_code{environment="production"} 200',
    'vigil_environment_http_status_code{environment="testing"} 200'
  ], 'no answer, no status code')
  t.same(await lines(metrics, 'vigil_environment_check_success'), [
    'vigil_environment_check_success{environment="production",path="/assets/main.js"} 1',
    'vigil_environment_check_success{environment="staging",path="/api/health"} 0',
    'vigil_environment_check_success{environment="testing",path="/api/health"} 0',
    'vigil_environment_check_success{environment="testing",path="/assets/main.js"} 1'
  ], 'paths not tried because the host gave no answer count as failing')
  t.same(await lines(metrics, 'vigil_environment_check_http_status_code'), [
    'vigil_environment_check_http_status_code{environment="production",path="/assets/main.js"} 200',
    'vigil_environment_check_http_status_code{environment="testing",path="/api/health"} 500',
    'vigil_environment_check_http_status_code{environment="testing",path="/assets/main.js"} 200'
  ])
  t.notMatch(await metrics.registry.metrics(), 'planted-path-key', 'a key in a path query never reaches a label')
  const { code, output } = await promtoolCheckMetrics(await metrics.registry.metrics())
  t.equal(code, 0, `promtool check metrics accepts the new series: ${output}`)
  t.match((await lines(metrics, 'vigil_monitor_cycle_duration_seconds_count'))[0], / 1$/)
})

t.test('a change of status moves the 1 to the new word, and exactly one word is 1 per environment', async (t) => {
  const metrics = createMetrics()
  let status: CheckResult['status'] = 'healthy'
  const monitor = monitorOf(metrics, [testTarget('https://api.example.com', { name: 'production' })], (target) => checkResult(target.name, status))
  for (const next of ['healthy', 'unhealthy', 'degraded', 'healthy'] as const) {
    status = next
    await monitor.runOnce()
    const ones = (await lines(metrics, 'vigil_environment_status')).filter((line) => line.endsWith(' 1'))
    t.same(ones, [`vigil_environment_status{environment="production",status="${next}"} 1`], next)
  }
  t.same(await lines(metrics, 'vigil_environment_http_status_code'), ['vigil_environment_http_status_code{environment="production"} 200'])
})

t.test('an environment or a path taken out of the configuration leaves no series behind', async (t) => {
  const metrics = createMetrics()
  const check = (target: EnvironmentTarget): CheckResult => ({
    ...checkResult(target.name, 'healthy'),
    paths: target.checks.map((path) => ({ path, httpStatus: 200, responseTimeMs: 5 }))
  })
  const before = monitorOf(metrics, [
    testTarget('https://api.example.com', { name: 'production', checks: ['/a', '/b'] }),
    testTarget('https://legacy.example.com', { name: 'legacy', checks: ['/a'] })
  ], check)
  await before.runOnce()
  await before.close()
  t.match(await metrics.registry.metrics(), /environment="legacy"/)

  // The monitor file (or discovery) now lists production with one path only.
  const after = monitorOf(metrics, [testTarget('https://api.example.com', { name: 'production', checks: ['/a'] })], check)
  await after.runOnce()
  const text = await metrics.registry.metrics()
  t.notMatch(text, /environment="legacy"/, 'no series of any metric names the removed environment')
  t.notMatch(text, /path="\/b"/, 'nor the removed path')
  t.same(await lines(metrics, 'vigil_environment_check_success'), ['vigil_environment_check_success{environment="production",path="/a"} 1'])
  t.same(await lines(metrics, 'vigil_incidents_open'), ['vigil_incidents_open{environment="production"} 0'])
})

t.test('the status code series disappears while the environment gives no answer and returns with it', async (t) => {
  const metrics = createMetrics()
  let httpStatus: number | null = 503
  const monitor = monitorOf(metrics, [testTarget('https://api.example.com', { name: 'production' })], (target) => ({ ...checkResult(target.name, 'unhealthy', { httpStatus }), responseTimeMs: httpStatus === null ? null : 120 }))
  await monitor.runOnce()
  t.same(await lines(metrics, 'vigil_environment_http_status_code'), ['vigil_environment_http_status_code{environment="production"} 503'])
  httpStatus = null
  await monitor.runOnce()
  t.same(await lines(metrics, 'vigil_environment_http_status_code'), [], 'a stale 503 would hide that nothing answers')
  httpStatus = 200
  await monitor.runOnce()
  t.same(await lines(metrics, 'vigil_environment_http_status_code'), ['vigil_environment_http_status_code{environment="production"} 200'])
})

t.test('the staleness limit is exported for the stale-monitor alert: 0 without a monitor, the monitor\'s own limit with one', async (t) => {
  const metrics = createMetrics()
  t.same(await lines(metrics, 'vigil_monitor_stale_after_seconds'), ['vigil_monitor_stale_after_seconds 0'])
  const monitor = createMonitor({
    targets: [testTarget('https://api.example.com', { name: 'production' })],
    intervalMs: 60_000,
    staleAfterMs: 150_000,
    metrics,
    environments: createEnvironmentBoard(),
    components: createComponentRegistry(),
    redact: createRedactor([]),
    log: quiet
  })
  t.teardown(() => monitor.close())
  t.same(await lines(metrics, 'vigil_monitor_stale_after_seconds'), ['vigil_monitor_stale_after_seconds 150'])
})
