import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { STARTUP_DISCOVERY_WAIT_MS } from '../../src/plugins/railway-discovery.js'
import type { EnvironmentTarget } from '../../src/monitor/types.js'
import { checkResult } from '../support/check-results.js'
import { testConfig } from '../support/config.js'
import { startRailwayStandIn, type RailwayStandIn } from '../support/railway-stand-in.js'
import { waitFor } from '../support/wait-for.js'

const TOKEN = 'rw-account-PlantedDiscoveryToken-0123456789'

interface Checked { name: string, url: string, healthPath: string, labels: readonly string[] }

// The real app and monitor, with only the HTTP check replaced by one that records what it was asked to check.
async function startVigil (t: Test, railway: RailwayStandIn, env: Record<string, string> = {}) {
  const checked = new Map<string, Checked>()
  const check = async (target: EnvironmentTarget) => {
    checked.set(target.name, { name: target.name, url: target.url, healthPath: target.healthPath, labels: target.labels })
    return checkResult(target.name, 'healthy')
  }
  const app = await buildApp(testConfig({ RAILWAY_API_TOKEN: TOKEN, RAILWAY_PROJECT_ID: 'proj-1', RAILWAY_API_URL: railway.url, ...env }), { monitor: { cycle: { check } } })
  t.teardown(async () => { await app.close() })
  await app.ready()
  return { app, checked }
}

async function standIn (t: Test): Promise<RailwayStandIn> {
  const railway = await startRailwayStandIn({ token: TOKEN })
  t.teardown(railway.close)
  return railway
}

t.test('a project of two environments × two services is monitored as four environments', async (t) => {
  const railway = await standIn(t)
  const { app, checked } = await startVigil(t, railway)
  await waitFor('four environments checked', () => checked.size === 4)
  t.same([...checked.values()].sort((a, b) => a.name.localeCompare(b.name)), [
    { name: 'production-api', url: 'https://api-production.up.railway.app', healthPath: '/health', labels: ['urgent'] },
    { name: 'production-web', url: 'https://web-production.up.railway.app', healthPath: '/', labels: ['urgent'] },
    { name: 'staging-api', url: 'https://api-staging.up.railway.app', healthPath: '/health', labels: [] },
    { name: 'staging-web', url: 'https://web-staging.up.railway.app', healthPath: '/', labels: [] }
  ])
  const report = (await app.inject('/health/detailed')).json()
  t.equal(report.components.railway_discovery.status, 'healthy')
  t.same(Object.keys(report.environments).sort(), ['production-api', 'production-web', 'staging-api', 'staging-web'])
  t.equal(railway.requests[0]?.operationName, 'VigilProjectServices')
  t.same(railway.violations, [])
  t.notOk(JSON.stringify(report).includes(TOKEN))
  t.notOk((await app.inject('/metrics')).body.includes(TOKEN))
})

t.test('one public service: environments keep their Railway names; services without a domain are left out; a custom domain wins', async (t) => {
  const railway = await standIn(t)
  for (const i of railway.fixtures.instances) if (i.serviceId === 'svc-web') i.serviceDomains = []
  railway.fixtures.instances.find((i) => i.environmentId === 'env-prod' && i.serviceId === 'svc-api')!.customDomains = ['api.acme.dev']
  const { checked } = await startVigil(t, railway)
  await waitFor('two environments checked', () => checked.size === 2)
  t.same(checked.get('production'), { name: 'production', url: 'https://api.acme.dev', healthPath: '/health', labels: ['urgent'] })
  t.equal(checked.get('staging')?.url, 'https://api-staging.up.railway.app')
})

t.test('with RAILWAY_DISCOVERY=true a monitor file environment overrides the discovered one of the same name', async (t) => {
  const railway = await standIn(t)
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-discovery-')), 'monitor.yaml')
  writeFileSync(file, 'environments:\n  - name: production-api\n    url: https://api.acme.dev\n    health_path: /ready\n')
  const { checked } = await startVigil(t, railway, { MONITOR_CONFIG: file, RAILWAY_DISCOVERY: 'true' })
  await waitFor('four environments checked', () => checked.size === 4)
  t.same(checked.get('production-api'), { name: 'production-api', url: 'https://api.acme.dev', healthPath: '/ready', labels: [] })
})

t.test('with a monitor file and RAILWAY_DISCOVERY left at auto, nothing is discovered', async (t) => {
  const railway = await standIn(t)
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-discovery-')), 'monitor.yaml')
  writeFileSync(file, 'environments:\n  - name: production\n    url: https://api.acme.dev\n')
  const { checked } = await startVigil(t, railway, { MONITOR_CONFIG: file })
  await waitFor('one environment checked', () => checked.size === 1)
  t.same([...checked.keys()], ['production'])
  t.equal(railway.requests.length, 0)
})

t.test('a failed discovery at start-up is shown, and Vigil still starts', async (t) => {
  const railway = await standIn(t)
  railway.failAll('graphql-error', { message: `Not Authorized for ${TOKEN}` })
  const { app, checked } = await startVigil(t, railway)
  const report = (await app.inject('/health/detailed')).json()
  t.equal(report.components.railway_discovery.status, 'unhealthy')
  t.match(report.components.railway_discovery.error, 'discovery at start-up failed: Railway project_services: GraphQL error: Not Authorized for [REDACTED]')
  t.equal(checked.size, 0)
  t.equal((await app.inject('/health')).statusCode, 200)
})

t.test('a slow Railway does not hold start-up: Vigil starts with the configured environments and adds the discovered ones when Railway answers', async (t) => {
  const railway = await standIn(t)
  // Answers as usual, but only after the start-up wait has passed.
  railway.failNext(1, 'slow', { delayMs: STARTUP_DISCOVERY_WAIT_MS + 1500 })
  const { app, checked } = await startVigil(t, railway, { MONITOR_INTERVAL: '100ms', RAILWAY_DISCOVERY_INTERVAL: '300ms' })
  // Ready while Railway's first answer is still on its way.
  t.equal(railway.requests.length, 1)
  const starting = (await app.inject('/health/detailed')).json().components.railway_discovery
  t.equal(starting.status, 'degraded')
  t.match(starting.error, 'has not answered the start-up discovery')
  t.equal((await app.inject('/health')).statusCode, 200)
  t.equal(checked.size, 0)
  await waitFor('the discovered services are checked', () => checked.size === 4)
  t.equal((await app.inject('/health/detailed')).json().components.railway_discovery.status, 'healthy')
  // The late answer counted as the refresh under way: no other request was made while it ran.
  await waitFor('a refresh after the late answer', () => railway.requests.length >= 2)
  t.ok(railway.requests.slice(1).every((r) => r.at >= railway.requests[0]!.at + STARTUP_DISCOVERY_WAIT_MS + 1500))
})

// Refreshes (services added, removed, failing) are in discovery-refresh.test.ts.
