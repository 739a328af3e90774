import { parseEnvironmentFilter } from '../health/detailed-report.js'
import type { StatusWord } from './status-snapshot.js'

/**
 * Environments per page of `/status`, `/status.json` and `/status.md`, and the size above which a
 * board is summarised: a board of at most this many is shown whole, in the configured order, as
 * ever; a larger one shows its counts by status and one page of this many, those not up first.
 * An environment's card is 5–10 KB of HTML with its chart and strip, so a page stays near 250 KB
 * (and its JSON alike) whatever the fleet, where 10,000 environments were 11.5 MB.
 */
export const STATUS_PAGE_SIZE = 25

/** Highest `?page=` accepted (more than 25 million environments). */
const MAX_PAGE = 1_000_000

/** What a status request asked for: `?page=`, `?environment=` and `?status=`. */
export interface BoardQuery {
  /** From 1. */
  readonly page: number
  /** Names as monitored; undefined for every environment. */
  readonly environments?: ReadonlySet<string>
  /** Undefined for every status. */
  readonly statuses?: ReadonlySet<StatusWord>
}

/** A query parameter as Fastify parses it: absent, once, or repeated. */
type QueryValue = string | readonly string[] | undefined

// The page's words and /health/detailed's, by lower case.
const WORDS: Readonly<Record<string, StatusWord>> = {
  up: 'up', healthy: 'up', degraded: 'degraded', down: 'down', unhealthy: 'down', unknown: 'unknown'
}

const shown = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)

// A form left blank sends `name=`: an empty parameter is no filter on these routes.
const present = (value: QueryValue): string[] | undefined => {
  const values = (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]).filter((v) => v.trim() !== '')
  return values.length === 0 ? undefined : values
}

/**
 * Reads `?page=` (a whole number from 1; 1 when absent), `?environment=` (names, regardless of
 * case, as `/health/detailed` reads them: repeatable and comma-separated) and `?status=` (`up`,
 * `degraded`, `down`, `unknown`, or `/health/detailed`'s `healthy` and `unhealthy`; the same way).
 * An empty value is no filter (a blank form field). `spelling` gives a name as Vigil monitors it,
 * or undefined for a name it does not. Returns the query, or the message of a 400.
 */
export function parseBoardQuery (query: { page?: QueryValue, environment?: QueryValue, status?: QueryValue }, spelling: (name: string) => string | undefined): BoardQuery | { error: string } {
  let page = 1
  if (query.page !== undefined) {
    const text = typeof query.page === 'string' ? query.page : query.page.length === 1 ? query.page[0]! : undefined
    if (text === undefined) return { error: 'page: expected one page number, got several' }
    if (!/^[1-9][0-9]{0,6}$/.test(text.trim()) || Number(text) > MAX_PAGE) return { error: `page: expected a page number from 1 to ${MAX_PAGE}, got ${shown(text)}` }
    page = Number(text)
  }
  const statuses = new Set<StatusWord>()
  const words = present(query.status)
  for (const word of (words ?? []).flatMap((w) => w.split(',')).map((w) => w.trim())) {
    const status = WORDS[word.toLowerCase()]
    if (status === undefined) return { error: `status: expected up, degraded, down or unknown (or healthy, unhealthy), got ${shown(word)}` }
    statuses.add(status)
  }
  const names = present(query.environment)
  const filter = parseEnvironmentFilter({ environment: names }, spelling)
  if ('error' in filter) return filter
  return {
    page,
    ...(filter.environments === undefined ? {} : { environments: filter.environments }),
    ...(words === undefined ? {} : { statuses })
  }
}
