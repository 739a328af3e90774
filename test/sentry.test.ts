import t from 'tap'
import { createRedactor } from '../src/redact.js'
import { initSentry } from '../src/sentry.js'
import { testConfig } from './support/config.js'
import { startSentryStandIn } from './support/sentry-stand-in.js'

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

  const events = sentry.items().filter((item) => item.type === 'event')
  t.equal(events.length, 1, 'one event for one failure')
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
