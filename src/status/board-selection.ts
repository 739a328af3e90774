import type { EnvironmentSummary } from '../health/environment-board.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'
import type { HistoryEntry } from '../state/history.js'
import { STATUS_PAGE_SIZE, type BoardQuery } from './board-query.js'
import { attentionRank, currentStatusWord, worseWord, type PageView, type StatusCounts, type StatusWord } from './status-snapshot.js'

/** The environments of one page, and what the page says about all of them. */
export interface BoardSelection {
  /** Names on the page, in the page's order. */
  readonly names: readonly string[]
  /** The worst status of every environment (`unknown` when there are none). */
  readonly overall: StatusWord
  readonly counts: StatusCounts
  /** The page without its links (the route adds them). */
  readonly page: Omit<PageView, 'previous' | 'next'>
}

/**
 * Every environment's status (board and newest history entry, `ResultHistory.latest`, as its view
 * would have it), counted, filtered,
 * ordered and cut to the asked page, a slice of environments at a time with a turn of the event
 * loop between slices (src/slices.ts): at 10,000 environments nothing here holds the loop for
 * long, and only the page's environments (STATUS_PAGE_SIZE) are then built in full. Order: as
 * configured on a board of STATUS_PAGE_SIZE environments or fewer; on a larger one down, degraded,
 * unknown, then up, configured order within each.
 */
export async function selectPage (
  names: readonly string[],
  board: (name: string) => EnvironmentSummary | undefined,
  latest: ReadonlyMap<string, HistoryEntry> | undefined,
  query: BoardQuery,
  sliceSize = DEFAULT_SLICE_SIZE
): Promise<BoardSelection> {
  const counts = { total: 0, up: 0, degraded: 0, down: 0, unknown: 0 }
  let overall: StatusWord = 'up'
  const attention = names.length > STATUS_PAGE_SIZE
  // Selected names by attention rank (a single bucket in configured order for a small board).
  const buckets: string[][] = [[], [], [], []]
  await forEachInSlices(names, sliceSize, (name) => {
    const word = currentStatusWord(board(name), latest?.get(name))
    counts.total++
    counts[word]++
    overall = worseWord(overall, word)
    if (query.environments !== undefined && !query.environments.has(name)) return
    if (query.statuses !== undefined && !query.statuses.has(word)) return
    buckets[attention ? attentionRank(word) : 0]!.push(name)
  })
  const matching = buckets.reduce((sum, b) => sum + b.length, 0)
  const pages = Math.max(1, Math.ceil(matching / STATUS_PAGE_SIZE))
  const first = (query.page - 1) * STATUS_PAGE_SIZE
  const shown: string[] = []
  let skipped = 0
  for (const bucket of buckets) {
    if (shown.length >= STATUS_PAGE_SIZE) break
    if (skipped + bucket.length <= first) { skipped += bucket.length; continue }
    const from = Math.max(0, first - skipped)
    shown.push(...bucket.slice(from, from + STATUS_PAGE_SIZE - shown.length))
    skipped += from
  }
  return {
    names: shown,
    overall: counts.total === 0 ? 'unknown' : overall,
    counts,
    page: {
      number: query.page,
      size: STATUS_PAGE_SIZE,
      pages,
      matching,
      order: attention ? 'attention' : 'configured',
      filter: {
        environments: query.environments === undefined ? null : [...query.environments],
        statuses: query.statuses === undefined ? null : [...query.statuses]
      }
    }
  }
}
