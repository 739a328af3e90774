import { readFileSync } from 'node:fs'
import t from 'tap'
import { loadConfig } from '../../src/config/load-config.js'
import { ConfigError } from '../../src/errors.js'
import { spawnVigil } from '../support/spawn-vigil.js'

const SECRET = 's3cr3t-planted-value'

function problemsOf (env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

t.test('defaults apply when nothing is set', async (t) => {
  const config = loadConfig({})
  t.equal(config.port, 3000)
  t.equal(config.host, '0.0.0.0')
  t.equal(config.environment, 'development')
  t.equal(config.probeIntervalMs, 10_000)
  t.equal(config.monitor.intervalMs, 15 * 60_000)
  t.equal(config.enableMetrics, true)
  t.equal(config.sentry, undefined)
  t.same([...config.requiredComponents], [])
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.alertThresholds), 'configuration is frozen')
})

t.test('durations, numbers and booleans are coerced', async (t) => {
  const config = loadConfig({ PROBE_INTERVAL: '500ms', PROBE_TIMEOUT: '0.25s', MONITOR_INTERVAL: '1h', SHUTDOWN_DELAY: '15m', PORT: '8080', ENABLE_METRICS: 'false', ERROR_RATE_THRESHOLD: '2.5' })
  t.equal(config.probeIntervalMs, 500)
  t.equal(config.probeTimeoutMs, 250)
  t.equal(config.monitor.intervalMs, 3_600_000)
  t.equal(config.shutdownDelayMs, 900_000)
  t.equal(config.port, 8080)
  t.equal(config.enableMetrics, false)
  t.equal(config.alertThresholds.errorRatePercent, 2.5)
})

t.test('ENVIRONMENT falls back to RAILWAY_ENVIRONMENT_NAME; version to the deployed commit', async (t) => {
  const config = loadConfig({ RAILWAY_ENVIRONMENT_NAME: 'staging', RAILWAY_GIT_COMMIT_SHA: 'abc1234' })
  t.equal(config.environment, 'staging')
  t.equal(config.version, 'abc1234')
  t.equal(loadConfig({ ENVIRONMENT: 'production', RAILWAY_ENVIRONMENT_NAME: 'staging' }).environment, 'production')
})

t.test('the build shows the package version and the commit from RAILWAY_GIT_COMMIT_SHA, else GIT_COMMIT, else unknown', async (t) => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  t.same(loadConfig({ RAILWAY_GIT_COMMIT_SHA: 'abc1234', GIT_COMMIT: 'def5678' }).build, { version, commit: 'abc1234' })
  t.same(loadConfig({ GIT_COMMIT: 'def5678' }).build, { version, commit: 'def5678' })
  t.same(loadConfig({}).build, { version, commit: 'unknown' })
})

t.test('required components default to the configured database and redis', async (t) => {
  const config = loadConfig({ DATABASE_URL: 'postgres://localhost/test', OPENAI_API_KEY: 'sk-test-1234' })
  t.same([...config.requiredComponents], ['database'])
  t.same(config.aiProviders.map((p) => p.name), ['openai'])
  t.same([...loadConfig({ DATABASE_URL: 'postgres://localhost/test', OPENAI_API_KEY: 'sk-test-1234', REQUIRED_COMPONENTS: 'openai' }).requiredComponents], ['openai'])
})

const badValues: Array<[string, Record<string, string>, RegExp]> = [
  ['a port that is not a number', { PORT: 'eighty' }, /^PORT: expected an integer port/],
  ['a port out of range', { PORT: '70000' }, /^PORT: expected an integer port/],
  ['a malformed duration', { PROBE_INTERVAL: '10 minutes' }, /^PROBE_INTERVAL: expected a duration/],
  ['a boolean that is not one', { ENABLE_METRICS: 'yes please' }, /^ENABLE_METRICS: expected true or false/],
  ['a percentage above 100', { MEMORY_ALERT_THRESHOLD: '150' }, /^MEMORY_ALERT_THRESHOLD: expected a number from 0 to 100/],
  ['an unknown log level', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL: expected one of/],
  ['a database URL of another scheme', { DATABASE_URL: 'mysql://root@db/app' }, /^DATABASE_URL: expected a postgres or postgresql URL/],
  ['a repository not in owner/name form', { GITHUB_REPOSITORY: 'just-a-name' }, /^GITHUB_REPOSITORY: expected owner\/name/],
  ['an unknown required component', { REQUIRED_COMPONENTS: 'databse' }, /^REQUIRED_COMPONENTS: unknown component "databse"/],
  ['a required component that is not configured', { REQUIRED_COMPONENTS: 'redis' }, /^REQUIRED_COMPONENTS: redis is required but not configured \(REDIS_URL/],
  ['a probe timeout longer than the interval', { PROBE_INTERVAL: '1s', PROBE_TIMEOUT: '5s' }, /^PROBE_TIMEOUT: expected at most PROBE_INTERVAL/],
  ['a sample rate above 1', { SENTRY_TRACES_SAMPLE_RATE: '2' }, /^SENTRY_TRACES_SAMPLE_RATE: expected a number from 0 to 1/]
]
for (const [kind, env, expected] of badValues) {
  t.test(`${kind} is reported naming the variable`, async (t) => {
    const problems = problemsOf(env)
    t.equal(problems.length, 1)
    t.match(problems[0], expected)
  })
}

t.test('a number variable written other than in plain decimal is a problem, never read as some other number', async (t) => {
  // Conversion alone read 2.5 as 2, 1e3 as 1 and 0x10 as 16 (integers), 0x10 as 0 (numbers).
  const written: Array<[string, string]> = [
    ['MONITOR_CONCURRENCY', '2.5'], ['MONITOR_CONCURRENCY', '1e3'], ['MONITOR_CONCURRENCY', '0x10'], ['MONITOR_CONCURRENCY', '+5'],
    ['PORT', '0x10'], ['PORT', '80.0'], ['PORT', '8e1'], ['PORT', '-0'],
    ['MEMORY_ALERT_THRESHOLD', '0x10'], ['MEMORY_ALERT_THRESHOLD', '1e1'], ['CPU_ALERT_THRESHOLD', '.5'],
    ['RESPONSE_TIME_THRESHOLD', '5e3'], ['RESPONSE_TIME_THRESHOLD', 'Infinity'], ['ERROR_RATE_THRESHOLD', '0b1'],
    ['SENTRY_TRACES_SAMPLE_RATE', '0x0'], ['SENTRY_TRACES_SAMPLE_RATE', '1e-1']
  ]
  for (const [name, value] of written) {
    const problems = problemsOf({ [name]: value })
    t.equal(problems.length, 1, `${name}=${value} is one problem`)
    t.match(problems[0], `${name}: expected `)
    t.match(problems[0], `got ${JSON.stringify(value)} (`)
  }
  t.same(problemsOf({ MONITOR_CONCURRENCY: '2.5' }), ['MONITOR_CONCURRENCY: expected an integer from 1 to 1000, got "2.5" (decimal digits only, such as 100)'])
  t.same(problemsOf({ MEMORY_ALERT_THRESHOLD: '1e1' }), ['MEMORY_ALERT_THRESHOLD: expected a number from 0 to 100, got "1e1" (plain decimal only, such as 80)'])
})

t.test('plain decimal numbers are read as written, surrounding spaces trimmed', async (t) => {
  const config = loadConfig({ MONITOR_CONCURRENCY: ' 25 ', PORT: '08080', MEMORY_ALERT_THRESHOLD: '75.5', SENTRY_TRACES_SAMPLE_RATE: '0.25', SENTRY_DSN: 'https://abc@sentry.example.com/1' })
  t.equal(config.monitor.concurrency, 25)
  t.equal(config.port, 8080)
  t.equal(config.alertThresholds.memoryPercent, 75.5)
  t.equal(config.sentry?.tracesSampleRate, 0.25)
})

t.test('a zero interval, timeout, threshold or retention is a problem, not a busy loop or a /health that always fails', async (t) => {
  for (const name of ['PROBE_INTERVAL', 'PROBE_TIMEOUT', 'EVENT_LOOP_DELAY_THRESHOLD', 'RAILWAY_DISCOVERY_INTERVAL', 'HISTORY_RETENTION']) {
    t.same(problemsOf({ [name]: '0s' }), [`${name}: expected a duration above 0, got "0s"`], name)
  }
  t.same(problemsOf({ PROBE_INTERVAL: '0.0001s', PROBE_TIMEOUT: '0ms' }), ['PROBE_INTERVAL: expected a duration above 0, got "0.0001s"', 'PROBE_TIMEOUT: expected a duration above 0, got "0ms"'])
  t.equal(loadConfig({ SHUTDOWN_DELAY: '0s' }).shutdownDelayMs, 0, 'no delay after SIGTERM is a real choice')
})

t.test('every invalid value is reported at once, one line each', async (t) => {
  const problems = problemsOf({ PORT: 'x', PROBE_INTERVAL: 'soon', ENABLE_METRICS: 'maybe', CPU_ALERT_THRESHOLD: '-1', LOG_LEVEL: 'chatty' })
  t.same(problems.map((p) => p.split(':')[0]).sort(), ['CPU_ALERT_THRESHOLD', 'ENABLE_METRICS', 'LOG_LEVEL', 'PORT', 'PROBE_INTERVAL'])
})

t.test('a secret value is never echoed in a problem line', async (t) => {
  const problems = problemsOf({ DATABASE_URL: `mysql://admin:${SECRET}@db/app`, SENTRY_DSN: `not-a-url-${SECRET}`, REDIS_URL: `${SECRET}` })
  t.equal(problems.length, 3)
  for (const line of problems) {
    t.notMatch(line, SECRET)
    t.match(line, /\(value hidden\)|got scheme "mysql"$/)
  }
})

t.test('the secrets of the configuration are collected for redaction', async (t) => {
  const config = loadConfig({ DATABASE_URL: `postgres://app:${SECRET}@db/app`, GITHUB_TOKEN: 'ghp_plantedtoken', HEALTH_DETAILED_TOKEN: 'detailed-token' })
  t.ok(config.secrets.includes(SECRET), 'the password inside DATABASE_URL')
  t.ok(config.secrets.includes('ghp_plantedtoken'))
  t.ok(config.secrets.includes('detailed-token'))
})

t.test('the process exits 1 before listening, one line per problem, no secret printed', async (t) => {
  const vigil = spawnVigil({ PORT: 'abc', PROBE_TIMEOUT: 'never', DATABASE_URL: `mysql://root:${SECRET}@db/x` })
  const code = await vigil.exited
  t.equal(code, 1)
  const output = vigil.output()
  t.match(output, /^PORT: expected/m)
  t.match(output, /^PROBE_TIMEOUT: expected/m)
  t.match(output, /^DATABASE_URL: expected/m)
  t.notMatch(output, SECRET)
  t.notMatch(output, /Server listening/)
})

const moreBadValues: Array<[string, Record<string, string>, string]> = [
  ['a probe interval past the timer limit', { PROBE_INTERVAL: '600h' }, 'PROBE_INTERVAL: expected a duration of at most 596h (2147483647 ms, the longest timer Node.js keeps), got "600h"'],
  ['a monitor interval past the timer limit', { MONITOR_INTERVAL: '600h', RAILWAY_DOMAIN: 'a.example.com' }, 'MONITOR_INTERVAL: expected a duration of at most 596h (2147483647 ms, the longest timer Node.js keeps), got "600h"'],
  ['a misspelt database scheme, shown with a suggestion', { DATABASE_URL: `postgress://app:${SECRET}@db/app` }, 'DATABASE_URL: expected a postgres or postgresql URL, got scheme "postgress" (did you mean postgres://?)'],
  ['a repository with .git', { GITHUB_REPOSITORY: 'acme/platform.git' }, 'GITHUB_REPOSITORY: expected owner/name without ".git", got "acme/platform.git" (did you mean "acme/platform"?)'],
  ['an all-whitespace detailed token', { HEALTH_DETAILED_TOKEN: '   \t ' }, 'HEALTH_DETAILED_TOKEN: expected a non-empty value, got only whitespace (unset the variable to leave it off)'],
  ['a Sentry DSN without key or project', { SENTRY_DSN: `https://${SECRET}.ingest.example.com` }, 'SENTRY_DSN: expected a Sentry DSN such as https://<key>@<host>/<project id>, got (value hidden)']
]
for (const [kind, env, expected] of moreBadValues) {
  t.test(`${kind}: one line`, async (t) => {
    t.same(problemsOf(env), [expected])
  })
}

t.test('a well-formed Sentry DSN is accepted', async (t) => {
  t.same(problemsOf({ SENTRY_DSN: 'https://0123abcd@o1.ingest.sentry.io/4505' }), [])
})

t.test('AI base URLs are accepted with or without the path the providers\' SDKs add', async (t) => {
  const sdkForms: Record<string, [string, string]> = {
    OPENAI_BASE_URL: ['https://gw.example.com/openai/v1/', 'https://gw.example.com/openai'],
    ANTHROPIC_BASE_URL: ['https://api.anthropic.com/v1', 'https://api.anthropic.com'],
    GOOGLE_BASE_URL: ['https://generativelanguage.googleapis.com/v1beta', 'https://generativelanguage.googleapis.com'],
    GROQ_BASE_URL: ['https://api.groq.com/openai/v1', 'https://api.groq.com'],
    OPENROUTER_BASE_URL: ['https://openrouter.ai/api/v1', 'https://openrouter.ai']
  }
  const keys = { OPENAI_API_KEY: 'k1-test', ANTHROPIC_API_KEY: 'k2-test', GOOGLE_API_KEY: 'k3-test', GROQ_API_KEY: 'k4-test', OPENROUTER_API_KEY: 'k5-test' }
  const withSuffix = loadConfig({ ...keys, ...Object.fromEntries(Object.entries(sdkForms).map(([name, [given]]) => [name, given])) })
  const plain = loadConfig({ ...keys, ...Object.fromEntries(Object.entries(sdkForms).map(([name, [, root]]) => [name, root])) })
  t.same(withSuffix.aiProviders.map((p) => p.baseUrl), Object.values(sdkForms).map(([, root]) => root))
  t.same(plain.aiProviders.map((p) => p.baseUrl), Object.values(sdkForms).map(([, root]) => root))
})
