import t from 'tap'
import { environmentMarker, fitBody, formatDuration, GITHUB_BODY_LIMIT, incidentLabels, incidentTitle, renderChangeComment, renderIssueBody } from '../../src/channels/github-render.js'
import { createRedactor } from '../../src/redact.js'
import { checkResult } from '../support/check-results.js'

t.test('title capitalises a one-word environment name and keeps any other name as configured', async (t) => {
  t.equal(incidentTitle('production'), 'Production Deployment Health Check Failed')
  t.equal(incidentTitle('staging'), 'Staging Deployment Health Check Failed')
  t.equal(incidentTitle('tls-edge'), 'tls-edge Deployment Health Check Failed')
  t.equal(incidentTitle('pr-42'), 'pr-42 Deployment Health Check Failed')
  t.equal(incidentTitle('eu.api'), 'eu.api Deployment Health Check Failed')
  t.equal(incidentTitle('QA'), 'QA Deployment Health Check Failed')
})

t.test('labels: base plus own; production without labels of its own is urgent', async (t) => {
  t.same(incidentLabels('production', []), ['deployment-alert', 'urgent'])
  t.same(incidentLabels('production', ['p1']), ['deployment-alert', 'p1'])
  t.same(incidentLabels('staging', []), ['deployment-alert'])
  t.same(incidentLabels('staging', ['qa', 'deployment-alert'], ['deployment-alert', 'ops']), ['deployment-alert', 'ops', 'qa'])
})

t.test('outage lengths read naturally', async (t) => {
  t.equal(formatDuration(0), '0s')
  t.equal(formatDuration(45_000), '45s')
  t.equal(formatDuration(5_400_000), '1h 30m')
  t.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 60_000), '3d 4h')
})

t.test('the body carries the marker, the facts, every attempt and the action items, redacted', async (t) => {
  const redact = createRedactor(['s3cr3t-token-value'])
  const result = checkResult('staging', 'unhealthy', { displayUrl: 'https://u:pw-secret@staging.example.com', error: 'boom s3cr3t-token-value' })
  const body = renderIssueBody(result, redact)
  t.ok(body.startsWith(environmentMarker('staging')))
  t.match(body, /\| 1 \|[\s\S]*\| 2 \|[\s\S]*\| 3 \|/)
  t.match(body, /railway logs --environment staging/)
  t.match(body, /railway variables --environment staging/)
  t.notMatch(body, /pw-secret|s3cr3t-token-value/)
})

t.test('a body with many long failures and paths fits GitHub\'s limit and says how many were left out', async (t) => {
  const long = (i: number): string => `/assets/${String(i).padStart(3, '0')}-${'x'.repeat(2_000)}`
  const base = checkResult('production', 'unhealthy')
  const result = {
    ...base,
    failures: Array.from({ length: 17 }, (_, i) => `${long(i)} answered HTTP 404`).concat(Array.from({ length: 30 }, (_, i) => `failure ${i}`)),
    paths: Array.from({ length: 40 }, (_, i) => ({ path: long(i), httpStatus: 404, responseTimeMs: 12 }))
  }
  const body = renderIssueBody(result, createRedactor([]))
  t.ok(body.length <= GITHUB_BODY_LIMIT, `${body.length} characters`)
  t.ok(body.startsWith(environmentMarker('production')), 'the marker survives')
  t.match(body, /- … and 27 more/)
  t.match(body, /\| … and 20 more \|/)
  t.match(body, /### Action items/)
})

t.test('fitBody cuts only what is still too long, at a line, and says so', async (t) => {
  t.equal(fitBody('short'), 'short')
  const huge = Array.from({ length: 2_000 }, (_, i) => `line ${i} ${'y'.repeat(60)}`).join('\n')
  const fitted = fitBody(huge)
  t.ok(fitted.length <= GITHUB_BODY_LIMIT)
  t.match(fitted, /cut to fit GitHub's 65536-character limit/)
  t.ok(huge.startsWith(fitted.split('\n\n_…')[0]!), 'a prefix of the original')
})

t.test('the body names the full URL that failed, not the base URL', async (t) => {
  const base = checkResult('staging', 'unhealthy', { displayUrl: 'https://staging.example.com' })
  const body = renderIssueBody({ ...base, healthUrl: 'https://staging.example.com/api/health' }, createRedactor([]))
  t.match(body, /^- \*\*Failing URL:\*\* https:\/\/staging\.example\.com\/api\/health$/m)
  t.notMatch(body, /^- \*\*URL:\*\* https:\/\/staging\.example\.com$/m)

  const onlyPath = renderIssueBody({
    ...checkResult('staging', 'unhealthy', { failures: ['/api/orders: HTTP 500'] }),
    attempts: [{ attempt: 1, startedAt: '2026-11-26T10:00:00.000Z', httpStatus: 200, responseTimeMs: 12 }],
    healthUrl: 'https://staging.example.com/health',
    paths: [{ path: '/api/orders', url: 'https://staging.example.com/api/orders', httpStatus: 500, responseTimeMs: 9, error: 'HTTP 500' }]
  }, createRedactor([]))
  t.match(onlyPath, /^- \*\*Failing URL:\*\* https:\/\/staging\.example\.com\/api\/orders$/m, 'an extra path that failed is the failing URL')
})

t.test('the body shows the application\'s own answer, shortened and redacted, in a block it cannot break out of', async (t) => {
  const secret = 'planted-secret-in-the-answer'
  const result = { ...checkResult('staging', 'unhealthy'), healthUrl: 'https://staging.example.com/health', bodyExcerpt: `{"status":"unhealthy","redis":"${secret}","note":"\`\`\` @here"}` }
  const body = renderIssueBody(result, createRedactor([secret]))
  t.match(body, /### The application's answer\n````json\n\{"status":"unhealthy","redis":"\[REDACTED\]","note":"``` @here"\}\n````\n/)
  t.notMatch(body, secret)
  t.ok(body.indexOf("### The application's answer") < body.indexOf('### Attempts'), 'before the attempts')
  t.notMatch(renderIssueBody(checkResult('staging', 'unhealthy'), createRedactor([])), /The application's answer/, 'no section without a body')
})

t.test('failures list the health path first, then extra paths in the order configured', async (t) => {
  const result = {
    ...checkResult('staging', 'unhealthy', { failures: ['/api/a: HTTP 500', '/health: HTTP 503', '/zeta: HTTP 404', 'TLS certificate "x" expires on 2026-12-01, less than 14 days away'] }),
    paths: [{ path: '/zeta', httpStatus: 404, responseTimeMs: 1, error: 'HTTP 404' }, { path: '/api/a', httpStatus: 500, responseTimeMs: 1, error: 'HTTP 500' }]
  }
  const listed = (text: string): string[] => [...text.matchAll(/^- (\/\S+|TLS)/gm)].map((m) => m[1]!)
  t.same(listed(renderIssueBody(result, createRedactor([]))), ['/health:', 'TLS', '/zeta:', '/api/a:'])
  t.same(listed(renderChangeComment(result, [], 'a1', createRedactor([]))), ['/health:', 'TLS', '/zeta:', '/api/a:'], 'comments too')
})

t.test('a deploy event is shown in its own section; a failed verification names the incident and lists each try', async (t) => {
  const redact = createRedactor(['whsec-planted-secret-000000'])
  const base = checkResult('production', 'unhealthy')
  const deploy = {
    event: { type: 'Deployment.deployed', deploymentId: 'dep-9', status: 'SUCCESS', timestamp: '2026-11-26T09:59:00Z', service: 'api', branch: 'main', commitHash: '0123456789abcdef0123', commitAuthor: 'Ada', commitMessage: 'Ship | it\nnow' },
    verification: { of: 'deployment' as const, healthy: false, delayMs: 10_000, attempts: [1, 2].map((n) => ({ checkedAt: `2026-11-26T10:00:0${n}Z`, status: 'unhealthy' as const, httpStatus: 502, responseTimeMs: 12, failures: ['HTTP 502 from /health'] })) },
    rollback: { outcome: 'requested' as const, toDeploymentId: 'dep-8' }
  }
  t.equal(incidentTitle('production', deploy), 'Production Deployment Verification Failed')
  t.equal(incidentTitle('production', { event: deploy.event }), 'Production Deployment Health Check Failed', 'a crash keeps the health-check title')
  const body = renderIssueBody({ ...base, deploy }, redact)
  t.match(body, '### Railway deploy event')
  t.match(body, '`0123456789ab` on `main`')
  t.match(body, 'Ship \\| it now', 'table-safe message')
  t.match(body, /^\| 2 \| 2026-11-26 10:00:02 UTC \| unhealthy \| 502 \| 12 ms \| HTTP 502 from \/health \|$/m)
  t.match(body, /Automatic rollback:.*`dep-8`/)
  t.notMatch(renderIssueBody(base, redact), 'Railway deploy event', 'no section without a deploy event')
})
