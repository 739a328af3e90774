import type { NewOutboxEntry, OutboxEntry } from '../delivery/types.js'
import type { Status } from '../health/status.js'

/** Everything the incident policy keeps about one environment between cycles. Times are ISO strings. */
export interface EnvironmentState {
  readonly environment: string
  readonly status: Status
  /** When the environment entered `status`. */
  readonly since: string
  /** Start of the current incident; null when there is none. */
  readonly outageSince: string | null
  /** What failed when people were last told (opened or a change comment). */
  readonly lastFailures: readonly string[]
  /** When people were last told anything (drives the daily reminder). */
  readonly lastNotifiedAt: string | null
  /** When people were last told that what fails changed (drives the change-comment spacing). */
  readonly lastChangedAt: string | null
  /** Consecutive unhealthy results, and consecutive healthy or degraded ones (the thresholds). */
  readonly failureStreak: number
  readonly successStreak: number
  /** Times the current incident looked recovered and failed again before its success threshold. */
  readonly flaps: number
  /**
   * The worst status the current incident reached (null or absent without one; absent in states
   * stored before it was kept, whose incidents were unhealthy ones). Routing by `min_status` reads it.
   */
  readonly peakStatus?: Status | null
}

/** One channel's delivery figures, for the report and the metrics. */
export interface OutboxStats {
  readonly pending: number
  /** Creation time (ISO) of the oldest pending entry; null when none is pending. */
  readonly oldestPendingAt: string | null
  /** The latest entries that failed for good, newest first (at most 10). */
  readonly recentFailures: readonly OutboxEntry[]
  /** The latest entry delivered, if any. */
  readonly lastDelivered: OutboxEntry | null
  /** Per environment, when its latest delivered entry finished (ISO). */
  readonly lastDeliveredAt: Readonly<Record<string, string>>
  /** The latest entries coalesced away before anything was sent, newest first (at most 10). */
  readonly recentDropped: readonly OutboxEntry[]
}

/** A write of one outbox entry after a try. */
export type EntryUpdate = Pick<OutboxEntry, 'id'> & Partial<Pick<OutboxEntry, 'attempts' | 'notBefore' | 'state' | 'lastError' | 'finishedAt'>>

/** What a lease holder learns about the lease each time it renews or tries to take it. */
export interface LeaseView {
  /** Whether `holder` holds it now. */
  readonly held: boolean
  readonly holder: string | null
  /** When the current holder last finished a monitor cycle (ISO), if known. */
  readonly lastCycleAt: string | null
}

/**
 * Durable state: the policy's per-environment state, the outbox of decided incident events, each
 * channel's memory and hold, and the leader lease. In memory (one replica) or PostgreSQL (shared by
 * replicas). Every method may reject when the store is unreachable; none ever waits unbounded.
 */
export interface Store {
  /** Every environment's policy state. */
  loadStates: () => Promise<Map<string, EnvironmentState>>
  /**
   * Atomically writes policy states and appends outbox entries, applying the coalescing rules
   * (delivery/coalesce.ts) per channel and environment. Returns the entries it dropped.
   */
  commit: (states: readonly EnvironmentState[], entries: readonly NewOutboxEntry[], droppedAt: string) => Promise<OutboxEntry[]>
  /**
   * The first pending entry of each environment of `channel` whose `notBefore` has passed, oldest
   * first; only the first `limit` of them when given (the one probe of a channel that is down).
   */
  dueEntries: (channel: string, now: Date, limit?: number) => Promise<OutboxEntry[]>
  updateEntry: (update: EntryUpdate) => Promise<void>
  outboxStats: (channel: string) => Promise<OutboxStats>
  /** Environments with an entry still pending on any channel. */
  pendingEnvironments: () => Promise<Set<string>>
  /** A channel's memory for an environment (JSON). */
  getChannelMemory: (channel: string, environment: string) => Promise<unknown>
  setChannelMemory: (channel: string, environment: string, value: unknown) => Promise<void>
  listChannelMemory: (channel: string) => Promise<Map<string, unknown>>
  /** No write to `channel` before the returned time (ISO), if one is set. */
  getHold: (channel: string) => Promise<string | null>
  /** Holds writes to `channel` until `until` (ISO); never shortens a later hold. */
  setHold: (channel: string, until: string) => Promise<void>
  /**
   * Takes or renews the lease `name` for `holder` for `ttlMs`. Taken when free, expired, already
   * this holder's, or when its holder has finished no cycle for `staleAfterMs`.
   */
  acquireLease: (name: string, holder: string, ttlMs: number, staleAfterMs: number) => Promise<LeaseView>
  /** Records that `holder` finished a cycle now (only while it holds the lease). */
  recordCycle: (name: string, holder: string) => Promise<void>
  releaseLease: (name: string, holder: string) => Promise<void>
  close: () => Promise<void>
}
