import { createHmac } from 'node:crypto'
import type { WebhookSettings } from '../config/channel-settings.js'
import type { Channel, IncidentEventKind, OutboxEntry } from '../delivery/types.js'
import type { Status } from '../health/status.js'
import { postJson } from './http-post.js'
import { headline, redactedJson, type ChannelContext } from './notification.js'

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (Stripe's scheme). */
export const SIGNATURE_HEADER = 'vigil-signature'
/** Header carrying the event id, the same on every retry: receivers de-duplicate by it. */
export const EVENT_ID_HEADER = 'vigil-event-id'

/** The JSON body of a webhook delivery (docs/configuration.md, "webhook"). Times are ISO 8601 UTC. */
export interface WebhookPayload {
  /** The event's id: stable across retries and replicas; a receiver that saw it already ignores it. */
  readonly id: string
  readonly event: IncidentEventKind
  /** Stable for the whole incident: `<environment>@<outage start>`. */
  readonly incident_id: string
  readonly environment: string
  /** The latest result's status; null for `retired`. */
  readonly status: Status | null
  /** One line for humans. */
  readonly summary: string
  /** The environment's URL, without credentials. */
  readonly url: string | null
  readonly failures: readonly string[]
  /** `changed`: what failed when the receiver was last told. */
  readonly previous_failures: readonly string[] | null
  readonly http_status: number | null
  readonly response_time_ms: number | null
  /** The GitHub issue of the incident, when known. */
  readonly issue_url: string | null
  readonly outage_since: string
  readonly decided_at: string
  readonly checked_at: string | null
  readonly recovered_at: string | null
  readonly outage_seconds: number | null
  readonly flapping: boolean
}

/** The payload of `entry`. */
export function webhookPayload (entry: OutboxEntry, issueUrl: string | undefined): WebhookPayload {
  const { event } = entry
  const result = event.result
  return {
    id: event.id,
    event: event.kind,
    incident_id: event.incidentId,
    environment: event.environment,
    status: result?.status ?? null,
    summary: headline(event),
    url: result?.displayUrl ?? null,
    failures: result?.failures ?? [],
    previous_failures: event.previousFailures ?? null,
    http_status: result?.httpStatus ?? null,
    response_time_ms: result?.responseTimeMs ?? null,
    issue_url: issueUrl ?? null,
    outage_since: event.outageSince,
    decided_at: event.decidedAt,
    checked_at: result?.checkedAt ?? null,
    recovered_at: event.recoveredAt ?? null,
    outage_seconds: event.outageMs === undefined ? null : Math.round(event.outageMs / 1000),
    flapping: (event.flaps ?? 0) >= 2
  }
}

/** `t=<unix>,v1=<hex>`: HMAC-SHA256 with `secret` over `<unix>.<body>`, body as sent (bytes of UTF-8). */
export function signatureHeader (body: string, secret: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000)
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
  return `t=${t},v1=${v1}`
}

/**
 * A generic signed webhook: every event (opened, changed, reminder, resolved, retired) POSTed as
 * JSON, signed with HMAC-SHA256 over `<timestamp>.<body>` in `Vigil-Signature`, its id in
 * `Vigil-Event-Id`. The id is the same on every retry, so a receiver that de-duplicates by it never
 * acts twice on a delivery whose answer was lost. 2xx delivered; 429 holds (Retry-After); 5xx and no
 * answer retried; other 4xx permanent. The URL and secret are never shown (http-post.ts).
 */
export function createWebhookChannel (name: string, settings: WebhookSettings, context: ChannelContext, now: () => Date = () => new Date()): Channel {
  return {
    name,
    async deliver (entry) {
      const link = await context.issueLink(entry.environment).catch(() => undefined)
      const body = JSON.stringify(redactedJson(webhookPayload(entry, link), context.redact))
      await postJson(settings.url, body, {
        receiver: 'Webhook',
        redact: context.redact,
        signal: context.signal,
        headers: { [SIGNATURE_HEADER]: signatureHeader(body, settings.secret, now()), [EVENT_ID_HEADER]: entry.event.id },
        ...(context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs }),
        ...(context.dispatcher === undefined ? {} : { dispatcher: context.dispatcher })
      })
    }
  } satisfies Channel
}
