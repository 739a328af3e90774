import type { CheckResult } from '../monitor/types.js'

/** What happened to an incident, as every channel is told. */
export type IncidentEventKind = 'opened' | 'changed' | 'reminder' | 'resolved' | 'retired'

/** A check result as stored in the outbox (JSON: times are ISO strings). */
export type ResultSnapshot = Omit<CheckResult, 'checkedAt' | 'tlsExpiresAt'> & { readonly checkedAt: string, readonly tlsExpiresAt: string | null }

/**
 * One decided incident event, the same for every channel; each channel renders it its own way.
 * `retired` means the environment is no longer configured: its incident is closed unresolved.
 */
export interface IncidentEvent {
  readonly id: string
  readonly kind: IncidentEventKind
  readonly environment: string
  /** Stable for the whole incident: `<environment>@<outage start ISO>`. */
  readonly incidentId: string
  /** When the decision was taken (ISO). */
  readonly decidedAt: string
  /** Start of the outage (ISO). */
  readonly outageSince: string
  /** The result that caused the event; null for `retired`. */
  readonly result: ResultSnapshot | null
  /** `changed`: what failed when people were last told. */
  readonly previousFailures?: readonly string[]
  /** `resolved`: time of recovery (ISO) and outage length in ms. */
  readonly recoveredAt?: string
  readonly outageMs?: number
  /** Recoveries cut short so far in this incident (flapping when 2 or more). */
  readonly flaps?: number
}

/** Where an outbox entry stands. `dropped`: coalesced away before anything was sent. */
export type EntryState = 'pending' | 'delivered' | 'failed' | 'dropped'

/** One event waiting for (or done with) one channel. Delivered in `seq` order per channel and environment. */
export interface OutboxEntry {
  readonly id: string
  readonly seq: number
  readonly channel: string
  readonly environment: string
  readonly event: IncidentEvent
  readonly createdAt: string
  /** Tries started so far (counted before each try, so a crash mid-write counts). */
  readonly attempts: number
  /** No try before this time (ISO): backoff, a lost answer, a rate limit. */
  readonly notBefore: string
  readonly state: EntryState
  /** Last failure, in words, redacted. */
  readonly lastError: string | null
  readonly finishedAt: string | null
}

/** An entry to add: the store assigns `seq` and applies the coalescing rules. */
export type NewOutboxEntry = Pick<OutboxEntry, 'id' | 'channel' | 'environment' | 'event' | 'createdAt' | 'notBefore'>

/** How a failed delivery is treated (see docs/architecture.md, "Delivery"). */
export type FailureClass =
  /** 5xx, timeouts, resets: tried again with backoff; the write may have happened. */
  | 'retryable'
  /** 4xx a retry cannot change (400, 401, 403 without rate-limit headers, 404, 410, 422): never sent again. */
  | 'permanent'
  /** The receiver asked to wait: no write to this channel before `retryAt`, across restarts and replicas. */
  | 'rate-limited'

/** A delivery that did not happen, classified; `reason` is short, human and redacted. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError'
  readonly failure: FailureClass
  readonly retryAt: Date | undefined

  constructor (failure: FailureClass, reason: string, options: { retryAt?: Date, cause?: unknown } = {}) {
    super(reason, { cause: options.cause })
    this.failure = failure
    this.retryAt = options.retryAt
  }
}

/** A channel's own durable memory per environment (GitHub: the open issue). */
export interface ChannelMemory<T> {
  get: (environment: string) => Promise<T | undefined>
  set: (environment: string, value: T | undefined) => Promise<void>
}

/** What a channel learns when it checks its credentials at start-up. */
export interface ChannelVerdict {
  readonly ok: boolean
  /** One line for the log and the report. */
  readonly message: string
}

/** An open incident a channel already holds (found at start-up), keyed by environment. */
export interface OpenIncident<T = unknown> {
  readonly environment: string
  readonly openedAt: string
  /** What the channel remembers of it once adopted (GitHub: the issue). */
  readonly held: T
}

/** Something that carries incident events to people: GitHub issues first, paging and chat next. */
export interface Channel<T = unknown> {
  readonly name: string
  /** Carries one event; throws DeliveryError when it could not. `maybeDone`: an earlier try may have worked. */
  deliver: (entry: OutboxEntry, memory: ChannelMemory<T>, maybeDone: boolean) => Promise<void>
  /** Checks credentials and access once at start-up. */
  verify?: () => Promise<ChannelVerdict>
  /** Incidents this channel has open, to adopt after lost state and to retire removed environments. */
  openIncidents?: () => Promise<Array<OpenIncident<T>>>
  /** Stops what is in flight (shutdown); the entry stays pending and is tried again later. */
  close?: () => void
  /** The incident link shown in the report for what `memory` holds. */
  link?: (held: T) => { issue_url: string, opened_at: string } | undefined
}
