import t from 'tap'
import { fitText, incidentText, plainIncidentText } from '../../src/channels/incident-text.js'
import { snapshotOf } from '../../src/delivery/snapshot.js'
import type { IncidentEvent } from '../../src/delivery/types.js'
import { createRedactor } from '../../src/redact.js'
import { checkResult } from '../support/check-results.js'

const AT = '2026-11-26T10:00:00.000Z'
const event = (kind: IncidentEvent['kind'], status: 'unhealthy' | 'degraded' | 'healthy', extra: Partial<IncidentEvent> = {}, failures?: string[]): IncidentEvent => ({
  id: 'e', kind, environment: 'staging', incidentId: `staging@${AT}`, decidedAt: AT, outageSince: AT,
  result: kind === 'retired' ? null : snapshotOf(checkResult('staging', status, { at: new Date(AT), ...(failures === undefined ? {} : { failures }) })),
  ...extra
})
const redact = createRedactor(['s3cr3t-value'])

t.test('a degraded opening says degraded, in the title and in words', async (t) => {
  const text = incidentText(event('opened', 'degraded', {}, ['TLS certificate expires in 5 days']), redact)
  t.equal(text.title, '[Degraded] Staging Deployment Health Check Failed')
  t.equal(text.status, 'degraded')
  t.equal(text.summary, 'staging is degraded: its health check failed at 2026-11-26 10:00:00 UTC.')
  t.same(text.failures, ['TLS certificate expires in 5 days'])
})

t.test('the same failures back after a short recovery are flapping, as the GitHub comment says', async (t) => {
  const text = incidentText(event('changed', 'unhealthy', { previousFailures: ['HTTP 502 from /health'], flaps: 2 }), redact)
  t.equal(text.title, '[Flapping] Staging Deployment Health Check Failed')
  t.match(text.summary, /^staging is flapping \(.*\)\. It looked recovered and failed again 2 times during this incident\.$/)
})

t.test('a reminder says for how long; a retirement has no status and no failures', async (t) => {
  const reminder = incidentText(event('reminder', 'unhealthy', { outageSince: '2026-11-25T08:00:00.000Z' }), redact)
  t.equal(reminder.title, '[Still unhealthy] Staging Deployment Health Check Failed')
  t.match(reminder.summary, /for 1d 2h now \(since 2026-11-25 08:00:00 UTC\)/)
  const retired = incidentText(event('retired', 'unhealthy'), redact)
  t.equal(retired.status, 'unmonitored')
  t.same(retired.failures, [])
  t.match(plainIncidentText(retired, undefined), /^staging is no longer in Vigil's configuration/)
})

t.test('long lists are capped with a count, long items cut, known secrets redacted', async (t) => {
  const failures = [...Array.from({ length: 25 }, (_, i) => `failure ${i}`), 'x'.repeat(900), 'token s3cr3t-value leaked']
  const text = incidentText(event('opened', 'unhealthy', {}, failures), redact)
  t.equal(text.failures.length, 21)
  t.equal(text.failures[20], '… and 7 more')
  const long = incidentText(event('opened', 'unhealthy', {}, ['y'.repeat(900), 'token s3cr3t-value leaked']), redact)
  t.equal(long.failures[0]!.length, 500)
  t.equal(long.failures[1], 'token [REDACTED] leaked')
})

t.test('fitText cuts at a line break when one is near, and says so', async (t) => {
  t.equal(fitText('short', 10), 'short')
  t.equal(fitText('line one\nline two is long', 15), 'line one…')
  t.equal(fitText('x'.repeat(20), 10), `${'x'.repeat(9)}…`)
})
