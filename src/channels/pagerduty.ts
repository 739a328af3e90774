import type { PagerdutySettings } from '../config/channel-settings.js'
import type { Channel, IncidentEvent, OutboxEntry } from '../delivery/types.js'
import { postJson } from './http-post.js'
import { headline, redactedJson, type ChannelContext } from './notification.js'

/** PagerDuty's Events API v2 endpoint (https://developer.pagerduty.com/api-reference/368ae3d938c9e-send-an-event-to-pager-duty). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue'
/** Events API v2 limits: `payload.summary` at most 1024 characters, `dedup_key` at most 255. */
export const MAX_SUMMARY = 1024
const MAX_DEDUP_KEY = 255
const MAX_SOURCE = 255

type Severity = NonNullable<PagerdutySettings['severity']>

/**
 * The alert key of an incident: environment and incident id (`<environment>@<outage start>`), so a
 * retry, a second replica or a `changed` trigger all land on the one open alert (PagerDuty merges
 * events with an open alert's key), and the resolve closes exactly it.
 */
export const dedupKeyOf = (event: Pick<IncidentEvent, 'incidentId'>): string => `vigil/${event.incidentId}`.slice(0, MAX_DEDUP_KEY)

/**
 * The severity of a trigger: the setting (default `critical` for an environment named production,
 * `error` otherwise) while the incident is unhealthy; one step lower while it is only degraded
 * (`warning`, or `info` when the setting is `info`), so a degraded page never outranks a real outage.
 */
export function severityOf (event: IncidentEvent, configured: Severity | undefined): Severity {
  const base = configured ?? (event.environment.toLowerCase() === 'production' ? 'critical' : 'error')
  if (event.result?.status !== 'degraded') return base
  return base === 'info' ? 'info' : 'warning'
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`)

// The host of the environment's shown URL (already without credentials): "the unique location of the affected system".
function sourceOf (event: IncidentEvent): string {
  const url = event.result?.displayUrl
  if (url === undefined || !URL.canParse(url)) return `vigil/${event.environment}`
  return clip(new URL(url).host, MAX_SOURCE)
}

/** The Events API v2 body of `entry` without its routing key, or null when PagerDuty is told nothing (reminders). */
export function pagerdutyEvent (entry: OutboxEntry, severity: Severity | undefined, issueLink: string | undefined): Record<string, unknown> | null {
  const { event } = entry
  const dedupKey = dedupKeyOf(event)
  if (event.kind === 'reminder') return null
  if (event.kind === 'resolved' || event.kind === 'retired') return { event_action: 'resolve', dedup_key: dedupKey }
  const result = event.result
  return {
    event_action: 'trigger',
    dedup_key: dedupKey,
    client: 'Vigil',
    ...(issueLink === undefined ? {} : { client_url: issueLink, links: [{ href: issueLink, text: 'GitHub issue of the incident' }] }),
    payload: {
      summary: clip(headline(event), MAX_SUMMARY),
      source: sourceOf(event),
      severity: severityOf(event, severity),
      timestamp: result?.checkedAt ?? event.decidedAt,
      component: event.environment,
      class: 'health check',
      group: 'vigil',
      custom_details: {
        environment: event.environment,
        status: result?.status ?? null,
        url: result?.displayUrl ?? null,
        failures: result?.failures ?? [],
        ...(event.previousFailures === undefined ? {} : { previous_failures: event.previousFailures }),
        http_status: result?.httpStatus ?? null,
        response_time_ms: result?.responseTimeMs ?? null,
        outage_since: event.outageSince,
        ...((event.flaps ?? 0) >= 2 ? { flapping: true } : {}),
        incident: event.incidentId
      }
    }
  }
}

/**
 * PagerDuty Events API v2: `trigger` on `opened` and `changed` (same dedup_key: PagerDuty updates the
 * open alert, it does not page again), `resolve` on `resolved` and `retired`, nothing on `reminder`.
 * Answers: 202 delivered; 400 (invalid event, unknown routing key) permanent; 429 rate-limited
 * (Retry-After, else a minute); 5xx and no answer retried — safe, the dedup_key makes a repeat a no-op.
 * The body is redacted before the routing key is added; the key never appears in a reason.
 */
export function createPagerdutyChannel (name: string, settings: PagerdutySettings, context: ChannelContext): Channel {
  const url = settings.url ?? PAGERDUTY_EVENTS_URL
  return {
    name,
    async deliver (entry) {
      const link = await context.issueLink(entry.environment).catch(() => undefined)
      const body = pagerdutyEvent(entry, settings.severity, link)
      if (body === null) return
      const redacted = redactedJson(body, context.redact)
      await postJson(url, { routing_key: settings.routing_key, ...redacted }, {
        receiver: 'PagerDuty',
        redact: context.redact,
        signal: context.signal,
        ...(context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs }),
        ...(context.dispatcher === undefined ? {} : { dispatcher: context.dispatcher })
      })
    }
  } satisfies Channel
}
