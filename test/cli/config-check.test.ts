import t from 'tap'
import { runVigilCli, writeMonitorFile } from '../support/run-vigil-cli.js'

const SECRETS = { API_TOKEN: 'planted-config-check-token-5521', DB_PASSWORD: 'planted-db-password-9090' }

t.test('a valid configuration: exit 0 and the resolved environments, every secret hidden', async (t) => {
  const file = writeMonitorFile(`
interval: 5m
github:
  repository: acme/platform
environments:
  - name: production
    url: https://vigil:\${DB_PASSWORD}@api.example.com/base?api_key=\${API_TOKEN}
    timeout: 4s
    attempts: 2
    retry_delay: 500ms
    max_response_time: 3s
    tls_min_days: 21
    checks: [/api/health, "/assets/app.js?sig=\${API_TOKEN}"]
    headers:
      Authorization: Bearer \${API_TOKEN}
  - name: staging
    url: https://staging.example.com
`)
  const run = await runVigilCli(['config', 'check'], { MONITOR_CONFIG: file, ...SECRETS, DATABASE_URL: `postgres://app:${SECRETS.DB_PASSWORD}@db.internal:5432/app` })
  t.equal(run.code, 0, run.stderr)
  t.equal(run.stderr, '')
  t.match(run.stdout, /^configuration is valid: 2 environments, checked every 5m, 100 at a time$/m)
  t.match(run.stdout, /^incidents: acme\/platform \(no GITHUB_TOKEN\), labels deployment-alert$/m)
  t.match(run.stdout, /^production\n {2}url +https:\/\/api\.example\.com\/base\?api_key=\[REDACTED\]$/m)
  t.match(run.stdout, /^ {2}health +GET \/health, expecting 200-299$/m)
  t.match(run.stdout, /^ {2}timeout +4s, 2 attempts 500ms apart$/m)
  t.match(run.stdout, /^ {2}thresholds +response time under 3s, TLS certificate at least 21 days, 1 failed to open, 2 healthy to resolve$/m)
  t.match(run.stdout, /^ {2}checks +\/api\/health, \/assets\/app\.js\?sig=\[REDACTED\]$/m)
  t.match(run.stdout, /^ {2}headers +authorization \(value hidden\)$/m)
  t.match(run.stdout, /^staging\n {2}url +https:\/\/staging\.example\.com$/m)
  for (const secret of Object.values(SECRETS)) t.notOk(run.stdout.includes(secret), 'no secret printed')
})

t.test('problems: one line each on stderr, no secret echoed, exit 1', async (t) => {
  const file = writeMonitorFile(`
environments:
  - name: production
    url: ftp://vigil:\${DB_PASSWORD}@api.example.com
    timeout: soon
  - name: production
    url: https://api.example.com
`)
  const run = await runVigilCli(['config', 'check'], { MONITOR_CONFIG: file, ...SECRETS, PROBE_INTERVAL: 'often' })
  t.equal(run.code, 1)
  t.equal(run.stdout, '')
  const lines = run.stderr.trimEnd().split('\n')
  t.match(lines[0], /^vigil config check: invalid configuration \(\d+ problems\)$/)
  t.ok(lines.some((l) => l.startsWith('PROBE_INTERVAL: ')), 'the variable is named')
  t.ok(lines.some((l) => /environments\[0\]\.timeout/.test(l)), 'the bad duration is named')
  t.ok(lines.some((l) => /environments\[1\]\.name/.test(l)), 'the duplicate name is named')
  t.equal(lines.length - 1, Number(/\((\d+) problems\)/.exec(lines[0]!)?.[1]), 'the heading counts the lines')
  t.notMatch(run.stderr, /\n\s+at /, 'no stack trace')
  for (const secret of Object.values(SECRETS)) t.notOk(run.stderr.includes(secret), 'no secret echoed')
})

t.test('no monitor file: valid, with no environment', async (t) => {
  const run = await runVigilCli(['config', 'check'], {})
  t.equal(run.code, 0)
  t.match(run.stdout, /^configuration is valid: 0 environments/)
})

t.test('Railway settings: the mapping, auto_rollback, the token by name and discovery are shown, no token or secret', async (t) => {
  const RAILWAY = { RAILWAY_API_TOKEN: 'planted-railway-account-token-7781', RAILWAY_WEBHOOK_SECRET: 'planted-webhook-secret-0123456789' }
  const file = writeMonitorFile(`
environments:
  - name: production
    url: https://api.example.com
    railway: { environment: prod, service: api }
    auto_rollback: true
  - name: staging
    url: https://staging.example.com
`)
  const run = await runVigilCli(['config', 'check'], { MONITOR_CONFIG: file, RAILWAY_PROJECT_ID: 'proj-1', ...RAILWAY })
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /^railway: API RAILWAY_API_TOKEN \(an account or team token, value hidden\), project proj-1; deploy webhook on \(RAILWAY_WEBHOOK_SECRET, value hidden\); discovery off$/m)
  t.match(run.stdout, /^production\n(?: {2}.*\n)* {2}railway +environment prod, service api$/m)
  t.match(run.stdout, /^ {2}rollback +automatic, once, when a new deployment never verifies healthy \(auto_rollback\)$/m)
  t.match(run.stdout, /^staging\n(?: {2}.*\n)* {2}railway +environment staging, every service$/m, 'the default mapping: same name, every service')
  t.notMatch(run.stdout, /^staging\n(?: {2}.*\n)* {2}rollback /m, 'no rollback without auto_rollback')
  for (const secret of Object.values(RAILWAY)) t.notOk(run.stdout.includes(secret), 'no Railway secret printed')

  const zeroConfig = await runVigilCli(['config', 'check'], { RAILWAY_TOKEN: 'planted-railway-project-token-3321', RAILWAY_PROJECT_ID: 'proj-1' })
  t.equal(zeroConfig.code, 0, zeroConfig.stderr)
  t.match(zeroConfig.stdout, /^railway: API RAILWAY_TOKEN \(a project token, value hidden\), project proj-1; deploy webhook off; discovery on: the service adds Railway's public services at start-up \(not listed here\)$/m)
  t.notOk(zeroConfig.stdout.includes('planted-railway-project-token-3321'))
})

t.test('`vigil config` without a known subcommand is a usage error, exit 2', async (t) => {
  const none = await runVigilCli(['config'], {})
  t.equal(none.code, 2)
  t.match(none.stderr, /^vigil config: expected a subcommand: check$/m)
  const other = await runVigilCli(['config', 'show'], {})
  t.equal(other.code, 2)
  t.match(other.stderr, /^vigil config: unknown subcommand "show", expected: check$/m)
})
