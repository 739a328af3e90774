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
  readonly incident: { readonly issue_url: string, readonly opened_at: string } | null
}

/** The latest state of each monitored environment; the monitor writes, the report reads. */
export interface EnvironmentBoard {
  set: (name: string, summary: EnvironmentSummary) => void
  entries: () => Readonly<Record<string, EnvironmentSummary>>
}

export function createEnvironmentBoard (): EnvironmentBoard {
  const summaries = new Map<string, EnvironmentSummary>()
  return {
    set: (name, summary) => { summaries.set(name, summary) },
    entries: () => Object.fromEntries(summaries)
  }
}
