import t from 'tap'
import { describeEnvironment } from '../../src/cli/describe-environment.js'
import { formatDuration, formatTable } from '../../src/cli/format.js'
import { pickEnvironment } from '../../src/cli/targets.js'
import { testTarget } from '../support/targets.js'

t.test('an environment is described without any header value, condition value or secret query value', async (t) => {
  const SECRET = 'planted-describe-secret-4411'
  const rows = describeEnvironment(testTarget(`https://api.example.com/?token=${SECRET}`, {
    headers: { Authorization: `Bearer ${SECRET}` },
    conditions: [{ kind: 'json', path: '$.build', op: 'equals', value: SECRET }, { kind: 'body_contains', text: SECRET }],
    checks: [`/asset.js?sig=${SECRET}&v=2`],
    healthPath: `/health?key=${SECRET}`
  }))
  const text = rows.map((row) => row.join(' ')).join('\n')
  t.notOk(text.includes(SECRET), text)
  t.same(Object.fromEntries(rows), {
    url: 'https://api.example.com?token=[REDACTED]',
    health: 'GET /health?key=[REDACTED], expecting 200-299',
    timeout: '2s, 1 attempt 10ms apart',
    thresholds: 'response time under 1s, TLS certificate at least 14 days, 1 failed to open, 2 healthy to resolve',
    checks: '/asset.js?sig=[REDACTED]&v=[REDACTED]',
    conditions: 'json $.build equals; body_contains',
    headers: 'Authorization (value hidden)'
  })
})

t.test('durations read as the configuration writes them', async (t) => {
  t.same([250, 1000, 1500, 10_000, 60_000, 900_000, 5_400_000].map(formatDuration), ['250ms', '1s', '1.5s', '10s', '1m', '15m', '1.5h'])
})

t.test('table columns are padded to the widest cell, the last one not at all', async (t) => {
  t.same(formatTable([['A', 'BB', 'C'], ['AAA', 'B', 'CCCC']]), ['A    BB  C', 'AAA  B   CCCC'])
})

t.test('an environment is found by its exact name, else regardless of case', async (t) => {
  const targets = [testTarget('http://a', { name: 'Production' }), testTarget('http://b', { name: 'staging' })]
  t.equal(pickEnvironment(targets, 'Production').url, 'http://a')
  t.equal(pickEnvironment(targets, 'production').url, 'http://a')
  t.throws(() => pickEnvironment(targets, 'prod'), { name: 'UsageError', message: 'no environment named "prod" (configured: Production, staging)' })
})
