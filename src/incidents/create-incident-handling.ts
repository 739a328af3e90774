import type { Config } from '../config/config.js'
import type { Metrics } from '../metrics/create-metrics.js'
import type { CycleLock, CycleSink, EnvironmentTarget } from '../monitor/types.js'
import type { Redactor } from '../redact.js'
import { createMemoryLock, createPgLock } from '../state/cycle-lock.js'
import { createMemoryStore } from '../state/memory-store.js'
import { createPgStore } from '../state/pg-store.js'
import type { Store } from '../state/types.js'
import { createGithubClient, type GithubClientOptions } from './github-client.js'
import { createGithubTracker } from './github-tracker.js'
import { createIncidentSink } from './incident-sink.js'
import { silentLog, type IncidentLog, type IncidentTracker } from './tracker.js'

export interface IncidentHandlingOptions {
  readonly redact: Redactor
  readonly log?: IncidentLog
  readonly metrics?: Pick<Metrics, 'incidentsOpen' | 'githubRequests'>
  /** `github.labels` from the monitor file (default `deployment-alert`). */
  readonly labels?: readonly string[]
  /** `github.repository` from the monitor file; overrides GITHUB_REPOSITORY. */
  readonly repository?: string
  /** The monitored environments, for their own labels. */
  readonly targets?: ReadonlyArray<Pick<EnvironmentTarget, 'name' | 'labels'>>
  /** Transport and retry tuning of the GitHub client (tests). */
  readonly github?: Partial<Omit<GithubClientOptions, 'token' | 'apiUrl' | 'redact' | 'log' | 'metrics'>>
}

/** What the monitor plugin needs from the incident side; close both on shutdown. */
export interface IncidentHandling {
  readonly sink: CycleSink
  readonly lock: CycleLock
  /** False when GITHUB_TOKEN or the repository is missing: state is kept, nothing is filed. */
  readonly githubConfigured: boolean
}

/**
 * Builds the sink and the cycle lock from the configuration: PostgreSQL store and advisory lock with
 * STATE_DATABASE_URL (memory otherwise); GitHub tracker when a token and a repository are set.
 */
export async function createIncidentHandling (config: Config, options: IncidentHandlingOptions): Promise<IncidentHandling> {
  const log = options.log ?? silentLog
  const repository = options.repository ?? config.github.repository
  const token = config.github.token
  let tracker: IncidentTracker | undefined
  if (token !== undefined && repository !== undefined) {
    const octokit = createGithubClient({ ...options.github, token, apiUrl: config.github.apiUrl, redact: options.redact, log, metrics: options.metrics })
    tracker = createGithubTracker({ octokit, repository, labels: options.labels, retries: options.github?.retries, retryDelayUnitMs: options.github?.retryDelayUnitMs })
  } else {
    log.warn({ module: 'incidents' }, 'GitHub is not configured (GITHUB_TOKEN and GITHUB_REPOSITORY): incidents are tracked but no issues are filed')
  }

  const url = config.stateDatabaseUrl
  const store: Store = url === undefined ? createMemoryStore() : await createPgStore({ connectionString: url })
  const lock = url === undefined ? createMemoryLock() : createPgLock({ connectionString: url })
  const sink = createIncidentSink({
    store, tracker, redact: options.redact, log, labels: options.labels, targets: options.targets, metrics: options.metrics
  })
  return { sink, lock, githubConfigured: tracker !== undefined }
}
