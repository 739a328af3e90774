import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config/load-config.js'
import { ConfigError } from '../../src/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'vigil-monitor-file-'))
let count = 0
function file (body: string, ext = 'yaml'): string {
  const path = join(dir, `monitor-${count++}.${ext}`)
  writeFileSync(path, body)
  return path
}

function problems (env: Record<string, string>): string[] {
  try {
    loadConfig({ LOG_LEVEL: 'silent', ...env })
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
  throw new Error('expected a ConfigError')
}

t.test('a YAML file with defaults applied', async (t) => {
  const config = loadConfig({
    MONITOR_CONFIG: file(`
interval: 5m
github:
  repository: acme/platform
  labels: [deployment-alert, platform]
environments:
  - name: production
    url: https://api.example.com
    checks: [/api/health, /_next/static/chunks/main.js]
  - name: staging
    url: https://staging.example.com/base/
    health_path: /status
    labels: [staging-alert]
    timeout: 3s
    attempts: 2
    retry_delay: 500ms
    max_response_time: 2s
    tls_min_days: 7
`),
    GITHUB_REPOSITORY: 'someone/else',
    MONITOR_INTERVAL: '15m'
  })
  t.equal(config.monitor.intervalMs, 300_000, 'the file interval overrides MONITOR_INTERVAL')
  t.equal(config.github.repository, 'acme/platform', 'github.repository overrides GITHUB_REPOSITORY')
  t.same(config.monitor.githubLabels, ['deployment-alert', 'platform'])
  t.same(config.monitor.environments[0], {
    name: 'production',
    url: 'https://api.example.com',
    displayUrl: 'https://api.example.com',
    healthPath: '/health',
    labels: ['urgent'],
    timeoutMs: 10_000,
    attempts: 3,
    retryDelayMs: 10_000,
    maxResponseTimeMs: 5000,
    tlsMinDays: 14,
    checks: ['/api/health', '/_next/static/chunks/main.js'],
    failureThreshold: 1,
    successThreshold: 2,
    method: 'GET',
    headers: {},
    maxRedirects: 0,
    conditions: [],
    ignoreBody: false,
    maxBodyBytes: 1_048_576,
    proxy: { httpProxy: '', httpsProxy: '', noProxy: '' },
    tlsSkipVerify: false,
    railway: { environment: 'production' },
    verifyAttempts: 12,
    verifyDelayMs: 10_000,
    autoRollback: false
  })
  t.match(config.monitor.environments[1], {
    name: 'staging', healthPath: '/status', labels: ['staging-alert'], timeoutMs: 3000, attempts: 2, retryDelayMs: 500, maxResponseTimeMs: 2000, tlsMinDays: 7, checks: []
  })
})

t.test('JSON works too, and ${VAR} is expanded from the environment', async (t) => {
  const config = loadConfig({
    MONITOR_CONFIG: file(JSON.stringify({ environments: [{ name: 'production', url: '${PROD_URL}', labels: ['${TEAM}-oncall'], attempts: '${ATTEMPTS}' }] }), 'json'),
    PROD_URL: 'https://bot:s3cret-pass@api.example.com',
    TEAM: 'core',
    ATTEMPTS: '5'
  })
  const [production] = config.monitor.environments
  t.equal(production?.url, 'https://bot:s3cret-pass@api.example.com')
  t.equal(production?.displayUrl, 'https://api.example.com')
  t.same(production?.labels, ['core-oncall'], 'own labels: no automatic urgent')
  t.equal(production?.attempts, 5)
  t.ok(config.secrets.includes('s3cret-pass'), 'the URL password is redacted everywhere')
  t.same(config.monitor.githubLabels, ['deployment-alert'])
})

t.test('RAILWAY_DOMAIN and STAGING_RAILWAY_DOMAIN are shorthands', async (t) => {
  const config = loadConfig({ RAILWAY_DOMAIN: 'app.up.railway.app', STAGING_RAILWAY_DOMAIN: 'app-staging.up.railway.app' })
  t.same(config.monitor.environments.map((e) => [e.name, e.url, e.healthPath, e.labels]), [
    ['production', 'https://app.up.railway.app', '/health', ['urgent']],
    ['staging', 'https://app-staging.up.railway.app', '/health', []]
  ])
})

t.test('nothing configured: nothing monitored', async (t) => {
  t.same(loadConfig({}).monitor.environments, [])
})

t.test('every bad value is reported at once, one line each, without secrets', async (t) => {
  const lines = problems({
    MONITOR_CONFIG: file(`
interval: soon
github:
  repository: not-a-repo
environments:
  - name: production
    url: ftp://admin:hunter2pw@files.example.com
    attempts: 0
    timeout: 0s
  - name: bad name!
    url: https://ops:topsecret9@ok.example.com
    color: blue
  - url: https://x.example.com
  - name: Production
    url: \${NOT_SET}
    checks: [api/health]
`),
    RAILWAY_DOMAIN: 'https://app.up.railway.app',
    PORT: 'eighty'
  })
  t.same(lines, [
    'PORT: expected an integer port from 0 to 65535, got "eighty"',
    'MONITOR_CONFIG environments[0].attempts: expected an integer from 1 to 10, got 0',
    'MONITOR_CONFIG environments[0].timeout: expected a duration above 0, got "0s"',
    'MONITOR_CONFIG environments[0].url: expected an http or https URL, got "ftp://files.example.com"',
    'MONITOR_CONFIG environments[1].color: unknown key, expected one of name, url, health_path, labels, timeout, attempts, retry_delay, max_response_time, tls_min_days, checks, failure_threshold, success_threshold, method, headers, body, expected_status, follow_redirects, conditions, ignore_body, max_body_size, proxy, ca, tls_skip_verify, notify, railway, verify_attempts, verify_delay, auto_rollback',
    'MONITOR_CONFIG environments[1].name: expected a name of letters, digits, ".", "_" or "-" (at most 63), got "bad name!"',
    'MONITOR_CONFIG environments[2].name: missing, expected a name of letters, digits, ".", "_" or "-" (at most 63)',
    'MONITOR_CONFIG environments[3].checks[0]: expected a path starting with / and without spaces, got "api/health"',
    'MONITOR_CONFIG environments[3].name: "Production" is already used by MONITOR_CONFIG environments[0]',
    'MONITOR_CONFIG environments[3].url: unknown variable ${NOT_SET}',
    'MONITOR_CONFIG github.repository: expected owner/name, got "not-a-repo"',
    'MONITOR_CONFIG interval: expected a duration such as 500ms, 10s, 15m or 1h, got "soon"',
    'RAILWAY_DOMAIN: expected a domain name such as app.up.railway.app (no scheme, no path), got "https://app.up.railway.app"'
  ])
  t.notMatch(lines.join('\n'), /hunter2pw|topsecret9/)
})

t.test('a URL that is not a URL is shown redacted', async (t) => {
  const lines = problems({ MONITOR_CONFIG: file('environments:\n  - name: a\n    url: "https://u:pw-secret-1@"\n') })
  t.equal(lines.length, 1)
  t.notMatch(lines[0], /pw-secret-1/)
})

t.test('a duplicate shorthand is reported against the variable', async (t) => {
  const lines = problems({ MONITOR_CONFIG: file('environments:\n  - name: production\n    url: https://a.example.com\n'), RAILWAY_DOMAIN: 'b.example.com' })
  t.same(lines, ['RAILWAY_DOMAIN: environment "production" is already defined by MONITOR_CONFIG environments[0]'])
})

t.test('an unreadable or unparsable file stops start-up with one line', async (t) => {
  t.same(problems({ MONITOR_CONFIG: join(dir, 'missing.yaml') }), [`MONITOR_CONFIG: cannot read ${JSON.stringify(join(dir, 'missing.yaml'))} (ENOENT)`])
  const broken = problems({ MONITOR_CONFIG: file('environments:\n  - name: a\n   url: [https://u:leaky-pass@x\n') })
  t.equal(broken.length >= 1, true)
  t.match(broken[0], /^MONITOR_CONFIG: not valid YAML or JSON at line \d+, column \d+: /)
  t.notMatch(broken.join('\n'), /leaky-pass/)
})

t.test('a monitor interval under one second is refused', async (t) => {
  t.same(problems({ RAILWAY_DOMAIN: 'a.example.com', MONITOR_INTERVAL: '500ms' }), ['MONITOR_INTERVAL: expected at least 1s, got 500 ms'])
})

t.test('every value from ${VAR} is a secret: redacted everywhere, query values hidden in the shown URL', async (t) => {
  const config = loadConfig({
    MONITOR_CONFIG: file('environments:\n  - name: production\n    url: "http://host.example.com/?access_key=${ACCESS_KEY}&client_secret=${CLIENT_SECRET}&token=${TOK}&page=2"\n'),
    ACCESS_KEY: 'AK-planted-1', CLIENT_SECRET: 'CS-planted-2', TOK: 'TK-planted-3'
  })
  for (const secret of ['AK-planted-1', 'CS-planted-2', 'TK-planted-3']) t.ok(config.secrets.includes(secret), secret)
  t.equal(config.monitor.environments[0]?.displayUrl, 'http://host.example.com?access_key=[REDACTED]&client_secret=[REDACTED]&token=[REDACTED]&page=[REDACTED]')
})

t.test('names, labels and numbers from ${VAR} stay readable', async (t) => {
  const config = loadConfig({
    MONITOR_CONFIG: file('environments:\n  - name: ${ENV_NAME}\n    url: https://a.example.com\n    attempts: ${ATTEMPTS}\n    labels: ["${TEAM}"]\n'),
    ENV_NAME: 'production', ATTEMPTS: '4', TEAM: 'team-payments'
  })
  t.same(config.secrets, [])
  t.equal(config.monitor.environments[0]?.attempts, 4)
})

t.test('a problem line never echoes a value holding an expansion', async (t) => {
  const lines = problems({
    MONITOR_CONFIG: file('environments:\n  - name: staging\n    url: "${BASIC}@staging.example.com"\n    timeout: "${T}"\n'),
    BASIC: 'alice:planted-pw', T: 'planted-timeout'
  })
  t.same(lines, [
    'MONITOR_CONFIG environments[0].timeout: expected a duration such as 500ms, 10s, 15m or 1h, got "${T}" (expanded value hidden)',
    'MONITOR_CONFIG environments[0].url: expected an http or https URL, got "${BASIC}@staging.example.com" (expanded value hidden)'
  ])
})

t.test('YAML merge keys work, with anchors kept under x- keys', async (t) => {
  const config = loadConfig({
    MONITOR_CONFIG: file('x-defaults: &defaults\n  timeout: 3s\n  attempts: 2\nenvironments:\n  - <<: *defaults\n    name: a\n    url: https://a.example.com\n    attempts: 5\n')
  })
  t.match(config.monitor.environments[0], { timeoutMs: 3000, attempts: 5 })
})

t.test('an environment without url is one problem line, not a TypeError', async (t) => {
  t.same(problems({ MONITOR_CONFIG: file('environments: [{name: a}]\n') }), ['MONITOR_CONFIG environments[0].url: missing, expected an http or https URL'])
})

t.test('YAML syntax errors give line and column', async (t) => {
  t.same(problems({ MONITOR_CONFIG: file('environments:\n  - name: a\n    url: https://a.example.com\n    name: b\n') }).map((l) => /at line \d+, column \d+/.exec(l)?.[0]), ['at line 4, column 5'])
})

t.test('a monitor file past 1 MiB is refused unread', async (t) => {
  const path = file(`# ${'x'.repeat(1024 * 1024)}\n`)
  t.same(problems({ MONITOR_CONFIG: path }), [`MONITOR_CONFIG: ${JSON.stringify(path)} is 1048579 bytes, expected at most 1048576 (1 MiB)`])
})

t.test('durations past the timer limit and a .git repository are refused', async (t) => {
  t.same(problems({ MONITOR_CONFIG: file('interval: 600h\ngithub:\n  repository: acme/platform.git\nenvironments:\n  - name: a\n    url: https://a.example.com\n    retry_delay: 1000h\n') }), [
    'MONITOR_CONFIG environments[0].retry_delay: expected a duration of at most 596h (2147483647 ms, the longest timer Node.js keeps), got "1000h"',
    'MONITOR_CONFIG github.repository: expected owner/name without ".git", got "acme/platform.git" (did you mean "acme/platform"?)',
    'MONITOR_CONFIG interval: expected a duration of at most 596h (2147483647 ms, the longest timer Node.js keeps), got "600h"'
  ])
})

t.test('MONITOR_CONFIG_YAML holds the monitor file itself and gives the same configuration as the file', async (t) => {
  const yaml = `
interval: 5m
environments:
  - name: production
    url: \${PROD_URL}
    checks: [/api/health]
    headers:
      x-api-key: \${PROD_KEY}
`
  const env = { PROD_URL: 'https://api.example.com', PROD_KEY: 'planted-yaml-variable-key' }
  const fromVariable = loadConfig({ LOG_LEVEL: 'silent', MONITOR_CONFIG_YAML: yaml, ...env })
  const fromFile = loadConfig({ LOG_LEVEL: 'silent', MONITOR_CONFIG: file(yaml), ...env })
  t.same(fromVariable.monitor.environments, fromFile.monitor.environments)
  t.equal(fromVariable.monitor.intervalMs, 300_000)
  t.ok(fromVariable.secrets.includes('planted-yaml-variable-key'), 'values from ${VAR} are secrets as with the file')
})

t.test('MONITOR_CONFIG and MONITOR_CONFIG_YAML together stop start-up with one line', async (t) => {
  const yaml = 'environments:\n  - name: production\n    url: https://api.example.com\n'
  t.same(problems({ MONITOR_CONFIG: file(yaml), MONITOR_CONFIG_YAML: yaml }), [
    'MONITOR_CONFIG_YAML: set either MONITOR_CONFIG (a path to the monitor file) or MONITOR_CONFIG_YAML (its content), not both'
  ])
})

t.test('problems in MONITOR_CONFIG_YAML name that variable, and never echo an expanded value', async (t) => {
  t.same(problems({ MONITOR_CONFIG_YAML: 'environments:\n  - name: production\n    url: ${PROD_URL}\n    attempts: 0\n', PROD_URL: 'ftp://u:planted-pass@files.example.com' }), [
    'MONITOR_CONFIG_YAML environments[0].attempts: expected an integer from 1 to 10, got 0',
    'MONITOR_CONFIG_YAML environments[0].url: expected an http or https URL, got "${PROD_URL}" (expanded value hidden)'
  ])
  t.match(problems({ MONITOR_CONFIG_YAML: 'environments: [\n' })[0], /^MONITOR_CONFIG_YAML: not valid YAML or JSON at line \d+, column \d+/)
})

t.test('a path with a space says that spaces are the problem, not the leading /', async (t) => {
  const lines = problems({ MONITOR_CONFIG: file('environments:\n  - name: a\n    url: https://a.example.com\n    checks: ["/api/v1 status"]\n') })
  t.same(lines, ['MONITOR_CONFIG environments[0].checks[0]: expected a path starting with / and without spaces, got "/api/v1 status"'])
})

t.test('an empty monitor file (no bytes, only comments, null, a bare ---) stops start-up with one line naming it', async (t) => {
  for (const body of ['', '# environments to come\n# (none yet)\n', 'null\n', '~\n', '---\n']) {
    const path = file(body)
    t.same(problems({ MONITOR_CONFIG: path }), [
      `MONITOR_CONFIG: ${JSON.stringify(path)} is empty (nothing but comments or null), expected a mapping with environments; write the environments to check, or leave the variable unset`
    ], JSON.stringify(body))
    // A shorthand beside it does not make the empty file a choice.
    t.equal(problems({ MONITOR_CONFIG: path, RAILWAY_DOMAIN: 'app.up.railway.app' }).length, 1)
  }
  t.same(problems({ MONITOR_CONFIG_YAML: '# nothing here\n' }), [
    'MONITOR_CONFIG_YAML: the content is empty (nothing but comments or null), expected a mapping with environments; write the environments to check, or leave the variable unset'
  ])
})

t.test('a monitor file listing no environment (environments: [], or none) stops start-up unless a shorthand or discovery brings some', async (t) => {
  const line = 'MONITOR_CONFIG environments: none listed, so nothing would be monitored; expected at least one environment (or RAILWAY_DOMAIN, or RAILWAY_DISCOVERY=true to take them from Railway)'
  for (const body of ['environments: []\n', '{}\n', 'interval: 1m\ngithub:\n  repository: acme/platform\n']) {
    t.same(problems({ MONITOR_CONFIG: file(body) }), [line], JSON.stringify(body))
  }
  t.same(problems({ MONITOR_CONFIG_YAML: 'environments: []\n' }), [line.replace('MONITOR_CONFIG', 'MONITOR_CONFIG_YAML')])
  const empty = file('environments: []\n')
  t.same(loadConfig({ MONITOR_CONFIG: empty, RAILWAY_DOMAIN: 'app.up.railway.app' }).monitor.environments.map((e) => e.name), ['production'])
  const discovering = loadConfig({ MONITOR_CONFIG: empty, RAILWAY_DISCOVERY: 'true', RAILWAY_TOKEN: 'project-token-1234', RAILWAY_PROJECT_ID: 'proj' })
  t.equal(discovering.railway.discovery, true)
  t.same(discovering.monitor.environments, [])
})
