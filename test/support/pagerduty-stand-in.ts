import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { startFailingReceiver, type FailingReceiver } from './receiver-failures.js'

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

/**
 * An Events API v2 event as PagerDuty documents it
 * (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ and /resolve-events/):
 * routing_key is the 32-character integration key; a trigger needs a payload with summary (at most
 * 1024 characters), source and severity; acknowledge and resolve need the dedup_key (at most 255).
 */
export const PAGERDUTY_EVENT_SCHEMA = {
  type: 'object',
  required: ['routing_key', 'event_action'],
  additionalProperties: false,
  properties: {
    routing_key: { type: 'string', minLength: 32, maxLength: 32 },
    event_action: { enum: ['trigger', 'acknowledge', 'resolve'] },
    dedup_key: { type: 'string', minLength: 1, maxLength: 255 },
    payload: {
      type: 'object',
      required: ['summary', 'source', 'severity'],
      additionalProperties: false,
      properties: {
        summary: { type: 'string', minLength: 1, maxLength: 1024 },
        source: { type: 'string', minLength: 1 },
        severity: { enum: ['critical', 'error', 'warning', 'info'] },
        timestamp: { type: 'string', format: 'date-time' },
        component: { type: 'string' },
        group: { type: 'string' },
        class: { type: 'string' },
        custom_details: { type: 'object' }
      }
    },
    images: { type: 'array', items: { type: 'object', required: ['src'], additionalProperties: false, properties: { src: { type: 'string' }, href: { type: 'string' }, alt: { type: 'string' } } } },
    links: { type: 'array', items: { type: 'object', required: ['href'], additionalProperties: false, properties: { href: { type: 'string', format: 'uri' }, text: { type: 'string' } } } },
    client: { type: 'string' },
    client_url: { type: 'string', format: 'uri' }
  },
  allOf: [
    { if: { properties: { event_action: { const: 'trigger' } } }, then: { required: ['payload'] } },
    { if: { properties: { event_action: { enum: ['acknowledge', 'resolve'] } } }, then: { required: ['dedup_key'] } }
  ]
} as const

/** One alert PagerDuty holds, by dedup_key. */
export interface StandInAlert {
  readonly dedupKey: string
  status: 'triggered' | 'resolved'
  /** Trigger events merged into it (the first included). */
  triggers: number
  /** The latest trigger's payload and links. */
  payload: Record<string, unknown>
  links: unknown[]
}

/** One accepted event, as sent (routing key included). */
export interface StandInEvent { readonly event_action: string, readonly dedup_key?: string, readonly routing_key: string, readonly payload?: Record<string, unknown>, readonly links?: unknown[] }

export interface PagerdutyStandIn extends FailingReceiver {
  /** The Events API endpoint to put in the channel's `url` setting. */
  readonly eventsUrl: string
  /** The integration key it accepts (others are refused with 400). */
  readonly routingKey: string
  /** Every valid event accepted, in order. */
  readonly events: StandInEvent[]
  /** Alerts by dedup_key. */
  readonly alerts: Map<string, StandInAlert>
  /** Times someone was paged: a trigger that opened an alert (a trigger on an open key merges). */
  pages: () => number
  /** Every way an event departed from the documented format; should stay empty. */
  readonly violations: string[]
}

/**
 * A local PagerDuty Events API v2: validates every event against PAGERDUTY_EVENT_SCHEMA (ajv),
 * answers as PagerDuty does (202 `{status, message, dedup_key}`, 400 `invalid event`), and keeps
 * alerts like PagerDuty: one open alert per dedup_key; a trigger on an open key is merged into it
 * (no new page), a resolve closes it, a trigger after the resolve opens a new one (a new page).
 */
export async function startPagerdutyStandIn (routingKey = 'R0UTINGKEY0PLANTED0000000000abcd'): Promise<PagerdutyStandIn> {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false })
  addFormats(ajv)
  const validate = ajv.compile(PAGERDUTY_EVENT_SCHEMA)
  const events: StandInEvent[] = []
  const alerts = new Map<string, StandInAlert>()
  const violations: string[] = []
  let pages = 0
  let generated = 0
  const invalid = (errors: string[]) => ({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } })

  const receiver = await startFailingReceiver((request) => {
    if (request.path !== '/v2/enqueue') return { status: 404, body: { status: 'not found' } }
    let event: unknown
    try { event = JSON.parse(request.body) } catch { violations.push('body is not JSON'); return invalid(['Malformed JSON']) }
    if (!validate(event)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`)
      violations.push(...errors)
      return invalid(errors)
    }
    const accepted = event as unknown as StandInEvent
    if (accepted.routing_key !== routingKey) return invalid(['Invalid routing key'])
    events.push(accepted)
    const key = accepted.dedup_key ?? `generated-${++generated}`
    const alert = alerts.get(key)
    if (accepted.event_action === 'trigger') {
      if (alert?.status === 'triggered') {
        alert.triggers += 1
        alert.payload = accepted.payload ?? {}
        alert.links = accepted.links ?? []
      } else {
        pages += 1
        alerts.set(key, { dedupKey: key, status: 'triggered', triggers: 1, payload: accepted.payload ?? {}, links: accepted.links ?? [] })
      }
    } else if (accepted.event_action === 'resolve' && alert !== undefined) {
      alert.status = 'resolved'
    }
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } }
  }, (mode) => mode === 'bad-request'
    ? { status: 'invalid event', message: 'Event object is invalid', errors: ['simulated'] }
    : mode === 'rate-limited'
      ? { status: 'throttle event', message: 'Requests for this service are arriving too quickly. Please retry later.' }
      : { status: 'error', message: 'Internal server error' })

  return Object.assign(receiver, { eventsUrl: `${receiver.url}/v2/enqueue`, routingKey, events, alerts, violations, pages: () => pages })
}
