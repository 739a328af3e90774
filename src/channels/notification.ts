import type { Dispatcher } from 'undici'
import type { Redactor } from '../redact.js'
import type { IncidentLog } from '../structured-log.js'

/** What every notification channel (Slack, Discord, e-mail, PagerDuty, webhook) is handed by the registry. */
export interface NotificationContext {
  /** The process's one redactor (knows every `${VAR}`-expanded value). */
  readonly redact: Redactor
  readonly log: IncidentLog
  /** Aborts what is in flight at shutdown; the entry stays pending. */
  readonly signal: AbortSignal
  /** The environment's open GitHub issue URL when known, to link from the message. */
  readonly issueLink: (environment: string) => Promise<string | undefined>
  /** Deadline of one delivery in ms (the channel's default when absent). */
  readonly timeoutMs?: number
  /** undici dispatcher for HTTP channels (tests, proxies); the global one when absent. */
  readonly dispatcher?: Dispatcher
}

/** The same context under the name the channel registry (branch channels-core) gives it. */
export type ChannelContext = NotificationContext
