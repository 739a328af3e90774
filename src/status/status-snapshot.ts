import type { ComponentState } from '../health/component-registry.js'
import type { EnvironmentSummary } from '../health/environment-board.js'
import type { Status } from '../health/status.js'
import type { HistoryEntry } from '../state/history.js'
import { outages, percentile, statusSince, uptimePercent } from './uptime.js'

/** The status words of the page, the badges and the report. */
export type StatusWord = 'up' | 'degraded' | 'down' | 'unknown'

const WORD: Record<Status, StatusWord> = { healthy: 'up', degraded: 'degraded', unhealthy: 'down' }
const RANK: Record<StatusWord, number> = { up: 0, unknown: 1, degraded: 2, down: 3 }

/** `healthy` → `up`, `degraded` → `degraded`, `unhealthy` → `down`, nothing known → `unknown`. */
export const statusWord = (status: Status | undefined | null): StatusWord => (status == null ? 'unknown' : WORD[status])

const DAY_MS = 86_400_000
/** The uptime windows shown, by their key in `uptime`. */
export const UPTIME_WINDOWS = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS } as const
/** Results in the recent-checks strip. */
export const RECENT_CHECKS = 30
/** Points at most in the response-time series (averaged in buckets past it). */
export const MAX_CHART_POINTS = 120

/** An outage (run of unhealthy results) in the period, with the issue link when it is the open one. */
export interface IncidentView {
  readonly started_at: string
  readonly ended_at: string | null
  readonly duration_seconds: number
  readonly issue_url: string | null
}

/** One environment in `/status.json`. */
export interface EnvironmentView {
  readonly name: string
  readonly url: string | null
  readonly status: StatusWord
  /** When the current status began, as far as the history reaches. */
  readonly since: string | null
  readonly last_checked_at: string | null
  readonly http_status: number | null
  readonly response_time_ms: number | null
  readonly tls_days_left: number | null
  readonly error: string | null
  /** Percent (0–100, to three decimals) per window; null without results in it. */
  readonly uptime: Record<keyof typeof UPTIME_WINDOWS, number | null>
  /** Over the period. */
  readonly response_time_percentiles_ms: { readonly p50: number | null, readonly p95: number | null, readonly p99: number | null }
  /** Over the period, oldest first. */
  readonly response_times: ReadonlyArray<{ readonly at: string, readonly ms: number }>
  /** The latest RECENT_CHECKS results, oldest first. */
  readonly recent_checks: ReadonlyArray<{ readonly at: string, readonly status: StatusWord, readonly http_status: number | null, readonly response_time_ms: number | null }>
  /** The open incident's issue, when one is filed. */
  readonly incident: { readonly issue_url: string, readonly opened_at: string } | null
  /** Outages that overlap the period, newest first. */
  readonly incidents: readonly IncidentView[]
}

/** One component (database, Redis, AI providers, the monitor, …) as `/health/detailed` has it. */
export interface ComponentView {
  readonly name: string
  readonly status: StatusWord
  readonly required: boolean
  readonly checked_at: string | null
  readonly latency_ms: number | null
  readonly error: string | null
}

/** The body of `GET /status.json`: the one source of the page, the badges and the report. */
export interface StatusSnapshot {
  readonly generated_at: string
  /** The worst environment status (`unknown` when none was checked). */
  readonly status: StatusWord
  readonly period: { readonly since: string, readonly until: string }
  readonly interval_seconds: number
  readonly refresh_seconds: number
  readonly history: { readonly store: 'memory' | 'postgres', readonly available: boolean, readonly retention_days: number, readonly error: string | null }
  readonly environments: readonly EnvironmentView[]
  readonly components: readonly ComponentView[]
  readonly links: { readonly status_page: string | null, readonly railway_dashboard: string | null, readonly issues: string | null }
  /** Environments by status, all of them whatever the filter (the routes always send it; the CLI's own snapshot has none). */
  readonly summary?: StatusCounts
  /** Which part of the environments `environments` holds (the routes always send it). */
  readonly page?: PageView
}

/** How many environments are in each status; `total` is every environment monitored. */
export interface StatusCounts {
  readonly total: number
  readonly up: number
  readonly degraded: number
  readonly down: number
  readonly unknown: number
}

/** One page of the environments a request selected (docs/status-page.md, "Large boards"). */
export interface PageView {
  /** From 1. */
  readonly number: number
  /** Environments per page (STATUS_PAGE_SIZE). */
  readonly size: number
  /** Pages of the selection (at least 1). */
  readonly pages: number
  /** Environments the filters selected, on all pages. */
  readonly matching: number
  /** `configured` (a board of STATUS_PAGE_SIZE or fewer) or `attention` (down, degraded, unknown, then up; configured order within each). */
  readonly order: 'configured' | 'attention'
  /** The filters applied: environment names as monitored, status words; null when absent. */
  readonly filter: { readonly environments: readonly string[] | null, readonly statuses: readonly StatusWord[] | null }
  /** Relative links (same route, filters and `?since=`; never the token) to the neighbouring pages; null at either end. */
  readonly previous: string | null
  readonly next: string | null
}

/** True when a snapshot shows part of the board: a large board, a filter, or a page past the first. */
export function isPartial (page: PageView | undefined): page is PageView {
  return page !== undefined && (page.order === 'attention' || page.pages > 1 || page.number > 1 || page.filter.environments !== null || page.filter.statuses !== null)
}

export interface SnapshotInputs {
  readonly now: Date
  /** Start of the period of percentiles, series and incidents. */
  readonly periodStart: Date
  readonly intervalMs: number
  readonly refreshMs: number
  /** Environment names in the order configured. */
  readonly environments: readonly string[]
  readonly board: Readonly<Record<string, EnvironmentSummary>>
  /** Results since `now` − 30 days − two intervals; undefined when the history could not be read. */
  readonly history: ReadonlyMap<string, readonly HistoryEntry[]> | undefined
  readonly historyStore: 'memory' | 'postgres'
  readonly historyError?: string
  readonly retentionMs: number
  readonly components: readonly ComponentState[]
  readonly links: StatusSnapshot['links']
  /** The overall status when `environments` is a page of a larger board (worst of them all); else computed from `environments`. */
  readonly overall?: StatusWord
}

const round3 = (n: number | null): number | null => (n === null ? null : Math.floor(n * 1000) / 1000)
const iso = (d: Date | null | undefined): string | null => (d == null ? null : d.toISOString())

// Averages consecutive points into at most `max` buckets, so a 30-day period stays drawable.
function series (entries: readonly HistoryEntry[], max: number): Array<{ at: string, ms: number }> {
  const points = entries.filter((e) => e.responseTimeMs !== null)
  const size = Math.max(1, Math.ceil(points.length / max))
  const out: Array<{ at: string, ms: number }> = []
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size)
    const ms = bucket.reduce((sum, e) => sum + e.responseTimeMs!, 0) / bucket.length
    out.push({ at: bucket.at(-1)!.checkedAt.toISOString(), ms: Math.round(ms) })
  }
  return out
}

// The board holds this replica's latest check; the history may be newer (the leader's).
function isBoardNewer (summary: EnvironmentSummary | undefined, latest: HistoryEntry | undefined): boolean {
  return summary?.last_checked_at != null && (latest === undefined || Date.parse(summary.last_checked_at) >= latest.checkedAt.getTime())
}

/**
 * An environment's status word as its view has it, from its board summary and its newest history
 * entry (ResultHistory.latest): the board's when it is newer, else the entry's. Cheap: no uptime, no series.
 */
export function currentStatusWord (summary: EnvironmentSummary | undefined, latest: HistoryEntry | undefined): StatusWord {
  return statusWord(isBoardNewer(summary, latest) ? summary!.status : latest?.status)
}

/** The worse of two status words (down, degraded, unknown, up, worst first). */
export const worseWord = (a: StatusWord, b: StatusWord): StatusWord => (RANK[b] > RANK[a] ? b : a)

/** Sort rank of a status word: 0 for down, 1 degraded, 2 unknown, 3 up (the order of a summarised page). */
export const attentionRank = (word: StatusWord): number => 3 - RANK[word]

/** One environment's view from the inputs: uptime, series and outages over its entries (a few ms for 30 days at 15 minutes). */
export function environmentView (name: string, inputs: SnapshotInputs): EnvironmentView {
  const summary = inputs.board[name]
  const entries = inputs.history?.get(name) ?? []
  const now = inputs.now
  const maxGapMs = 2 * inputs.intervalMs
  const inPeriod = entries.filter((e) => e.checkedAt >= inputs.periodStart)
  const times = inPeriod.flatMap((e) => (e.responseTimeMs === null ? [] : [e.responseTimeMs]))
  const uptime = Object.fromEntries(Object.entries(UPTIME_WINDOWS).map(([key, ms]) =>
    [key, round3(uptimePercent(entries, new Date(now.getTime() - ms), now, maxGapMs))])) as EnvironmentView['uptime']
  const incident = summary?.incident ?? null
  const incidents = outages(entries)
    .filter((o) => (o.endedAt ?? now) >= inputs.periodStart)
    .reverse()
    .map((o): IncidentView => ({
      started_at: o.startedAt.toISOString(),
      ended_at: iso(o.endedAt),
      duration_seconds: Math.round(((o.endedAt ?? now).getTime() - o.startedAt.getTime()) / 1000),
      issue_url: o.endedAt === null ? incident?.issue_url ?? null : null
    }))
  const latest = entries.at(-1)
  const boardNewer = isBoardNewer(summary, latest)
  const since = statusSince(entries)
  const currentStatus = boardNewer ? summary!.status : latest?.status
  return {
    name,
    url: summary?.url ?? null,
    status: statusWord(currentStatus),
    since: latest !== undefined && latest.status === currentStatus ? iso(since) : (boardNewer ? summary!.last_checked_at : null),
    last_checked_at: boardNewer ? summary!.last_checked_at : iso(latest?.checkedAt),
    http_status: boardNewer ? summary!.http_status : latest?.httpStatus ?? null,
    response_time_ms: boardNewer ? summary!.response_time_ms : latest?.responseTimeMs ?? null,
    tls_days_left: boardNewer ? summary!.tls_days_left : latest?.tlsDaysLeft ?? null,
    error: boardNewer ? summary!.error ?? null : null,
    uptime,
    response_time_percentiles_ms: { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) },
    response_times: series(inPeriod, MAX_CHART_POINTS),
    recent_checks: entries.slice(-RECENT_CHECKS).map((e) => ({ at: e.checkedAt.toISOString(), status: statusWord(e.status), http_status: e.httpStatus, response_time_ms: e.responseTimeMs })),
    incident: incident === null ? null : { issue_url: incident.issue_url, opened_at: incident.opened_at },
    incidents
  }
}

function componentView (c: ComponentState): ComponentView {
  return {
    name: c.group === undefined ? c.name : `${c.group}/${c.name}`,
    status: statusWord(c.status),
    required: c.required,
    checked_at: iso(c.checkedAt),
    latency_ms: c.latencyMs === undefined ? null : Math.round(c.latencyMs),
    error: c.error ?? null
  }
}

/**
 * Everything the status page shows, from the board, the history and the components: pure.
 * `environments`, the views of `inputs.environments` when built already (load-snapshot.ts builds
 * them one at a time between turns of the event loop); built here otherwise.
 */
export function buildStatusSnapshot (inputs: SnapshotInputs, environments: readonly EnvironmentView[] = inputs.environments.map((name) => environmentView(name, inputs))): StatusSnapshot {
  const status = inputs.overall ?? (environments.length === 0
    ? 'unknown'
    : environments.map((e) => e.status).reduce<StatusWord>(worseWord, 'up'))
  return {
    generated_at: inputs.now.toISOString(),
    status,
    period: { since: inputs.periodStart.toISOString(), until: inputs.now.toISOString() },
    interval_seconds: Math.round(inputs.intervalMs / 1000),
    refresh_seconds: Math.max(1, Math.round(inputs.refreshMs / 1000)),
    history: {
      store: inputs.historyStore,
      available: inputs.history !== undefined,
      retention_days: Math.round((inputs.retentionMs / DAY_MS) * 10) / 10,
      error: inputs.historyError ?? null
    },
    environments,
    components: inputs.components.map(componentView),
    links: inputs.links
  }
}
