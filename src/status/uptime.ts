import type { HistoryEntry } from '../state/history.js'

/**
 * Uptime in percent over [from, to), time-weighted: each result stands from its check until the
 * next one, for at most `maxGapMs` (two intervals; a longer silence is no data, neither up nor
 * down). Up is healthy or degraded (it answered; slow or a certificate near expiry), down is
 * unhealthy — the same as `vigil_environment_up`. Null when no result covers any of the window.
 * `entries` are one environment's, oldest first; the one before `from` counts for its overlap.
 */
export function uptimePercent (entries: readonly HistoryEntry[], from: Date, to: Date, maxGapMs: number): number | null {
  let known = 0
  let up = 0
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    const checked = entry.checkedAt.getTime()
    const next = entries[i + 1]?.checkedAt.getTime() ?? Infinity
    const start = Math.max(checked, from.getTime())
    const end = Math.min(next, checked + maxGapMs, to.getTime())
    if (end <= start) continue
    known += end - start
    if (entry.status !== 'unhealthy') up += end - start
  }
  return known === 0 ? null : (100 * up) / known
}

/** Nearest-rank percentile (`p` from 0 to 100) of the values; null when there are none. */
export function percentile (values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}

/** A run of unhealthy results: from the first to the first result that was not unhealthy (null while it lasts). */
export interface Outage {
  readonly startedAt: Date
  readonly endedAt: Date | null
}

/** Every outage in the entries (oldest first), as runs of unhealthy results. */
export function outages (entries: readonly HistoryEntry[]): Outage[] {
  const found: Outage[] = []
  let startedAt: Date | undefined
  for (const entry of entries) {
    if (entry.status === 'unhealthy') startedAt ??= entry.checkedAt
    else if (startedAt !== undefined) { found.push({ startedAt, endedAt: entry.checkedAt }); startedAt = undefined }
  }
  if (startedAt !== undefined) found.push({ startedAt, endedAt: null })
  return found
}

/** When the latest run of the latest result's status began (as far as the entries reach); null without entries. */
export function statusSince (entries: readonly HistoryEntry[]): Date | null {
  const last = entries.at(-1)
  if (last === undefined) return null
  let since = last.checkedAt
  for (let i = entries.length - 1; i >= 0 && entries[i]!.status === last.status; i--) since = entries[i]!.checkedAt
  return since
}
