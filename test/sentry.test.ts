import t from 'tap'
import { createRedactor } from '../src/redact.js'
import { initSentry } from '../src/sentry.js'
import { testConfig } from './support/config.js'
import { startSentryStandIn } from './support/sentry-stand-in.js'
import { spawnVigil } from './support/spawn-vigil.js'

const DB_PASSWORD = 'pl4nted-db-passw0rd'
const GITHUB_TOKEN = 'ghp_planted0github0token0value'
const DETAILED_TOKEN = 'planted-detailed-token'
const COOKIE = 'planted-session-cookie'

t.test('a route that throws reaches the Sentry DSN as an event, without any planted secret', async (t) => {
  const sentry = await startSentryStandIn()
  t.teardown(sentry.close)
  const config = testConfig({
    SENTRY_DSN: sentry.dsn,
    SENTRY_ENVIRONMENT: 'ci',
    DATABASE_URL: `postgres://app:${DB_PASSWORD}@db.internal:5432/app`,
    GITHUB_TOKEN,
    HEALTH_DETAILED_TOKEN: DETAILED_TOKEN
  })
  const redact = createRedactor(config.secrets)
  const errorReporter = await initSentry(config.sentry!, redact)
  // Loaded after Sentry.init, as start.ts does.
  const { buildApp } = await import('../src/app.js')
  const app = await buildApp(config, { redact, errorReporter })
  t.teardown(() => app.close())
  app.get('/explode', async () => {
    throw new Error(`query failed on postgres://app:${DB_PASSWORD}@db.internal:5432/app using ${GITHUB_TOKEN}`)
  })

  const res = await app.inject({
    url: `/explode?token=${DETAILED_TOKEN}`,
    headers: { authorization: `Bearer ${DETAILED_TOKEN}`, cookie: `session=${COOKIE}` }
  })
  t.equal(res.statusCode, 500)
  t.ok(await errorReporter.flush(5000), 'the SDK flushed')

  // The database probe's own "turned unhealthy" message may arrive too; route errors carry an exception.
  const events = sentry.items().filter((item) => item.type === 'event' && item.payload.exception !== undefined)
  const describe = JSON.stringify(events.map((e) => [e.payload.event_id, (e.payload as { exception?: { values?: unknown[] } }).exception?.values?.[0]]))
  t.equal(new Set(events.map((e) => e.payload.event_id)).size, 1, `one event for one failure: ${describe}`)
  const event = events[0]!.payload as { exception?: { values?: Array<{ type: string, value: string }> }, environment?: string, release?: string }
  t.equal(event.exception?.values?.[0]?.type, 'Error')
  t.match(event.exception?.values?.[0]?.value, /^query failed on postgres:\/\/\[REDACTED\]@db\.internal:5432\/app using \[REDACTED\]$/)
  t.equal(event.environment, 'ci')
  t.equal(event.release, `vigil@${config.version}`)

  const everything = sentry.envelopes.join('\n')
  for (const secret of [DB_PASSWORD, GITHUB_TOKEN, DETAILED_TOKEN, COOKIE]) {
    t.notOk(everything.includes(secret), `${secret} is not in anything sent to Sentry`)
  }
})

t.test('an uncaught exception is reported to Sentry before the process exits 1', async (t) => {
  const sentry = await startSentryStandIn()
  t.teardown(sentry.close)
  const vigil = spawnVigil({ SENTRY_DSN: sentry.dsn, DATABASE_URL: `postgres://app:${DB_PASSWORD}@127.0.0.1:1/app`, REQUIRED_COMPONENTS: '' }, 'test/fixtures/crash-server.ts')
  t.teardown(() => { vigil.child.kill('SIGKILL') })
  t.equal(await vigil.exited, 1)
  const values = sentry.items()
    .filter((item) => item.type === 'event')
    .flatMap((item) => (item.payload as { exception?: { values?: Array<{ value: string }> } }).exception?.values ?? [])
    .map((value) => value.value)
  t.ok(values.some((value) => value.startsWith('background job failed for postgres://[REDACTED]@127.0.0.1:1/app')), 'the exception arrived, redacted')
  t.notOk(sentry.envelopes.join('\n').includes(DB_PASSWORD), 'no password in anything sent')
  t.notOk(vigil.output().includes(DB_PASSWORD), 'no password in the logs')
})
