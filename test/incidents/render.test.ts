import t from 'tap'
import { environmentMarker, formatDuration, incidentLabels, incidentTitle, renderIssueBody } from '../../src/incidents/render.js'
import { createRedactor } from '../../src/redact.js'
import { checkResult } from '../support/check-results.js'

t.test('title capitalises the environment name', async (t) => {
  t.equal(incidentTitle('production'), 'Production Deployment Health Check Failed')
  t.equal(incidentTitle('staging'), 'Staging Deployment Health Check Failed')
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
