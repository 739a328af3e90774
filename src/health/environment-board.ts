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
  /** Forgets an environment that is no longer monitored (discovery removed it). */
  delete: (name: string) => void
}

export function createEnvironmentBoard (): EnvironmentBoard {
  const summaries = new Map<string, EnvironmentSummary>()
  return {
    set: (name, summary) => { summaries.set(name, summary) },
    entries: () => Object.fromEntries(summaries),
    delete: (name) => { summaries.delete(name) }
  }
}
