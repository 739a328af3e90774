import { createHmac, timingSafeEqual } from 'node:crypto'
import { startFailingReceiver, type FailingReceiver } from './receiver-failures.js'

/** Keys every Vigil webhook body carries (docs/configuration.md, "webhook"). */
const REQUIRED_KEYS = [
  'id', 'event', 'incident_id', 'environment', 'status', 'summary', 'url', 'failures', 'previous_failures', 'http_status',
  'response_time_ms', 'issue_url', 'outage_since', 'decided_at', 'checked_at', 'recovered_at', 'outage_seconds', 'flapping'
]
const EVENTS = ['opened', 'changed', 'reminder', 'resolved', 'retired']
/** Signatures older than this are refused (replay protection), as the docs advise receivers. */
const TOLERANCE_SECONDS = 300

export interface WebhookReceiver extends FailingReceiver {
  /** The path to POST to: a secret-looking token in it, as real webhook URLs have. */
  readonly hookUrl: string
  /** Events accepted once each (de-duplicated by `Vigil-Event-Id`), in order. */
  readonly events: Array<Record<string, unknown>>
  /** Deliveries that carried an event id already accepted (a retry after a lost answer). */
  duplicates: () => number
  /** Signatures that did not verify, bodies that were not as documented; should stay empty. */
  readonly violations: string[]
}

/**
 * Verifies `Vigil-Signature: t=<unix>,v1=<hex>` as the docs tell receivers to: HMAC-SHA256 with the
 * shared secret over `<t>.<raw body>`, compared in constant time, `t` within five minutes.
 */
export function verifySignature (header: string | undefined, body: string, secret: string, now = Date.now()): string | null {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]))
  const t = Number(parts.t)
  if (!Number.isInteger(t) || parts.v1 === undefined) return 'no signature'
  if (Math.abs(now / 1000 - t) > TOLERANCE_SECONDS) return 'signature too old'
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest()
  const given = Buffer.from(parts.v1, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'signature does not match'
}

/** A receiver of Vigil's signed webhook: checks every signature and body, de-duplicates by event id. */
export async function startWebhookReceiver (secret: string, token = 'hookT0kenPlanted77'): Promise<WebhookReceiver> {
  const events: Array<Record<string, unknown>> = []
  const seen = new Set<string>()
  const violations: string[] = []
  let duplicates = 0
  const receiver = await startFailingReceiver((request) => {
    const problem = verifySignature(request.headers['vigil-signature'] as string | undefined, request.body, secret)
    if (problem !== null) { violations.push(problem); return { status: 401, body: { error: problem } } }
    let body: Record<string, unknown>
    try { body = JSON.parse(request.body) as Record<string, unknown> } catch { violations.push('body is not JSON'); return { status: 400, body: { error: 'not JSON' } } }
    const missing = REQUIRED_KEYS.filter((key) => !(key in body))
    if (missing.length > 0) violations.push(`missing ${missing.join(', ')}`)
    if (!EVENTS.includes(String(body.event))) violations.push(`unknown event ${String(body.event)}`)
    const id = request.headers['vigil-event-id']
    if (id !== body.id) violations.push('Vigil-Event-Id differs from the body id')
    if (seen.has(String(id))) { duplicates += 1; return { status: 200, body: { ok: true, duplicate: true } } }
    seen.add(String(id))
    events.push(body)
    return { status: 200, body: { ok: true } }
  }, (mode) => ({ error: mode }))
  return Object.assign(receiver, { hookUrl: `${receiver.url}/hooks/${token}`, events, violations, duplicates: () => duplicates })
}
