import t from 'tap'
import { createHmac } from 'node:crypto'
import { pagerdutyEvent, severityOf, MAX_SUMMARY } from '../../src/channels/pagerduty.js'
import { createChannel } from '../../src/channels/registry.js'
import { signatureHeader, webhookPayload } from '../../src/channels/webhook.js'
import { snapshotOf } from '../../src/delivery/snapshot.js'
import type { IncidentEvent, OutboxEntry } from '../../src/delivery/types.js'
import { createRedactor } from '../../src/redact.js'
import { silentLog } from '../../src/structured-log.js'
import { checkResult } from '../support/check-results.js'
import { verifySignature } from '../support/webhook-receiver.js'

const AT = '2026-11-26T10:00:00.000Z'
const entryOf = (event: Partial<IncidentEvent> & Pick<IncidentEvent, 'kind'>, failures = ['HTTP 502 from /health']): OutboxEntry => ({
  id: 'entry-1', seq: 1, channel: 'pager', environment: 'production', createdAt: AT, notBefore: AT, attempts: 0, state: 'pending', lastError: null, finishedAt: null,
  event: { id: 'event-1', environment: 'production', incidentId: `production@${AT}`, decidedAt: AT, outageSince: AT, result: snapshotOf(checkResult('production', 'unhealthy', { failures })), ...event }
})

t.test('PagerDuty: a summary fits 1024 characters however many failures; nothing on a reminder; resolve by key', async (t) => {
  const long = pagerdutyEvent(entryOf({ kind: 'opened' }, Array.from({ length: 200 }, (_, i) => `/asset/${i}.js: HTTP 404`)), undefined, undefined)
  const summary = (long?.payload as { summary: string }).summary
  t.equal(summary.length, MAX_SUMMARY)
  t.ok(summary.endsWith('…'))
  t.equal(pagerdutyEvent(entryOf({ kind: 'reminder' }), undefined, undefined), null)
  t.same(pagerdutyEvent(entryOf({ kind: 'retired', result: null }), undefined, undefined), { event_action: 'resolve', dedup_key: `vigil/production@${AT}` })
})

t.test('PagerDuty severity: the setting, production critical, others error; degraded one step lower', async (t) => {
  const degraded = { ...entryOf({ kind: 'opened' }).event, result: snapshotOf(checkResult('production', 'degraded')) }
  t.equal(severityOf(entryOf({ kind: 'opened' }).event, undefined), 'critical')
  t.equal(severityOf({ ...entryOf({ kind: 'opened' }).event, environment: 'staging' }, undefined), 'error')
  t.equal(severityOf(entryOf({ kind: 'opened' }).event, 'warning'), 'warning')
  t.equal(severityOf(degraded, undefined), 'warning')
  t.equal(severityOf(degraded, 'info'), 'info')
})

t.test('webhook: the signature is HMAC-SHA256 over "<t>.<body>" and verifies as the docs show', async (t) => {
  const body = JSON.stringify(webhookPayload(entryOf({ kind: 'opened' }), 'https://github.example/acme/platform/issues/1'))
  const at = new Date(AT)
  const header = signatureHeader(body, 'whsec_test_secret_0123', at)
  const t0 = Math.floor(at.getTime() / 1000)
  t.equal(header, `t=${t0},v1=${createHmac('sha256', 'whsec_test_secret_0123').update(`${t0}.${body}`).digest('hex')}`)
  t.equal(verifySignature(header, body, 'whsec_test_secret_0123', at.getTime()), null)
  t.equal(verifySignature(header, `${body} `, 'whsec_test_secret_0123', at.getTime()), 'signature does not match', 'a changed body fails')
  t.equal(verifySignature(header, body, 'another-secret-000000', at.getTime()), 'signature does not match')
  t.equal(verifySignature(header, body, 'whsec_test_secret_0123', at.getTime() + 301_000), 'signature too old')
})

t.test('the registry builds a channel under its declared name, and nothing for a kind it does not have', async (t) => {
  const context = { redact: createRedactor([]), log: silentLog, signal: new AbortController().signal, issueLink: async () => undefined }
  const pager = await createChannel({ name: 'pager', kind: 'pagerduty', minStatus: 'unhealthy', settings: { routing_key: 'k'.repeat(32) } }, context)
  t.equal(pager?.name, 'pager')
  t.equal(await createChannel({ name: 'chat', kind: 'slack', minStatus: 'unhealthy', settings: { url: 'https://hooks.slack.com/x' } }, context, {}), undefined)
})
