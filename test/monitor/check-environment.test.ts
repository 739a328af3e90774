import t from 'tap'
import { checkEnvironment } from '../../src/monitor/check-environment.js'
import { makeCertificate } from '../support/certificates.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

let server: TargetServer
t.before(async () => { server = await startTargetServer() })
t.teardown(async () => { await server.close() })
t.beforeEach(() => { server.hits.clear(); server.set('/health', 'healthy') })

t.test('a 2xx health URL with a healthy body is healthy', async (t) => {
  const result = await checkEnvironment(testTarget(server.url))
  t.equal(result.status, 'healthy')
  t.equal(result.httpStatus, 200)
  t.type(result.responseTimeMs, 'number')
  t.same(result.failures, [])
  t.equal(result.attempts.length, 1)
  t.equal(result.tlsDaysLeft, null)
})

t.test('HTTP 500 is unhealthy, with the status in the failures', async (t) => {
  server.set('/health', 'error')
  const result = await checkEnvironment(testTarget(server.url))
  t.equal(result.status, 'unhealthy')
  t.equal(result.httpStatus, 500)
  t.same(result.failures, ['/health: HTTP 500'])
})

t.test('a body reporting "unhealthy" is unhealthy even with 200', async (t) => {
  server.set('/health', 'unhealthy')
  const result = await checkEnvironment(testTarget(server.url))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['/health: reported status "unhealthy"'])
})

t.test('a body reporting "degraded" gives a degraded result without retrying', async (t) => {
  server.set('/health', 'degraded')
  const result = await checkEnvironment(testTarget(server.url, { attempts: 3 }))
  t.equal(result.status, 'degraded')
  t.equal(result.attempts.length, 1)
  t.same(result.failures, ['/health: reported status "degraded"'])
})

t.test('a health URL that never answers times out', async (t) => {
  server.set('/health', 'hang')
  const result = await checkEnvironment(testTarget(server.url, { timeoutMs: 200 }))
  t.equal(result.status, 'unhealthy')
  t.equal(result.httpStatus, null)
  t.equal(result.responseTimeMs, null)
  t.same(result.failures, ['/health: timed out after 200 ms'])
  t.equal(result.attempts[0]?.error, 'timed out after 200 ms')
})

t.test('an answer slower than max_response_time is unhealthy', async (t) => {
  server.set('/health', { slowMs: 300 })
  const result = await checkEnvironment(testTarget(server.url, { maxResponseTimeMs: 50 }))
  t.equal(result.status, 'unhealthy')
  t.equal(result.httpStatus, 200)
  t.same(result.failures, ['/health: slower than 50 ms'])
})

t.test('failed tries are retried up to attempts, stopping at the first success', async (t) => {
  server.set('/health', ['error', 'error', 'healthy'])
  const result = await checkEnvironment(testTarget(server.url, { attempts: 5 }))
  t.equal(result.status, 'healthy')
  t.equal(server.hits.get('/health'), 3)
  t.same(result.attempts.map((a) => a.httpStatus), [500, 500, 200])
  t.same(result.attempts.map((a) => a.error), ['HTTP 500', 'HTTP 500', undefined])
})

t.test('every try failing keeps each attempt and reports the last failure', async (t) => {
  server.set('/health', 'error')
  const result = await checkEnvironment(testTarget(server.url, { attempts: 3 }))
  t.equal(result.status, 'unhealthy')
  t.equal(result.attempts.length, 3)
  t.same(result.attempts.map((a) => a.attempt), [1, 2, 3])
  t.same(result.failures, ['/health: HTTP 500'])
})

t.test('a host that does not resolve is reported as a DNS failure', async (t) => {
  const result = await checkEnvironment(testTarget('http://vigil-test.invalid', { checks: ['/api'] }))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['DNS resolution failed for vigil-test.invalid'])
  t.same(result.paths, [], 'extra paths are not tried without an answer')
})

t.test('a refused connection is reported as such', async (t) => {
  const closed = await startTargetServer()
  await closed.close()
  const result = await checkEnvironment(testTarget(closed.url))
  t.same(result.failures, ['/health: connection refused'])
})

t.test('every extra path must answer 2xx', async (t) => {
  server.set('/api/health', 'healthy')
  server.set('/static/main.js', 'not-found')
  server.set('/api/broken', 'error')
  const result = await checkEnvironment(testTarget(server.url, { checks: ['/api/health', '/static/main.js', '/api/broken?key=s3cr3t'] }))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['/api/broken: HTTP 500', '/static/main.js: HTTP 404'])
  t.same(result.paths.map((p) => [p.path, p.httpStatus]), [['/api/health', 200], ['/static/main.js', 404], ['/api/broken', 500]])
})

t.test('credentials in the URL are sent as Basic auth and never appear in the result', async (t) => {
  const url = server.url.replace('http://', 'http://ops:pa55w0rd-xyz@')
  server.set('/health', 'error')
  const result = await checkEnvironment(testTarget(url))
  t.equal(server.authorizations.at(-1), `Basic ${Buffer.from('ops:pa55w0rd-xyz').toString('base64')}`)
  t.notMatch(JSON.stringify(result), /pa55w0rd/)
  t.equal(result.displayUrl, server.url)
})

t.test('the same failure twice gives identical failures lists', async (t) => {
  server.set('/health', { slowMs: 200 })
  const target = testTarget(server.url, { maxResponseTimeMs: 20, checks: ['/x'] })
  server.set('/x', 'error')
  const first = await checkEnvironment(target)
  const second = await checkEnvironment(target)
  t.same(first.failures, second.failures)
})

t.test('an aborted check ends early and does not throw', async (t) => {
  server.set('/health', 'hang')
  const controller = new AbortController()
  const pending = checkEnvironment(testTarget(server.url, { timeoutMs: 60_000, attempts: 3 }), { signal: controller.signal })
  setTimeout(() => { controller.abort() }, 50)
  const result = await pending
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['/health: check aborted'])
  t.equal(result.attempts.length, 1)
})

t.test('HTTPS', async (t) => {
  const healthyCert = await makeCertificate(90)
  const expiringCert = await makeCertificate(3)
  const healthy = await startTargetServer(healthyCert)
  const expiring = await startTargetServer(expiringCert)
  const ca = healthyCert.cert + expiringCert.cert
  t.teardown(async () => { await Promise.all([healthy.close(), expiring.close()]) })

  t.test('a trusted certificate far from expiry is healthy, with its days left', async (t) => {
    const result = await checkEnvironment(testTarget(healthy.url, { ca }))
    t.equal(result.status, 'healthy')
    t.equal(result.tlsDaysLeft, 90)
    t.equal(result.tlsExpiresAt?.getTime(), Math.floor(healthyCert.notAfter.getTime() / 1000) * 1000)
  })

  t.test('a certificate expiring in 3 days is unhealthy, naming the expiry date', async (t) => {
    const result = await checkEnvironment(testTarget(expiring.url, { ca }))
    t.equal(result.status, 'unhealthy')
    t.equal(result.tlsDaysLeft, 3)
    const date = expiringCert.notAfter.toISOString().slice(0, 10)
    t.same(result.failures, [`TLS certificate "${expiringCert.subject}" expires on ${date}, less than 14 days away`])
  })

  t.test('tls_min_days 0 accepts the same certificate', async (t) => {
    const result = await checkEnvironment(testTarget(expiring.url, { tlsMinDays: 0, ca }))
    t.equal(result.status, 'healthy')
  })

  t.test('an untrusted certificate fails the request as a TLS problem, and still shows its expiry', async (t) => {
    const result = await checkEnvironment(testTarget(healthy.url))
    t.equal(result.status, 'unhealthy')
    t.same(result.failures, ['TLS certificate is self-signed and not trusted'])
    t.equal(result.tlsDaysLeft, 90)
  })
})
