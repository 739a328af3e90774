import t from 'tap'
import { BODY_EXCERPT_CHARS, checkEnvironment } from '../../src/monitor/check-environment.js'
import { createRedactor } from '../../src/redact.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

const SECRET = 'planted-db-password-in-the-answer'

let server: TargetServer
t.before(async () => { server = await startTargetServer() })
t.teardown(async () => { await server.close() })

t.test('a failing health answer keeps the start of its body, redacted and bounded', async (t) => {
  const answer = JSON.stringify({ status: 'unhealthy', database: `cannot reach postgres://app:${SECRET}@db.internal/app`, padding: 'z'.repeat(5_000) })
  server.set('/health', { status: 503, body: answer })
  const result = await checkEnvironment(testTarget(server.url), { redact: createRedactor([SECRET]) })
  t.equal(result.status, 'unhealthy')
  t.ok(result.bodyExcerpt?.startsWith('{"status":"unhealthy","database":"cannot reach postgres://[REDACTED]@db.internal/app"'), String(result.bodyExcerpt).slice(0, 100))
  t.ok(result.bodyExcerpt!.length <= BODY_EXCERPT_CHARS + 1, `${result.bodyExcerpt!.length} characters`)
  t.ok(result.bodyExcerpt!.endsWith('…'), 'says it was cut')
  t.notMatch(result.bodyExcerpt, SECRET)
})

t.test('a healthy answer keeps no body', async (t) => {
  server.set('/health', 'healthy')
  const result = await checkEnvironment(testTarget(server.url))
  t.equal(result.status, 'healthy')
  t.equal(result.bodyExcerpt, undefined)
})

t.test('the result names the full health URL and each extra path\'s URL, without credentials or keys', async (t) => {
  server.set('/app/health', 'error')
  server.set('/app/api/ping', 'error')
  const base = server.url.replace('http://', 'http://ops:url-password@')
  const result = await checkEnvironment(testTarget(`${base}/app?token=base-query-secret`, { checks: ['/api/ping?key=path-query-secret'] }))
  t.equal(result.healthUrl, `${server.url}/app/health?token=[REDACTED]`)
  t.same(result.paths.map((p) => [p.path, p.url]), [['/api/ping', `${server.url}/app/api/ping?token=[REDACTED]`]])
  t.notMatch(JSON.stringify(result), /url-password|base-query-secret|path-query-secret/)
})
