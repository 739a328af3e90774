import type { ComponentState } from '../health/component-registry.js'
import type { EnvironmentSummary } from '../health/environment-board.js'
import type { Redactor } from '../redact.js'
import { redactValue } from '../redact.js'
import type { ResultHistory } from '../state/history.js'
import { buildStatusSnapshot, UPTIME_WINDOWS, type StatusSnapshot } from './status-snapshot.js'

/** Longest a page waits for the history; past it the page shows the latest checks only. */
export const HISTORY_READ_DEADLINE_MS = 3_000

async function withDeadline<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`the history did not answer within ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Where a snapshot's data comes from: the live board and components, and the history store. */
export interface SnapshotSources {
  readonly environments: readonly string[]
  readonly board: Readonly<Record<string, EnvironmentSummary>>
  readonly components: readonly ComponentState[]
  readonly history: Pick<ResultHistory, 'read' | 'kind'>
  readonly intervalMs: number
  readonly refreshMs: number
  readonly retentionMs: number
  readonly links: StatusSnapshot['links']
  readonly redact: Redactor
  /** HISTORY_READ_DEADLINE_MS by default. */
  readonly readDeadlineMs?: number
}

/**
 * Reads the history (30 days and two intervals back, for the 30-day uptime) and builds the
 * snapshot, redacted. A history that cannot answer (or not within the deadline) leaves the latest checks on show, with the
 * reason in `history.error`; it never fails the page.
 */
export async function loadSnapshot (sources: SnapshotSources, now: Date, periodMs: number): Promise<StatusSnapshot> {
  const reach = Math.max(UPTIME_WINDOWS['30d'], periodMs) + 2 * sources.intervalMs
  let history: Awaited<ReturnType<ResultHistory['read']>> | undefined
  let historyError: string | undefined
  try {
    history = await withDeadline(sources.history.read(new Date(now.getTime() - reach)), sources.readDeadlineMs ?? HISTORY_READ_DEADLINE_MS)
  } catch (error) {
    historyError = sources.redact(error instanceof Error ? error.message : String(error))
  }
  const snapshot = buildStatusSnapshot({
    now,
    periodStart: new Date(now.getTime() - periodMs),
    intervalMs: sources.intervalMs,
    refreshMs: sources.refreshMs,
    environments: sources.environments,
    board: sources.board,
    history,
    historyStore: sources.history.kind,
    ...(historyError === undefined ? {} : { historyError }),
    retentionMs: sources.retentionMs,
    components: sources.components,
    links: sources.links
  })
  return redactValue(snapshot, sources.redact)
}
