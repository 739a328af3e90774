import t from 'tap'
import { checkEnvironment } from '../../src/monitor/check-environment.js'
import type { Condition } from '../../src/monitor/types.js'
import { makeCertificate } from '../support/certificates.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

let server: TargetServer
t.before(async () => { server = await startTargetServer() })
t.teardown(async () => { await server.close() })
t.beforeEach(() => { server.requests.length = 0; server.set('/health', 'healthy') })

t.test('method, headers and body are sent to the health URL; extra paths get GET with the headers', async (t) => {
  server.set('/health', { body: '{"status":"ok"}', status: 201 })
  const target = testTarget(server.url, {
    method: 'POST',
    headers: { 'x-api-key': 'hdr-s3cret-value', 'content-type': 'application/json' },
    body: '{"probe":true}',
    expectedStatus: [{ from: 201, to: 201 }],
    checks: ['/api']
  })
  const result = await checkEnvironment(target)
  t.equal(result.status, 'healthy')
  const health = server.requests.find((r) => r.url === '/health')
  t.equal(health?.method, 'POST')
  t.equal(health?.body, '{"probe":true}')
  t.equal(health?.headers['x-api-key'], 'hdr-s3cret-value')
  const api = server.requests.find((r) => r.url === '/api')
  t.equal(api?.method, 'GET')
  t.equal(api?.headers['x-api-key'], 'hdr-s3cret-value')
})

t.test('expected_status: a code outside the set fails, naming it', async (t) => {
  const result = await checkEnvironment(testTarget(server.url, { expectedStatus: [{ from: 204, to: 204 }, { from: 300, to: 399 }] }))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['/health: HTTP 200'])
})

t.test('expected_status can accept a 4xx the endpoint is meant to answer', async (t) => {
  server.set('/health', { body: '', status: 401 })
  const result = await checkEnvironment(testTarget(server.url, { expectedStatus: [{ from: 401, to: 401 }] }))
  t.equal(result.status, 'healthy')
})

t.test('redirects are not followed by default: a 302 fails', async (t) => {
  server.set('/health', { body: '', status: 302, headers: { location: '/elsewhere' } })
  const result = await checkEnvironment(testTarget(server.url))
  t.same(result.failures, ['/health: HTTP 302'])
})

t.test('follow_redirects follows up to its bound', async (t) => {
  server.set('/health', { body: '', status: 302, headers: { location: '/hop' } })
  server.set('/hop', { body: '', status: 302, headers: { location: '/final' } })
  server.set('/final', 'healthy')
  t.equal((await checkEnvironment(testTarget(server.url, { maxRedirects: 5 }))).status, 'healthy')
  const bounded = await checkEnvironment(testTarget(server.url, { maxRedirects: 1 }))
  t.same(bounded.failures, ['/health: HTTP 302'], 'past the bound the last redirect is judged')
})

t.test('follow_redirects keeps the first host\'s TLS expiry', async (t) => {
  const first = await makeCertificate(90)
  const second = await makeCertificate(3)
  const secondServer = await startTargetServer(second)
  const firstServer = await startTargetServer(first)
  t.teardown(async () => { await Promise.all([firstServer.close(), secondServer.close()]) })
  firstServer.set('/health', { body: '', status: 301, headers: { location: `${secondServer.url}/health` } })
  const result = await checkEnvironment(testTarget(firstServer.url, { maxRedirects: 3, ca: first.cert + '\n' + second.cert }))
  t.equal(result.status, 'healthy')
  t.equal(result.tlsDaysLeft, 90)
  t.equal(secondServer.hits.get('/health'), 1)
})

t.test('conditions', async (t) => {
  const body = JSON.stringify({ status: 'ok', checks: { db: { status: 'down', latency: 812 } }, version: '1.2.3', note: 'maintenance at 5' })
  const run = async (conditions: Condition[]): Promise<Awaited<ReturnType<typeof checkEnvironment>>> => {
    server.set('/health', { body })
    return await checkEnvironment(testTarget(server.url, { conditions }))
  }

  t.test('a JSONPath equal to the value holds', async (t) => {
    const result = await run([{ kind: 'json', path: '$.version', op: 'equals', value: '1.2.3' }])
    t.equal(result.status, 'healthy')
  })

  t.test('a JSONPath not equal to the value fails, naming the condition and the value found', async (t) => {
    const result = await run([{ kind: 'json', path: '$.checks.db.status', op: 'equals', value: 'up' }])
    t.equal(result.status, 'unhealthy')
    t.same(result.failures, ['/health: condition $.checks.db.status equals "up": found "down"'])
  })

  t.test('numbers compare with above and below; a missing path is found nothing', async (t) => {
    const result = await run([
      { kind: 'json', path: '$.checks.db.latency', op: 'below', value: 500 },
      { kind: 'json', path: '$.checks.cache.status', op: 'exists', value: true }
    ])
    t.same(result.failures, [
      '/health: condition $.checks.cache.status exists: found nothing',
      '/health: condition $.checks.db.latency below 500: found 812'
    ])
  })

  t.test('body keywords present and absent', async (t) => {
    const result = await run([{ kind: 'body_contains', text: '"ok"' }, { kind: 'body_not_contains', text: 'maintenance' }])
    t.same(result.failures, ['/health: condition body does not contain "maintenance": found'])
  })

  t.test('status in a set', async (t) => {
    const result = await run([{ kind: 'status_in', codes: [200, 204] }])
    t.equal(result.status, 'healthy')
    const failing = await run([{ kind: 'status_in', codes: [204] }])
    t.same(failing.failures, ['/health: condition status in [204]: found 200'])
  })

  t.test('response time below a bound', async (t) => {
    server.set('/health', { slowMs: 150 })
    const result = await checkEnvironment(testTarget(server.url, { conditions: [{ kind: 'response_time_below', ms: 50 }] }))
    t.same(result.failures, ['/health: condition response time below 50 ms: too slow'])
  })

  t.test('certificate days above a bound, and no certificate on plain HTTP', async (t) => {
    const result = await run([{ kind: 'certificate_days_above', days: 30 }])
    t.same(result.failures, ['/health: condition certificate days above 30: found no certificate'])
    const certificate = await makeCertificate(20)
    const https = await startTargetServer(certificate)
    t.teardown(async () => { await https.close() })
    const tls = await checkEnvironment(testTarget(https.url, { ca: certificate.cert, tlsMinDays: 0, conditions: [{ kind: 'certificate_days_above', days: 30 }] }))
    t.same(tls.failures, ['/health: condition certificate days above 30: found 20'])
  })

  t.test('a value found is shortened and redacted', async (t) => {
    server.set('/health', { body: JSON.stringify({ token: 'hdr-s3cret-value', long: 'y'.repeat(500) }) })
    const result = await checkEnvironment(testTarget(server.url, {
      headers: { authorization: 'hdr-s3cret-value' },
      conditions: [{ kind: 'json', path: '$.token', op: 'equals', value: 'x' }, { kind: 'json', path: '$.long', op: 'equals', value: 'x' }]
    }))
    t.notMatch(JSON.stringify(result), /hdr-s3cret-value/)
    t.match(result.failures.join('\n'), /condition \$\.token equals "x": found "\[REDACTED\]"/)
    const long = result.failures.find((f) => f.includes('$.long')) ?? ''
    t.ok(long.length < 120, long)
    t.match(long, /…$/)
  })

  t.test('conditions on a body that is not JSON fail closed', async (t) => {
    server.set('/health', { body: 'OK', contentType: 'text/plain' })
    const result = await checkEnvironment(testTarget(server.url, { conditions: [{ kind: 'json', path: '$.status', op: 'equals', value: 'ok' }] }))
    t.same(result.failures, ['/health: condition $.status equals "ok": found no JSON body'])
  })
})
