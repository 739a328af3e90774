import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { buildApp } from '../../src/app.js'
import type { MonitorPluginOptions } from '../../src/plugins/monitor.js'
import { testConfig } from './config.js'
import { startGithubStandIn, type GithubStandIn } from './github-stand-in.js'
import { startTargetServer, type TargetServer } from './target-server.js'
import { waitFor } from './wait-for.js'

/** The webhook secret planted in deploy-event tests: it must reach no issue, log or metric. */
export const WEBHOOK_SECRET = 'whsec-PlantedDeploySecret-0123456789abcdef'
/** The GitHub token planted in deploy-event tests. */
export const DEPLOY_GITHUB_TOKEN = 'ghp_DeployPlantedTokenThatMustNotLeak00'
/** Path of the `production` environment's health URL on the target server. */
export const HEALTH = '/prod/health'

export interface DeployApp {
  readonly app: Awaited<ReturnType<typeof buildApp>>
  readonly github: GithubStandIn
  readonly target: TargetServer
  /** Posts one delivery to the webhook with the right secret (or `secret`); the status code. */
  deliver: (payload: unknown, secret?: string) => Promise<number>
  /** Waits until the deploy-event side has nothing under way. */
  idle: () => Promise<void>
  /** The value of one series in /metrics (0 when absent). */
  metric: (series: string) => Promise<number>
}

/**
 * The whole app as a user runs it: a monitor file with one `production` environment on a local
 * target (healthy at start), the GitHub stand-in, RAILWAY_WEBHOOK_SECRET set. Returns once the
 * first scheduled cycle has checked the target; the next is an hour away.
 */
export async function startDeployApp (t: Test, entry: string, extra: { monitor?: MonitorPluginOptions, env?: Record<string, string> } = {}): Promise<DeployApp> {
  const target = await startTargetServer()
  const github = await startGithubStandIn('acme/platform')
  target.set(HEALTH, 'healthy')
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-deploy-')), 'monitor.yaml')
  writeFileSync(file, `
interval: 1h
environments:
  - name: production
    url: \${PROD_URL}
    attempts: 1
    timeout: 2s
    success_threshold: 1
${entry.split('\n').map((line) => `    ${line}`).join('\n')}
`)
  const app = await buildApp(testConfig({
    MONITOR_CONFIG: file,
    PROD_URL: `${target.url}/prod`,
    GITHUB_TOKEN: DEPLOY_GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_API_URL: github.url,
    RAILWAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...extra.env
  }), { monitor: extra.monitor ?? {} })
  t.teardown(async () => { await app.close(); await target.close(); await github.close() })
  await app.ready()
  await waitFor('the first scheduled check', () => (target.hits.get(HEALTH) ?? 0) >= 1)
  // The first decision lists open issues (adoption): let it finish so later counts are stable.
  await waitFor('the first listing of open issues', () => github.requests.some((r) => r.operationId === 'issues/list-for-repo'))
  return {
    app,
    github,
    target,
    async deliver (payload, secret = WEBHOOK_SECRET) {
      const res = await app.inject({ method: 'POST', url: `/webhooks/railway/${secret}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
      return res.statusCode
    },
    idle: async () => { await app.deployEvents.idle() },
    async metric (series) {
      const body = (await app.inject('/metrics')).body
      const line = body.split('\n').find((l) => l.startsWith(`${series} `))
      return line === undefined ? 0 : Number(line.slice(series.length + 1))
    }
  }
}
