import type { Status } from '../health/status.js'
import type { CheckResult, LeadershipRole } from '../monitor/types.js'

/** One check result as the history keeps it: what the status page and the report need, nothing secret. */
export interface HistoryEntry {
  readonly environment: string
  readonly checkedAt: Date
  readonly status: Status
  /** Of the health request's last attempt, in milliseconds; null when nothing answered. */
  readonly responseTimeMs: number | null
  readonly httpStatus: number | null
  readonly tlsDaysLeft: number | null
}

/**
 * Past check results per environment, for uptime, charts and the report. In memory (a bounded ring
 * per environment, this replica's own results) or PostgreSQL (shared, written by the leader only).
 */
export interface ResultHistory {
  /** `memory` or `postgres`, shown on the page and in `/status.json`. */
  readonly kind: 'memory' | 'postgres'
  /**
   * Takes a cycle's results; returns at once and never throws (a failed write is logged and shown
   * as the `history` component, never waited on). A shared store writes only when `role` is `leader`.
   */
  record: (results: readonly CheckResult[], role: LeadershipRole) => void
  /**
   * Entries checked at or after `since`, oldest first, keyed by environment; only `environments`'
   * (names as monitored) when given, every environment's otherwise. An environment without an entry
   * in the period is absent. Rejects when the store cannot answer.
   */
  read: (since: Date, environments?: readonly string[]) => Promise<Map<string, HistoryEntry[]>>
  /**
   * The newest entry of each of `environments` checked at or after `since` (absent without one):
   * what a status page needs of every environment (its status, when it is newer than the board's).
   * One entry each, never the whole history; the memory store reads it a slice of environments at a
   * time. Rejects when the store cannot answer.
   */
  latest: (since: Date, environments: readonly string[]) => Promise<Map<string, HistoryEntry>>
  close: () => Promise<void>
}

/** The part of a result the history keeps. */
export function historyEntry (result: CheckResult): HistoryEntry {
  return {
    environment: result.environment,
    checkedAt: result.checkedAt,
    status: result.status,
    responseTimeMs: result.responseTimeMs === null ? null : Math.round(result.responseTimeMs),
    httpStatus: result.httpStatus,
    tlsDaysLeft: result.tlsDaysLeft === null ? null : Math.floor(result.tlsDaysLeft)
  }
}

/** Default retention of results (HISTORY_RETENTION): 30 days, as Gatus and Upptime keep. */
export const DEFAULT_HISTORY_RETENTION_MS = 30 * 86_400_000
/** Most results the memory history keeps per environment, whatever the interval. */
export const MAX_MEMORY_ENTRIES = 10_000

/**
 * Ring size of the memory history: enough results to cover the retention at the monitor's
 * interval, at most MAX_MEMORY_ENTRIES (30 days at 15 m is 2 880; at 1 m the ring holds ~7 days).
 */
export function memoryCapacity (retentionMs: number, intervalMs: number): number {
  return Math.max(1, Math.min(MAX_MEMORY_ENTRIES, Math.ceil(retentionMs / Math.max(1, intervalMs)) + 1))
}
