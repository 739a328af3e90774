import type { Dispatcher } from 'undici'
import type { Channel, IncidentEvent } from '../delivery/types.js'
import type { Redactor } from '../redact.js'
import type { IncidentLog } from '../structured-log.js'

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

/** `production` → `Production`, as in the GitHub issue titles. */
export const displayName = (environment: string): string => environment.charAt(0).toUpperCase() + environment.slice(1)

const WORDS: Record<IncidentEvent['kind'], string> = {
  opened: 'is down',
  changed: 'is still down; what fails changed',
  reminder: 'is still down',
  resolved: 'has recovered',
  retired: 'is no longer monitored; its incident is closed'
}

/**
 * One line saying what happened, for a page's summary or a message's fallback text:
 * `Production is down (unhealthy): HTTP 502 from /health`. Not redacted: the caller redacts what it sends.
 */
export function headline (event: IncidentEvent): string {
  const status = event.result?.status
  const opened = event.kind === 'opened' && status === 'degraded' ? 'is degraded' : WORDS[event.kind]
  const failures = event.kind === 'resolved' || event.kind === 'retired' ? [] : event.result?.failures ?? []
  const state = status === undefined || event.kind === 'resolved' || event.kind === 'retired' || opened === 'is degraded' ? '' : ` (${status})`
  return `${displayName(event.environment)} ${opened}${state}${failures.length === 0 ? '' : `: ${failures.join('; ')}`}`
}

/**
 * `value` with every secret the redactor knows removed from its strings (serialised, redacted,
 * parsed: a redaction marker never breaks the JSON). What a channel sends goes through it before
 * its own credential (a routing key) is added.
 */
export function redactedJson<T> (value: T, redact: Redactor): T {
  return JSON.parse(redact(JSON.stringify(value))) as T
}
