import t from 'tap'
import { classifyPostgresError } from '../../src/probes/postgres-errors.js'
import { startPgAuthStandIn } from '../support/pg-auth-stand-in.js'
import { startProbeApp } from '../support/probe-app.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'

const checkEscapes = watchEscapedErrors()
const PASSWORD = 'planted-pg-password-e93b'
// Long enough for a DNS answer; only the first round is read.
const SLOW_PROBES = { PROBE_INTERVAL: '2s', PROBE_TIMEOUT: '2s' }

const cases = [
  // This server trusts 127.0.0.1, so a wrong password is accepted; an unknown role is how
  // authentication fails here (SQLSTATE 28000). 28P01 comes from a protocol stand-in below.
  { name: 'an unknown role', url: `postgres://vigil_no_such_role:${PASSWORD}@127.0.0.1:5432/test`, error: /^authentication failed: role does not exist/ },
  { name: 'an unknown database', url: `postgres://postgres:${PASSWORD}@127.0.0.1:5432/vigil_no_such_db`, error: /^database missing: database "vigil_no_such_db" does not exist/ },
  { name: 'a host name that does not resolve', url: `postgres://postgres:${PASSWORD}@vigil-no-such-host.invalid:5432/test`, error: /^DNS failure/ },
  { name: 'TLS demanded of a server without it', url: `postgres://postgres:${PASSWORD}@127.0.0.1:5432/test?sslmode=verify-full`, error: /^TLS not offered/ }
]

for (const c of cases) {
  t.test(`${c.name} gives a classified message and never shows the password`, async (t) => {
    const { app, logLines } = await startProbeApp({ DATABASE_URL: c.url, ...SLOW_PROBES })
    t.teardown(() => app.close())
    await waitFor('first probe round', () => app.vigil.components.get('database')?.status !== undefined)
    const detailed = await app.inject('/health/detailed')
    t.equal(detailed.statusCode, 503)
    t.match(detailed.json(), { components: { database: { status: 'unhealthy', error: c.error } } })
    const metrics = await app.inject('/metrics')
    t.match(metrics.body, /vigil_component_up\{component="database"\} 0/)
    for (const text of [detailed.body, metrics.body, ...logLines]) t.notOk(text.includes(PASSWORD), 'password absent')
    t.ok(logLines.some((line) => line.includes('database is unhealthy')), 'the transition is logged')
  })
}

t.test('a wrong password (28P01, from a protocol stand-in) gives the classified message and never shows the password', async (t) => {
  const standIn = await startPgAuthStandIn()
  t.teardown(() => standIn.close())
  const { app, logLines } = await startProbeApp({ DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${standIn.port}/test`, ...SLOW_PROBES })
  t.teardown(() => app.close())
  await waitFor('first probe round', () => app.vigil.components.get('database')?.status !== undefined)
  t.same(standIn.passwordsSeen, [PASSWORD], 'the driver sent the planted password')
  const detailed = await app.inject('/health/detailed')
  t.match(detailed.json(), { components: { database: { status: 'unhealthy', error: /^authentication failed: password rejected/ } } })
  const metrics = await app.inject('/metrics')
  for (const text of [detailed.body, metrics.body, ...logLines]) t.notOk(text.includes(PASSWORD), 'password absent')
})

t.test('SQLSTATE codes this server cannot produce are classified too', async (t) => {
  const pgError = (code: string, message: string): Error => Object.assign(new Error(message), { code })
  t.match(classifyPostgresError(pgError('28P01', 'password authentication failed for user "app"'), 100), /^authentication failed: password rejected/)
  t.match(classifyPostgresError(pgError('28000', 'no pg_hba.conf entry for host "10.0.0.1", user "app", database "app", no encryption'), 100), /^TLS required/)
  t.match(classifyPostgresError(pgError('57014', 'canceling statement due to statement timeout'), 100), /^timeout/)
  t.match(classifyPostgresError(pgError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:5432'), 100), /^connection refused/)
  t.match(classifyPostgresError(new Error('timeout exceeded when trying to connect'), 100), /^timeout: no answer within 100 ms/)
})

t.test('no unhandled rejection or uncaught exception', async (t) => { checkEscapes(t) })
