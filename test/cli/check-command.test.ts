import t from 'tap'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { runVigilCli, startMonitoredTargets } from '../support/run-vigil-cli.js'
import type { TargetServer } from '../support/target-server.js'

let server: TargetServer
let file: string
t.before(async () => { ({ server, file } = await startMonitoredTargets(['production', 'staging'])) })
t.teardown(async () => { await server.close() })
t.beforeEach(() => { server.hits.clear(); server.set('/production/health', 'healthy'); server.set('/staging/health', 'healthy') })


t.test('every environment healthy: a table of both, exit 0', async (t) => {
  const run = await runVigilCli(['check'], { MONITOR_CONFIG: file })
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /^ENVIRONMENT\s+STATUS\s+HTTP\s+TIME\s+TLS\s+URL$/m)
  t.match(run.stdout, new RegExp(`^production\\s+healthy\\s+200\\s+\\d+ ms\\s+-\\s+${server.url}/production$`, 'm'))
  t.match(run.stdout, /^staging\s+healthy\s+200/m)
  t.match(run.stdout, /all 2 environments are healthy/)
  t.equal(run.stderr, '')
  t.equal(server.hits.get('/production/health'), 1)
  t.equal(server.hits.get('/staging/health'), 1)
})

t.test('one environment unhealthy: its failure under it, exit 1, and no issue filed anywhere', async (t) => {
  const github = await startGithubStandIn('acme/platform')
  t.teardown(() => github.close())
  server.set('/staging/health', 'error')
  const run = await runVigilCli(['check'], {
    MONITOR_CONFIG: file,
    GITHUB_TOKEN: 'ghp_cliCheckToken000000',
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_API_URL: github.url
  })
  t.equal(run.code, 1, run.stderr)
  t.match(run.stdout, /^staging\s+unhealthy\s+500.*\n {4}- \/health: HTTP 500$/m)
  t.match(run.stdout, /^production\s+healthy/m)
  t.match(run.stdout, /1 of 2 environments are not healthy/)
  t.same(github.requests, [], 'the CLI never talks to GitHub')
})

t.test('--json: overall status and, per environment, the report entry with every failure and try', async (t) => {
  server.set('/staging/health', 'error')
  const run = await runVigilCli(['check', '--json'], { MONITOR_CONFIG: file })
  t.equal(run.code, 1, run.stderr)
  const report = JSON.parse(run.stdout)
  t.equal(report.status, 'unhealthy')
  t.ok(!Number.isNaN(Date.parse(report.checked_at)))
  t.same(Object.keys(report.environments), ['production', 'staging'])
  t.match(report.environments.production, { status: 'healthy', url: `${server.url}/production`, http_status: 200, tls_days_left: null, failures: [], paths: [] })
  t.type(report.environments.production.response_time_ms, 'number')
  t.match(report.environments.staging, {
    status: 'unhealthy',
    http_status: 500,
    failures: ['/health: HTTP 500'],
    attempts: [{ attempt: 1, http_status: 500, error: 'HTTP 500' }]
  })
  t.notOk('incident' in report.environments.staging, 'the CLI knows no incidents')
})

t.test('--env checks only the named environment', async (t) => {
  server.set('/production/health', 'error')
  const run = await runVigilCli(['check', '--env', 'staging'], { MONITOR_CONFIG: file })
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /^staging\s+healthy/m)
  t.notMatch(run.stdout, /production/)
  t.equal(server.hits.get('/production/health'), undefined)
})

t.test('--env naming no environment: a clear error listing the configured ones, exit 2, nothing checked', async (t) => {
  const run = await runVigilCli(['check', '--env', 'prod'], { MONITOR_CONFIG: file })
  t.equal(run.code, 2)
  t.equal(run.stdout, '')
  t.match(run.stderr, /^vigil check: no environment named "prod" \(configured: production, staging\)$/m)
  t.equal(server.hits.size, 0)
})
