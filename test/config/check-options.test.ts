import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config/load-config.js'
import { ConfigError } from '../../src/errors.js'
import { createRedactor } from '../../src/redact.js'
import { makeCertificate } from '../support/certificates.js'

const dir = mkdtempSync(join(tmpdir(), 'vigil-check-options-'))
let count = 0
function file (body: string): string {
  const path = join(dir, `monitor-${count++}.yaml`)
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

t.test('every check option is read from the monitor file', async (t) => {
  const certificate = await makeCertificate(30)
  const caPath = join(dir, 'ca.pem')
  writeFileSync(caPath, certificate.cert)
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    API_TOKEN: 'tok-from-variable-123',
    MONITOR_CONFIG: file(`
concurrency: 20
environments:
  - name: production
    url: https://api.example.com
    method: post
    headers:
      Authorization: "Bearer \${API_TOKEN}"
      X-Probe: vigil-header-value
    body: '{"deep": true}'
    expected_status: [200, "300-302", 4xx]
    follow_redirects: true
    ignore_body: false
    max_body_size: 2MiB
    proxy: http://ops:proxy-pw-9@proxy.internal:3128
    ca: ${caPath}
    tls_skip_verify: true
    conditions:
      - { json: $.checks.db.status, equals: up }
      - { body_not_contains: maintenance }
      - { status_in: [200, 204] }
      - { response_time_below: 800ms }
      - { certificate_days_above: 21 }
`)
  })
  t.equal(config.monitor.concurrency, 20)
  const target = config.monitor.environments[0]!
  t.equal(target.method, 'POST')
  t.same(target.headers, { authorization: 'Bearer tok-from-variable-123', 'x-probe': 'vigil-header-value' })
  t.equal(target.body, '{"deep": true}')
  t.same(target.expectedStatus, [{ from: 200, to: 200 }, { from: 300, to: 302 }, { from: 400, to: 499 }])
  t.equal(target.maxRedirects, 5)
  t.equal(target.maxBodyBytes, 2 * 1_048_576)
  t.same(target.proxy, { httpProxy: 'http://ops:proxy-pw-9@proxy.internal:3128', httpsProxy: 'http://ops:proxy-pw-9@proxy.internal:3128', noProxy: '' })
  t.equal(target.ca, certificate.cert)
  t.equal(target.tlsSkipVerify, true)
  t.same(target.conditions, [
    { kind: 'json', path: '$.checks.db.status', op: 'equals', value: 'up' },
    { kind: 'body_not_contains', text: 'maintenance' },
    { kind: 'status_in', codes: [200, 204] },
    { kind: 'response_time_below', ms: 800 },
    { kind: 'certificate_days_above', days: 21 }
  ])
  const redact = createRedactor(config.secrets)
  t.notMatch(redact('authorization: Bearer tok-from-variable-123; x-probe: vigil-header-value; proxy ops:proxy-pw-9'), /tok-from-variable|vigil-header-value|proxy-pw-9/)
})

t.test('defaults: GET, 2xx, no redirects, 1 MiB, body judged, verification on, concurrency 100, HTTP_PROXY from the variables', async (t) => {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    HTTPS_PROXY: 'http://env-proxy:3128',
    NO_PROXY: 'localhost',
    MONITOR_CONFIG: file('environments: [{ name: a, url: https://a.example.com }]')
  })
  const target = config.monitor.environments[0]!
  t.equal(config.monitor.concurrency, 100)
  t.equal(target.method, 'GET')
  t.equal(target.expectedStatus, undefined)
  t.equal(target.maxRedirects, 0)
  t.equal(target.maxBodyBytes, 1_048_576)
  t.equal(target.ignoreBody, false)
  t.equal(target.tlsSkipVerify, false)
  t.same(target.proxy, { httpProxy: '', httpsProxy: 'http://env-proxy:3128', noProxy: 'localhost' })
  t.same(config.proxy, target.proxy)
})

t.test('bad check options are one problem line each, never showing a header value', async (t) => {
  const lines = problems({
    MONITOR_CONFIG: file(`
concurrency: 0
environments:
  - name: a
    url: https://a.example.com
    method: TRACE
    headers: { X-Key: "line\\nbreak-secret" }
    expected_status: [700]
    max_body_size: 10
    proxy: socks://p
    ca: /nonexistent/ca.pem
    conditions:
      - { json: $.a, equals: 1, below: 2 }
      - { body_contains: x, status_in: [200] }
      - { json: $.a, matches: "(" }
`)
  })
  t.notMatch(lines.join('\n'), /break-secret/)
  t.same(lines.filter((l) => l.includes('concurrency')).length, 1)
  for (const field of ['method', 'headers.x-key', 'expected_status', 'max_body_size', 'proxy', 'ca', 'conditions[0]', 'conditions[1]', 'conditions[2]']) {
    t.ok(lines.some((l) => l.includes(`environments[0].${field}`) || l.includes(`environments[0].${field.replace('x-key', 'X-Key')}`)), field)
  }
})

t.test('MONITOR_CONCURRENCY sets the concurrency when the monitor file does not; the file\'s `concurrency` wins', async (t) => {
  const bare = file('environments: [{ name: a, url: https://a.example.com }]')
  t.equal(loadConfig({ LOG_LEVEL: 'silent', MONITOR_CONCURRENCY: '400', MONITOR_CONFIG: bare }).monitor.concurrency, 400)
  const set = file('concurrency: 20\nenvironments: [{ name: a, url: https://a.example.com }]')
  t.equal(loadConfig({ LOG_LEVEL: 'silent', MONITOR_CONCURRENCY: '400', MONITOR_CONFIG: set }).monitor.concurrency, 20)
  for (const bad of ['0', '1001', 'many']) {
    t.match(problems({ MONITOR_CONCURRENCY: bad, MONITOR_CONFIG: bare }), [/^MONITOR_CONCURRENCY: expected an integer from 1 to 1000/], bad)
  }
})
