import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import type { EnvironmentTarget } from '../../src/monitor/types.js'
import { checkResult } from '../support/check-results.js'
import { testConfig } from '../support/config.js'
import { startGithubStandIn, type GithubStandIn } from '../support/github-stand-in.js'
import { startRailwayStandIn, type RailwayStandIn } from '../support/railway-stand-in.js'
import { waitFor } from '../support/wait-for.js'

const TOKEN = 'rw-account-PlantedRefreshToken-0123456789'
const GITHUB_TOKEN = 'ghp_RefreshPlantedTokenThatMustNotLeak0'
const DISCOVER = 'VigilProjectServices'

interface Vigil {
  app: Awaited<ReturnType<typeof buildApp>>
  railway: RailwayStandIn
  github: GithubStandIn
  /** How many times each environment was checked. */
  checks: Map<string, number>
  /** Environments the replaced check answers unhealthy. */
  failing: Set<string>
  discovery: () => Promise<{ status: string, error?: string, details?: Record<string, unknown> }>
  /** Waits until `name` is checked `more` more times than now. */
  checkedAgain: (name: string, more?: number) => Promise<void>
  statusNames: () => Promise<string[]>
  metrics: () => Promise<string>
}

// The real app (discovery, monitor, incident side, status page) on the Railway and GitHub
// stand-ins; only the HTTP check is replaced, by one that counts and answers as told.
async function startVigil (t: Test, env: Record<string, string> = {}): Promise<Vigil> {
  const railway = await startRailwayStandIn({ token: TOKEN })
  const github = await startGithubStandIn('acme/platform')
  t.teardown(async () => { await railway.close(); await github.close() })
  const checks = new Map<string, number>()
  const failing = new Set<string>()
  const check = async (target: EnvironmentTarget) => {
    checks.set(target.name, (checks.get(target.name) ?? 0) + 1)
    return checkResult(target.name, failing.has(target.name) ? 'unhealthy' : 'healthy')
  }
  const app = await buildApp(testConfig({
    RAILWAY_API_TOKEN: TOKEN,
    RAILWAY_PROJECT_ID: 'proj-1',
    RAILWAY_API_URL: railway.url,
    RAILWAY_DISCOVERY_INTERVAL: '300ms',
    MONITOR_INTERVAL: '100ms',
    GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_API_URL: github.url,
    ...env
  }), { monitor: { cycle: { check } } })
  t.teardown(async () => { await app.close() })
  await app.ready()
  return {
    app,
    railway,
    github,
    checks,
    failing,
    discovery: async () => (await app.inject('/health/detailed')).json().components.railway_discovery,
    async checkedAgain (name, more = 1) {
      const from = checks.get(name) ?? 0
      await waitFor(`${name} checked ${more} more time(s)`, () => (checks.get(name) ?? 0) >= from + more)
    },
    statusNames: async () => (await app.inject('/status.json')).json().environments.map((e: { name: string }) => e.name).sort(),
    metrics: async () => (await app.inject('/metrics')).body
  }
}

const removeService = (railway: RailwayStandIn, environmentId: string, serviceId: string): void => {
  const instances = railway.fixtures.instances
  instances.splice(instances.findIndex((i) => i.environmentId === environmentId && i.serviceId === serviceId), 1)
}
const issueOf = (github: GithubStandIn, environment: string) => github.issues.find((i) => i.body.startsWith(`<!-- vigil:environment=${environment} -->`))

t.test('a service added to Railway is checked from the next cycle, and shows on the status page and in the metrics', async (t) => {
  const v = await startVigil(t)
  await waitFor('four environments checked', () => v.checks.size === 4)
  t.notOk(v.checks.has('production-docs'))
  v.railway.fixtures.services.push({ id: 'svc-docs', name: 'docs' })
  v.railway.fixtures.instances.push({ environmentId: 'env-prod', serviceId: 'svc-docs', healthcheckPath: '/ready', serviceDomains: ['docs-production.up.railway.app'] })
  await v.checkedAgain('production-docs')
  const discovery = await v.discovery()
  t.equal(discovery.status, 'healthy')
  t.same((discovery.details?.environments as string[]).sort(), ['production-api', 'production-docs', 'production-web', 'staging-api', 'staging-web'])
  t.same(await v.statusNames(), ['production-api', 'production-docs', 'production-web', 'staging-api', 'staging-web'])
  t.match(await v.metrics(), 'vigil_environment_up{environment="production-docs"} 1')
  t.same(v.railway.violations, [])
})

t.test('a service gone from Railway is still checked after one refresh and through a failed one, and retired after two successful ones', async (t) => {
  const v = await startVigil(t)
  v.failing.add('production-web')
  const issue = await waitFor('the production-web incident', () => issueOf(v.github, 'production-web'))
  t.equal(issue.state, 'open')

  // The next discovery answers without production-web; every one after it fails until told otherwise.
  v.railway.script(DISCOVER, [null], 'graphql-error')
  removeService(v.railway, 'env-prod', 'svc-web')
  const failed = await waitFor('a failed refresh after the one that missed production-web', async () => {
    const c = await v.discovery()
    return c.status === 'degraded' && c
  })
  t.match(failed.error, 'discovery refresh failed')
  t.notMatch(failed.error, TOKEN)
  // One successful refresh without it, then a failed one: still monitored, incident still open.
  await v.checkedAgain('production-web', 2)
  t.equal(issueOf(v.github, 'production-web')?.state, 'open')
  t.match(await v.statusNames(), ['production-api', 'production-web', 'staging-api', 'staging-web'])
  t.match(await v.metrics(), 'vigil_environment_up{environment="production-web"} 0')

  // The next successful refresh is the second in a row without it: removed, its incident retired.
  v.railway.script(DISCOVER, [])
  const retired = await waitFor('the incident closed as retired', () => {
    const i = issueOf(v.github, 'production-web')
    return i?.state === 'closed' && i
  })
  t.match(retired.comments.at(-1)?.body, /Monitoring stopped/)
  t.equal((await v.discovery()).status, 'healthy')
  const webChecks = v.checks.get('production-web')
  await v.checkedAgain('production-api', 2)
  t.equal(v.checks.get('production-web'), webChecks, 'no longer checked')
  t.same(await v.statusNames(), ['production-api', 'staging-api', 'staging-web'])
  const report = (await v.app.inject('/health/detailed')).json()
  t.notOk('production-web' in report.environments, 'gone from /health/detailed')
  t.notMatch(await v.metrics(), 'environment="production-web"', 'its series pruned')
  t.equal(v.github.issues.length, 1, 'nothing else filed')
  t.notMatch(JSON.stringify(v.github.requests.map((r) => r.body)), TOKEN)
  t.same(v.railway.violations, [])
})

t.test('while every refresh fails nothing is removed, and the component says so', async (t) => {
  const v = await startVigil(t)
  await waitFor('four environments checked', () => v.checks.size === 4)
  v.railway.script(DISCOVER, [], 'rate-limited')
  v.railway.fixtures.instances.length = 0
  const failed = await waitFor('a failed refresh', async () => {
    const c = await v.discovery()
    return c.status === 'degraded' && c
  })
  t.match(failed.error, 'still monitoring the last list (4 environment(s))')
  // Several more refreshes (each failing) and cycles: all four are still checked.
  const refreshes = v.railway.requests.filter((r) => r.operationName === DISCOVER).length
  await waitFor('two more refreshes', () => v.railway.requests.filter((r) => r.operationName === DISCOVER).length >= refreshes + 2)
  for (const name of ['production-api', 'production-web', 'staging-api', 'staging-web']) await v.checkedAgain(name)
  t.same(await v.statusNames(), ['production-api', 'production-web', 'staging-api', 'staging-web'])
})

t.test('monitor-file environments stay when Railway no longer lists anything', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-refresh-')), 'monitor.yaml')
  writeFileSync(file, 'environments:\n  - name: legacy\n    url: https://legacy.acme.dev\n  - name: production-api\n    url: https://api.acme.dev\n')
  // A monitor file's interval is at least 1 s.
  const v = await startVigil(t, { MONITOR_CONFIG: file, RAILWAY_DISCOVERY: 'true', MONITOR_INTERVAL: '1s' })
  await waitFor('five environments checked', () => v.checks.size === 5)
  v.failing.add('legacy')
  await waitFor('the legacy incident', () => issueOf(v.github, 'legacy'))
  v.railway.fixtures.instances.length = 0
  // Two successful refreshes without any service: the discovered ones go.
  await waitFor('the discovered environments removed', async () => (await v.statusNames()).join() === 'legacy,production-api')
  const gone = ['production-web', 'staging-api', 'staging-web'].map((name) => v.checks.get(name))
  await v.checkedAgain('legacy', 2)
  await v.checkedAgain('production-api')
  t.same(['production-web', 'staging-api', 'staging-web'].map((name) => v.checks.get(name)), gone)
  t.equal(issueOf(v.github, 'legacy')?.state, 'open', 'the monitor-file environment\'s incident stays open')
})
