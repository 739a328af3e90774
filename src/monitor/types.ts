import type { Status } from '../health/status.js'

/** One deployed environment to check, as validated from the monitor file or the shorthands. */
export interface EnvironmentTarget {
  readonly name: string
  /** Base URL as configured (may carry credentials: never show it, show `displayUrl`). */
  readonly url: string
  /** `url` with credentials and secret query parameters removed. */
  readonly displayUrl: string
  readonly healthPath: string
  /** The environment's own labels (the `github.labels` are added by the incident side). */
  readonly labels: readonly string[]
  readonly timeoutMs: number
  readonly attempts: number
  readonly retryDelayMs: number
  readonly maxResponseTimeMs: number
  readonly tlsMinDays: number
  /** Extra paths (endpoints, frontend assets) that must answer 2xx. */
  readonly checks: readonly string[]
}

/** One try of the health URL within a check. */
export interface AttemptResult {
  readonly attempt: number
  readonly startedAt: string
  readonly httpStatus: number | null
  readonly responseTimeMs: number | null
  /** Redacted, short: `connection refused`, `timed out after 10000 ms`, `HTTP 502`, … */
  readonly error?: string
}

/** One extra path's outcome. */
export interface PathCheckResult {
  readonly path: string
  readonly httpStatus: number | null
  readonly responseTimeMs: number | null
  readonly error?: string
}

/** What checking one environment found: data, never an exception. */
export interface CheckResult {
  readonly environment: string
  readonly displayUrl: string
  readonly status: Status
  readonly checkedAt: Date
  /** Of the last attempt. */
  readonly httpStatus: number | null
  readonly responseTimeMs: number | null
  readonly tlsDaysLeft: number | null
  readonly tlsExpiresAt: Date | null
  /**
   * Each thing that fails, one short redacted phrase each, sorted (`HTTP 502 from /health`,
   * `TLS certificate expires in 3 days (2026-11-29)`, `/api/health answered HTTP 500`). The
   * incident policy compares this list between cycles to decide whether "what fails" changed.
   */
  readonly failures: readonly string[]
  readonly attempts: readonly AttemptResult[]
  readonly paths: readonly PathCheckResult[]
}

/** Link to an environment's open incident issue, shown in the report. */
export interface IncidentLink {
  readonly issue_url: string
  readonly opened_at: string
}

/**
 * The incident side as detection sees it: results are handed over and never waited on (decisions
 * and deliveries happen in the background), links to open incidents are read back at once.
 */
export interface IncidentIntake {
  /** Takes a cycle's results; returns at once and never throws. */
  submit: (results: readonly CheckResult[], at: Date) => void
  /** Open incident links, keyed by environment name, as last known. */
  links: () => Readonly<Record<string, IncidentLink>>
  /** Calls `listener` whenever the links may have changed (after deliveries). */
  onLinksChanged: (listener: () => void) => void
  close: () => Promise<void>
}

/** Who runs the cycles: `unknown` when the state database cannot say (then every replica checks). */
export type LeadershipRole = 'leader' | 'follower' | 'unknown'

/** Leadership among replicas as detection sees it; answers from memory, never waits. */
export interface CycleLeadership {
  role: () => LeadershipRole
  /** The replica that leads and when it last finished a cycle, as last seen. */
  leader: () => { readonly holder: string | null, readonly lastCycleAt: string | null }
  /** Tells the other replicas that this one finished a cycle (in the background). */
  cycleFinished: () => void
  close: () => Promise<void>
}
