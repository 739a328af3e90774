import type { Status } from '../health/status.js'

/** An incident issue on GitHub, as Vigil remembers it. */
export interface IssueRef {
  readonly number: number
  /** The issue's page (html_url), shown in the report. */
  readonly url: string
  /** ISO time the issue was opened. */
  readonly openedAt: string
}

/**
 * A GitHub write Vigil has decided on but not yet seen succeed. Persisted before the call and removed
 * after it, so a refused action is retried next cycle rather than dropped. Comments and closes act on
 * the environment's current issue at the time they run: the queue runs strictly in order.
 */
export type PendingAction =
  | { readonly id: string, readonly kind: 'open', readonly title: string, readonly body: string, readonly labels: readonly string[], readonly attempts: number }
  | { readonly id: string, readonly kind: 'comment', readonly body: string, readonly attempts: number }
  | { readonly id: string, readonly kind: 'close', readonly attempts: number }

/** Everything Vigil keeps about one environment between cycles. Times are ISO strings. */
export interface EnvironmentState {
  readonly environment: string
  readonly status: Status
  /** When the environment entered `status`. */
  readonly since: string
  /** Start of the current incident; null when there is none. */
  readonly outageSince: string | null
  /** What failed when the issue was last opened or commented on. */
  readonly lastFailures: readonly string[]
  /** When the issue was last opened or commented on (drives the daily reminder). */
  readonly lastNotifiedAt: string | null
  readonly issue: IssueRef | null
  readonly pending: readonly PendingAction[]
}

/** Durable per-environment state: in memory, or PostgreSQL shared by replicas. */
export interface Store {
  get: (environment: string) => Promise<EnvironmentState | undefined>
  put: (state: EnvironmentState) => Promise<void>
  list: () => Promise<EnvironmentState[]>
  close: () => Promise<void>
}
