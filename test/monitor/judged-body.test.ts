import t from 'tap'
import { checkEnvironment } from '../../src/monitor/check-environment.js'
import { STATUS_WORDS } from '../../src/monitor/status-words.js'
import { createRedactor } from '../../src/redact.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

let server: TargetServer
t.before(async () => { server = await startTargetServer() })
t.teardown(async () => { await server.close() })

const answering = (body: string, contentType = 'application/json'): void => { server.set('/health', { body, contentType }) }

t.test('status words are judged case-insensitively with the IETF and Spring Boot vocabulary', async (t) => {
  const cases: Array<[string, string, string[]]> = [
    ['DOWN', 'unhealthy', ['/health: reported status "down"']],
    ['Fail', 'unhealthy', ['/health: reported status "fail"']],
    ['OUT_OF_SERVICE', 'unhealthy', ['/health: reported status "out_of_service"']],
    ['critical', 'unhealthy', ['/health: reported status "critical"']],
    ['WARN', 'degraded', ['/health: reported status "warn"']],
    ['UP', 'healthy', []],
    ['pass', 'healthy', []],
    ['Ok', 'healthy', []]
  ]
  for (const [word, status, failures] of cases) {
    answering(JSON.stringify({ status: word }))
    const result = await checkEnvironment(testTarget(server.url))
    t.equal(result.status, status, word)
    t.same(result.failures, failures, word)
  }
})

t.test('an unknown status word fails closed, naming the word', async (t) => {
  answering(JSON.stringify({ status: 'Maybe' }))
  const result = await checkEnvironment(testTarget(server.url))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['/health: reported status "Maybe" is not a known status word'], 'shown as sent')
})

t.test('a secret reported as the status is redacted in its own case, not lowercased past the redactor', async (t) => {
  const token = 'ghp_UpperCaseToken0123456789abcdefXYZ'
  answering(JSON.stringify({ status: `${token} broke` }))
  const result = await checkEnvironment(testTarget(server.url), { redact: createRedactor([token]) })
  t.equal(result.status, 'unhealthy')
  const shown = result.failures.join(' ')
  t.notOk(shown.toLowerCase().includes(token.toLowerCase()), 'the token in no case')
  t.match(shown, /\[REDACTED\] broke/)
})

t.test('a status that is not a word fails closed too', async (t) => {
  answering(JSON.stringify({ status: false }))
  const result = await checkEnvironment(testTarget(server.url))
  t.same(result.failures, ['/health: reported status false is not a known status word'])
})

t.test('every word of the table maps to a status word of the report', async (t) => {
  for (const status of Object.values(STATUS_WORDS)) t.ok(['healthy', 'degraded', 'unhealthy'].includes(status))
})

t.test('a failing status padded past 64 KiB is still read and judged unhealthy', async (t) => {
  answering(JSON.stringify({ status: 'fail', pad: 'x'.repeat(70_000) }))
  const result = await checkEnvironment(testTarget(server.url))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['/health: reported status "fail"'])
})

t.test('invalid JSON with a JSON content type is a failure', async (t) => {
  answering('{"status": "UNHEALTHY", "x": ')
  const result = await checkEnvironment(testTarget(server.url))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['/health: body could not be read as JSON'])
})

t.test('a body past max_body_size is a failure naming the limit', async (t) => {
  answering(JSON.stringify({ status: 'ok', pad: 'x'.repeat(5000) }))
  const result = await checkEnvironment(testTarget(server.url, { maxBodyBytes: 4096 }))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['/health: body larger than 4096 bytes'])
})

t.test('a 2 GB body stops being read at the limit', async (t) => {
  server.set('/health', { streamBytes: 2 * 1024 ** 3 })
  const before = server.streamedBytes()
  const result = await checkEnvironment(testTarget(server.url, { maxBodyBytes: 1_048_576, timeoutMs: 20_000 }))
  t.same(result.failures, ['/health: body larger than 1048576 bytes'])
  // What was sent is bounded by the limit plus socket buffers, nowhere near 2 GB.
  t.ok(server.streamedBytes() - before < 64 * 1024 ** 2, `sent ${server.streamedBytes() - before} bytes`)
})

t.test('ignore_body judges by the HTTP status alone', async (t) => {
  answering('{"status": "UNHEALTHY", "x": ')
  const result = await checkEnvironment(testTarget(server.url, { ignoreBody: true }))
  t.equal(result.status, 'healthy')
  t.same(result.failures, [])
})

t.test('a plain-text body and an empty one are judged by the status alone', async (t) => {
  answering('OK', 'text/plain')
  t.equal((await checkEnvironment(testTarget(server.url))).status, 'healthy')
  answering('', 'application/json')
  t.equal((await checkEnvironment(testTarget(server.url))).status, 'healthy')
})

t.test('JSON without a status field is judged by the HTTP status', async (t) => {
  answering(JSON.stringify({ uptime: 12 }))
  t.equal((await checkEnvironment(testTarget(server.url))).status, 'healthy')
})
