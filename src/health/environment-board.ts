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

/** The board: summaries by name, and the JSON members asked for since each was set (see `member`). */
export function createEnvironmentBoard (): EnvironmentBoard {
  const summaries = new Map<string, EnvironmentSummary>()
  // Filled only by reports: a board that is never read keeps no JSON.
  const members = new Map<string, string>()
  let membersRedactedBy: Redactor | undefined
  let names: string[] | undefined
  return {
    set: (name, summary) => {
      if (!summaries.has(name)) names = undefined
      summaries.set(name, summary)
      members.delete(name)
    },
    entries: () => {
      const view: Record<string, EnvironmentSummary> = {}
      for (const [name, summary] of summaries) view[name] = summary
      return view
    },
    names: () => (names ??= [...summaries.keys()]),
    get: (name) => summaries.get(name),
    member: (name, redact) => {
      const summary = summaries.get(name)
      if (summary === undefined) return undefined
      if (membersRedactedBy !== redact) {
        members.clear()
        membersRedactedBy = redact
      }
      let member = members.get(name)
      if (member === undefined) {
        member = redact(`${JSON.stringify(name)}:${JSON.stringify(summary)}`)
        members.set(name, member)
      }
      return member
    },
    delete: (name) => {
      members.delete(name)
      if (summaries.delete(name)) names = undefined
    }
  }
}
