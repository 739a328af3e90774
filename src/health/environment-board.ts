import type { Redactor } from '../redact.js'
import type { Status } from './status.js'

/** One deployed environment as `/health/detailed` shows it (keys are the report's). */
export interface EnvironmentSummary {
  readonly status: Status
  /** Without credentials. */
  readonly url: string
  readonly last_checked_at: string | null
  readonly http_status: number | null
  readonly response_time_ms: number | null
  readonly tls_days_left: number | null
  readonly error?: string
  /** Present, `false`, only when the environment sets `tls_skip_verify`. */
  readonly tls_verified?: false
  /** TLS problems found while verification is off (with it on they are failures, in `error`). */
  readonly tls_problems?: readonly string[]
  readonly incident: { readonly issue_url: string, readonly opened_at: string } | null
}

/** The latest state of each monitored environment; the monitor writes, the report reads. */
export interface EnvironmentBoard {
  set: (name: string, summary: EnvironmentSummary) => void
  entries: () => Readonly<Record<string, EnvironmentSummary>>
  /** Environment names in the order they were first set. */
  names: () => readonly string[]
  get: (name: string) => EnvironmentSummary | undefined
  /**
   * The environment as one member of a JSON object, `"name":{…}`, passed through `redact`; kept
   * until the environment is set again, so that a report over 10,000 environments serialises and
   * redacts only what changed since the last one. Undefined for a name not on the board.
   */
  member: (name: string, redact: Redactor) => string | undefined
  /** Forgets an environment that is no longer monitored (discovery removed it). */
  delete: (name: string) => void
}

interface Entry {
  readonly summary: EnvironmentSummary
  member?: string
  redactedBy?: Redactor
}

export function createEnvironmentBoard (): EnvironmentBoard {
  const board = new Map<string, Entry>()
  let names: string[] | undefined
  return {
    set: (name, summary) => {
      if (!board.has(name)) names = undefined
      board.set(name, { summary })
    },
    entries: () => {
      const view: Record<string, EnvironmentSummary> = {}
      for (const [name, entry] of board) view[name] = entry.summary
      return view
    },
    names: () => (names ??= [...board.keys()]),
    get: (name) => board.get(name)?.summary,
    member: (name, redact) => {
      const entry = board.get(name)
      if (entry === undefined) return undefined
      if (entry.member === undefined || entry.redactedBy !== redact) {
        entry.member = redact(`${JSON.stringify(name)}:${JSON.stringify(entry.summary)}`)
        entry.redactedBy = redact
      }
      return entry.member
    },
    delete: (name) => {
      if (board.delete(name)) names = undefined
    }
  }
}
