import type { ComponentState } from '../health/component-registry.js'
import type { EnvironmentSummary } from '../health/environment-board.js'
import type { Redactor } from '../redact.js'
import { redactValue } from '../redact.js'
import { forEachInSlices } from '../slices.js'
import type { ResultHistory } from '../state/history.js'
import type { BoardQuery } from './board-query.js'
import { selectPage, type BoardSelection } from './board-selection.js'
import { buildStatusSnapshot, environmentView, UPTIME_WINDOWS, type EnvironmentView, type PageView, type SnapshotInputs, type StatusSnapshot } from './status-snapshot.js'

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
  /** The board's summaries: a record, or a lookup (the live board's `get`, which copies nothing). */
  readonly board: Readonly<Record<string, EnvironmentSummary>> | ((name: string) => EnvironmentSummary | undefined)
  readonly components: readonly ComponentState[]
  readonly history: Pick<ResultHistory, 'read' | 'latest' | 'kind'>
  readonly intervalMs: number
  readonly refreshMs: number
  readonly retentionMs: number
  readonly links: StatusSnapshot['links']
  readonly redact: Redactor
  /** HISTORY_READ_DEADLINE_MS by default, for the history's reads together. */
  readonly readDeadlineMs?: number
}

/**
 * Reads the history (30 days and two intervals back, for the 30-day uptime) and builds the
 * snapshot, redacted. A history that cannot answer (or not within the deadline) leaves the latest
 * checks on show, with the reason in `history.error`; it never fails the page. With a `query` (the
 * routes), the snapshot holds the asked page of the selected environments (board-selection.ts),
 * with `summary` and `page` (its links left null for the caller): the history gives the newest
 * entry of every environment (`latest`, for the counts and the order) and the period's entries of
 * the page's environments only (`read(since, names)`), so a request costs the same at 10,000
 * environments as at 25. Without one (`vigil report`), every environment's whole history.
 */
export async function loadSnapshot (sources: SnapshotSources, now: Date, periodMs: number, query?: BoardQuery): Promise<StatusSnapshot> {
  const since = new Date(now.getTime() - Math.max(UPTIME_WINDOWS['30d'], periodMs) - 2 * sources.intervalMs)
  const deadlineAt = Date.now() + (sources.readDeadlineMs ?? HISTORY_READ_DEADLINE_MS)
  let historyError: string | undefined
  // Both reads share the deadline; the first failure ends the reading (the page shows the board).
  const within = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    if (historyError !== undefined) return undefined
    try {
      return await withDeadline(read(), Math.max(0, deadlineAt - Date.now()))
    } catch (error) {
      historyError = sources.redact(error instanceof Error ? error.message : String(error))
      return undefined
    }
  }
  const lookup = sources.board
  const summaryOf = typeof lookup === 'function' ? lookup : (name: string) => lookup[name]
  let selection: BoardSelection | undefined
  if (query !== undefined) {
    const latest = await within(async () => await sources.history.latest(since, sources.environments))
    selection = await selectPage(sources.environments, summaryOf, latest, query)
  }
  const names = selection?.names ?? sources.environments
  const history = await within(async () => await sources.history.read(since, selection?.names))
  const board: Record<string, EnvironmentSummary> = {}
  for (const name of names) {
    const summary = summaryOf(name)
    if (summary !== undefined) board[name] = summary
  }
  const inputs: SnapshotInputs = {
    now,
    periodStart: new Date(now.getTime() - periodMs),
    intervalMs: sources.intervalMs,
    refreshMs: sources.refreshMs,
    environments: names,
    board,
    ...(selection === undefined ? {} : { overall: selection.overall }),
    history,
    historyStore: sources.history.kind,
    ...(historyError === undefined ? {} : { historyError }),
    retentionMs: sources.retentionMs,
    components: sources.components,
    links: sources.links
  }
  // An environment's view at a time, a turn of the event loop between two: 25 environments of 30
  // days at 15 minutes (72,000 results) took 50–65 ms in one go.
  const views: EnvironmentView[] = []
  await forEachInSlices(names, 1, (name) => { views.push(environmentView(name, inputs)) })
  const snapshot = buildStatusSnapshot(inputs, views)
  const page: PageView | undefined = selection === undefined ? undefined : { ...selection.page, previous: null, next: null }
  return redactValue(selection === undefined ? snapshot : { ...snapshot, summary: selection.counts, page }, sources.redact)
}
