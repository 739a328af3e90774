import type { Status } from '../health/status.js'
import type { RailwayRef } from '../railway/types.js'

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
  /** Consecutive unhealthy checks before an incident opens (default 1: `attempts` already retries within a check). */
  readonly failureThreshold?: number
  /** Consecutive healthy (or degraded) checks before an incident resolves (default 2). */
  readonly successThreshold?: number
  /** HTTP method of the health request (default GET). */
  readonly method?: string
  /** Sent with every request to the environment; the values are secrets. */
  readonly headers?: Readonly<Record<string, string>>
  /** Request body of the health request. */
  readonly body?: string
  /** Codes and ranges the health URL may answer with (`200`, `200-299`, `2xx`); default 2xx. */
  readonly expectedStatus?: readonly StatusRange[]
  /** Redirects followed by the health request (0: none, the default). */
  readonly maxRedirects?: number
  /** Assertions on the health answer, each one failure phrase when it does not hold. */
  readonly conditions?: readonly Condition[]
  /** The response body is not read nor judged (no JSON, size or `status` judgement). */
  readonly ignoreBody?: boolean
  /** Response bodies past this many bytes are not read: a failure unless `ignoreBody`. */
  readonly maxBodyBytes?: number
  /** Names of the declared channels told of this environment's incidents (`notify`; all when unset); absent when none is declared. */
  readonly notify?: readonly string[]
  /** Proxies for this environment: the HTTP_PROXY family, or the environment's own `proxy`. */
  readonly proxy?: ProxySettings
  /** PEM certificates trusted for this environment instead of the public roots. */
  readonly ca?: string
  /** TLS problems are reported but do not fail the check; the certificate is still read for expiry. */
  readonly tlsSkipVerify?: boolean
  /** Which Railway environment (and service) this is, for deploy events; by default the same name. */
  readonly railway?: RailwayRef
  /** Post-deploy verification: tries (default 12) and the pause between them (default 10 s). */
  readonly verifyAttempts?: number
  readonly verifyDelayMs?: number
  /** Roll back once when a new deployment never verifies healthy (default false). */
  readonly autoRollback?: boolean
}

/** An inclusive range of HTTP status codes. */
export interface StatusRange {
  readonly from: number
  readonly to: number
}

/** Proxy URLs (the HTTP_PROXY family or an environment's own); an empty string means none. */
export interface ProxySettings {
  readonly httpProxy: string
  readonly httpsProxy: string
  readonly noProxy: string
}

/** One assertion on the health answer (see docs/configuration.md, `conditions`). */
export type Condition =
  | { readonly kind: 'json', readonly path: string, readonly op: 'equals' | 'not_equals' | 'above' | 'below' | 'exists' | 'matches', readonly value: unknown }
  | { readonly kind: 'body_contains' | 'body_not_contains', readonly text: string }
  | { readonly kind: 'status_in', readonly codes: readonly number[] }
  | { readonly kind: 'response_time_below', readonly ms: number }
  | { readonly kind: 'certificate_days_above', readonly days: number }

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
  /** The full URL requested, credentials and secret query parameters removed. */
  readonly url?: string
  readonly httpStatus: number | null
  readonly responseTimeMs: number | null
  readonly error?: string
}

/** What checking one environment found: data, never an exception. */
export interface CheckResult {
  readonly environment: string
  readonly displayUrl: string
  /** The full health URL (`displayUrl` + health path), credentials and secret query parameters removed. */
  readonly healthUrl?: string
  /**
   * The start of the health URL's answer body (at most BODY_EXCERPT_CHARS characters, redacted),
   * kept only when the health check did not pass: the application's own account of what is wrong.
   */
  readonly bodyExcerpt?: string
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
  /** Subject of the certificate whose expiry `tlsExpiresAt` is (the earliest in the served chain). */
  readonly tlsSubject?: string | null
  /** False when the environment sets `tls_skip_verify` (TLS problems are then not failures). */
  readonly tlsVerified?: boolean
  /** Every TLS problem found, reported even when verification is off. */
  readonly tlsProblems?: readonly string[]
  /** The Railway deploy event this check answers (deploy webhook), shown in the incident. */
  readonly deploy?: DeployNote
}

/** A Railway deployment event as an incident shows it (JSON-safe: it travels in the outbox). */
export interface DeployEventNote {
  /** `Deployment.crashed`, `Deployment.deployed`, … (legacy payloads mapped to these). */
  readonly type: string
  readonly deploymentId: string
  /** Railway's DeploymentStatus when the payload says it (SUCCESS, FAILED, CRASHED, …). */
  readonly status?: string
  /** When Railway says it happened (ISO). */
  readonly timestamp: string
  readonly service?: string
  readonly branch?: string
  readonly commitHash?: string
  readonly commitAuthor?: string
  readonly commitMessage?: string
}

/**
 * What a deploy event brought about: the event, the post-deploy verification (each try) when one
 * ran, and the automatic rollback when one was tried. A result that carries a note is news to the
 * incident policy: it opens an incident when unhealthy (whatever `failure_threshold`) and is told
 * on an open one.
 */
export interface DeployNote {
  readonly event: DeployEventNote
  readonly verification?: {
    /** `deployment`: the new deployment; `rollback`: the deployment rolled back to. */
    readonly of: 'deployment' | 'rollback'
    readonly healthy: boolean
    readonly delayMs: number
    readonly attempts: ReadonlyArray<{ readonly checkedAt: string, readonly status: Status, readonly httpStatus: number | null, readonly responseTimeMs: number | null, readonly failures: readonly string[] }>
  }
  readonly rollback?: {
    /** `requested`: Railway accepted deploymentRollback; `failed`/`unavailable`: it was not done (see `reason`). */
    readonly outcome: 'requested' | 'failed' | 'unavailable'
    readonly toDeploymentId?: string
    readonly reason?: string
  }
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
  /** Renews the lease now and says whether this replica still leads (before each write to a channel). */
  confirm: () => Promise<boolean>
  close: () => Promise<void>
}
