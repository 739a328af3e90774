import type { Dispatcher } from 'undici'
import type { Channel, IncidentEvent } from '../delivery/types.js'
import type { Redactor } from '../redact.js'
import type { IncidentLog } from '../structured-log.js'
import { displayName } from './github-render.js'

/** What a notification channel (PagerDuty, Slack, Discord, e-mail, webhook) is given besides its settings. */
export interface ChannelContext {
  /** The process redactor: every text a channel sends or logs passes through it. */
  readonly redact: Redactor
  readonly log: IncidentLog
  /** Aborted at shutdown: requests in flight stop, the entry stays pending. */
  readonly signal: AbortSignal
  /** The incident's GitHub issue (its html_url), when the GitHub channel holds one for the environment. */
  readonly issueLink: (environment: string) => Promise<string | undefined>
  /** Deadline of one delivery request; http-post.ts's default when absent. */
  readonly timeoutMs?: number
  /** undici dispatcher for the channel's requests (tests, proxies); the global one when absent. */
  readonly dispatcher?: Dispatcher
}

/** Builds one declared channel: `name` as declared, `settings` validated against its kind's schema. */
export type ChannelFactory<S> = (name: string, settings: S, context: ChannelContext) => Channel


/**
 * One line saying what happened, for a page's summary or a message's fallback text:
 * `Production is down (unhealthy): HTTP 502 from /health`, `Production is degraded: …`,
 * `Production: what fails changed (unhealthy): …`, `Production is still down (unhealthy): …`,
 * `Production has recovered after 42 min`, `Production is no longer monitored; its incident is closed`.
 * Not redacted: the caller redacts what it sends.
 */
export function headline (event: IncidentEvent): string {
  const name = displayName(event.environment)
  const status = event.result?.status ?? 'unhealthy'
  const failures = event.result?.failures ?? []
  const what = failures.length === 0 ? '' : `: ${failures.join('; ')}`
  switch (event.kind) {
    case 'opened': return status === 'degraded' ? `${name} is degraded${what}` : `${name} is down (${status})${what}`
    case 'changed': return `${name}: what fails changed (${status})${what}`
    case 'reminder': return `${name} is still down (${status})${what}`
    case 'resolved': return `${name} has recovered${event.outageMs === undefined ? '' : ` after ${Math.max(1, Math.round(event.outageMs / 60_000))} min`}`
    case 'retired': return `${name} is no longer monitored; its incident is closed`
  }
}

/**
 * `value` with every secret the redactor knows removed from its strings (serialised, redacted,
 * parsed: a redaction marker never breaks the JSON). What a channel sends goes through it before
 * its own credential (a routing key) is added.
 */
export function redactedJson<T> (value: T, redact: Redactor): T {
  return JSON.parse(redact(JSON.stringify(value))) as T
}

/** The same context under the name the chat channels use. */
export type NotificationContext = ChannelContext
