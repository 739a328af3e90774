import t from 'tap'
import { buildApp } from '../src/app.js'
import { testConfig } from './support/config.js'

const PASSWORD = 'planted-pg-password'
const TOKEN = 'planted-detailed-token'

function captureLines (): { lines: () => Array<Record<string, unknown>>, raw: () => string, write: (line: string) => void } {
  let raw = ''
  return {
    write: (line) => { raw += line },
    raw: () => raw,
    lines: () => raw.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
  }
}

t.test('PERFORMANCE_LOGGING=true logs one JSON line per request with its route and timing', async (t) => {
  const log = captureLines()
  const app = await buildApp(testConfig({ LOG_LEVEL: 'info', PERFORMANCE_LOGGING: 'true' }), { logDestination: log })
  t.teardown(() => app.close())
  await app.inject('/health')
  const timing = log.lines().filter((l) => l.msg === 'request timing')
  t.equal(timing.length, 1)
  t.match(timing[0], { level: 30, route: '/health', method: 'GET', status_code: 200, response_time_ms: Number })
})

t.test('without PERFORMANCE_LOGGING requests are not logged', async (t) => {
  const log = captureLines()
  const app = await buildApp(testConfig({ LOG_LEVEL: 'info' }), { logDestination: log })
  t.teardown(() => app.close())
  await app.inject('/health')
  t.equal(log.lines().filter((l) => l.msg === 'request timing' || l.msg === 'incoming request').length, 0)
})

t.test('secrets never reach a log line, even inside an error message', async (t) => {
  const log = captureLines()
  const app = await buildApp(testConfig({
    LOG_LEVEL: 'debug',
    PERFORMANCE_LOGGING: 'true',
    DATABASE_URL: `postgres://app:${PASSWORD}@db.internal/app`,
    HEALTH_DETAILED_TOKEN: TOKEN
  }), { logDestination: log })
  t.teardown(() => app.close())
  app.get('/fail', async (request) => {
    request.log.info({ headers: request.headers }, 'request headers')
    throw new Error(`cannot reach postgres://app:${PASSWORD}@db.internal/app`)
  })
  await app.inject({ url: '/fail', headers: { authorization: `Bearer ${TOKEN}`, cookie: 'session=unknown-session-value', 'x-api-key': 'unknown-api-key' } })
  const raw = log.raw()
  t.match(raw, /request failed/, 'the failure is logged')
  t.match(raw, /postgres:\/\/\[REDACTED\]@db\.internal\/app/, 'with the URL still readable')
  t.notOk(raw.includes(PASSWORD), 'no password')
  t.notOk(raw.includes(TOKEN), 'no token')
  t.match(raw, /"cookie":"\[REDACTED\]"/, 'cookies are censored though not known secrets')
  t.notOk(raw.includes('unknown-session-value') || raw.includes('unknown-api-key'), 'nor any auth header value')
})
