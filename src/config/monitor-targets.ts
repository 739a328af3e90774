import type { EnvironmentTarget, ProxySettings } from '../monitor/types.js'
import { checkOptions } from './check-options.js'
import { redactUrl, type Redactor } from '../redact.js'
import { parseDuration } from './duration.js'
import { PREFIX } from './monitor-file.js'
import { hasProtocol } from './url.js'
import { DEFAULT_GITHUB_LABELS, DEPLOY_DEFAULTS, ENVIRONMENT_DEFAULTS, type EnvironmentEntry, type MonitorFile } from './monitor-schema.js'

/** What the monitor file and the shorthands add up to. */
export interface MonitorTargets {
  readonly environments: EnvironmentTarget[]
  readonly githubLabels: readonly string[]
  /** From the file's `interval`, which overrides MONITOR_INTERVAL. */
  readonly intervalMs: number | undefined
  /** From the file's `github.repository`, which overrides GITHUB_REPOSITORY. */
  readonly githubRepository: string | undefined
  /** From the file's `concurrency` (default 100): checks in flight at once. */
  readonly concurrency: number
  readonly problems: readonly string[]
}

export interface Shorthands {
  readonly railwayDomain: string | undefined
  readonly stagingRailwayDomain: string | undefined
  /** The HTTP_PROXY family, for environments without a `proxy` of their own. */
  readonly proxy?: ProxySettings | undefined
}

// Host name with an optional port: what Railway shows as a service's domain.
const DOMAIN = /^(?=.{1,253}(:\d{1,5})?$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/

const ms = (text: string): number => parseDuration(text) ?? 0

// The defaults' durations, parsed once rather than per environment.
const DEFAULT_MS = {
  timeout: ms(ENVIRONMENT_DEFAULTS.timeout),
  retryDelay: ms(ENVIRONMENT_DEFAULTS.retry_delay),
  maxResponseTime: ms(ENVIRONMENT_DEFAULTS.max_response_time),
  verifyDelay: ms(DEPLOY_DEFAULTS.verify_delay)
}
const NO_ITEMS: readonly string[] = Object.freeze([])
const URGENT: readonly string[] = Object.freeze(['urgent'])

// A list without repeats; an empty one shared (most environments set no labels and no checks).
const unique = (items: readonly string[] | undefined): readonly string[] =>
  items === undefined || items.length === 0 ? NO_ITEMS : [...new Set(items)]

function toTarget (entry: EnvironmentEntry, options: ReturnType<typeof checkOptions>, redact: Redactor): EnvironmentTarget {
  const ownLabels = entry.labels ?? []
  return {
    name: entry.name,
    url: entry.url,
    // Values from `${VAR}` may be in the URL (a host, a path): the shown URL hides them too.
    displayUrl: redact(redactUrl(entry.url)),
    healthPath: entry.health_path ?? ENVIRONMENT_DEFAULTS.health_path,
    // Production without labels of its own pages someone: product.md, "Incidents on GitHub".
    labels: ownLabels.length === 0 && entry.name.toLowerCase() === 'production' ? URGENT : unique(ownLabels),
    timeoutMs: entry.timeout === undefined ? DEFAULT_MS.timeout : ms(entry.timeout),
    attempts: entry.attempts ?? ENVIRONMENT_DEFAULTS.attempts,
    retryDelayMs: entry.retry_delay === undefined ? DEFAULT_MS.retryDelay : ms(entry.retry_delay),
    maxResponseTimeMs: entry.max_response_time === undefined ? DEFAULT_MS.maxResponseTime : ms(entry.max_response_time),
    tlsMinDays: entry.tls_min_days ?? ENVIRONMENT_DEFAULTS.tls_min_days,
    failureThreshold: entry.failure_threshold ?? ENVIRONMENT_DEFAULTS.failure_threshold,
    successThreshold: entry.success_threshold ?? ENVIRONMENT_DEFAULTS.success_threshold,
    checks: unique(entry.checks),
    ...deploySettings(entry),
    ...options
  }
}

/** The Railway mapping (names match by default) and post-deploy verification of an environment. */
function deploySettings (entry: EnvironmentEntry): Pick<EnvironmentTarget, 'railway' | 'verifyAttempts' | 'verifyDelayMs' | 'autoRollback'> {
  const railway = entry.railway ?? {}
  return {
    railway: {
      environment: railway.environment ?? entry.name,
      ...(railway.service === undefined ? {} : { service: railway.service }),
      ...(railway.project === undefined ? {} : { projectId: railway.project })
    },
    verifyAttempts: entry.verify_attempts ?? DEPLOY_DEFAULTS.verify_attempts,
    verifyDelayMs: entry.verify_delay === undefined ? DEFAULT_MS.verifyDelay : ms(entry.verify_delay),
    autoRollback: entry.auto_rollback ?? DEPLOY_DEFAULTS.auto_rollback
  }
}

function entryProblems (entry: EnvironmentEntry, at: string, redact: Redactor): string[] {
  const problems: string[] = []
  if (typeof entry.url === 'string' && entry.url !== '' && !hasProtocol(entry.url, ['http', 'https'])) problems.push(`${at}.url: expected an http or https URL, got ${redact(JSON.stringify(redactUrl(entry.url)))}`)
  for (const key of ['timeout', 'max_response_time'] as const) {
    const value = entry[key]
    if (typeof value === 'string' && parseDuration(value) === 0) problems.push(`${at}.${key}: expected a duration above 0, got ${JSON.stringify(value)}`)
  }
  return problems
}

function shorthand (variable: string, name: string, domain: string | undefined, problems: string[]): EnvironmentEntry[] {
  if (domain === undefined) return []
  if (!DOMAIN.test(domain)) {
    problems.push(`${variable}: expected a domain name such as app.up.railway.app (no scheme, no path), got ${JSON.stringify(domain)}`)
    return []
  }
  return [{ name, url: `https://${domain}`, health_path: '/health' }]
}

/**
 * Turns the validated monitor file (when there is one) and the RAILWAY_DOMAIN /
 * STAGING_RAILWAY_DOMAIN shorthands into environment targets with every default applied, and
 * reports what still does not fit: non-HTTP URLs, zero timeouts, duplicate names.
 */
export function buildMonitorTargets (file: MonitorFile | undefined, shorthands: Shorthands, redact: Redactor, fileValid = true): MonitorTargets {
  const problems: string[] = []
  // The file may have failed validation: look only at what has the right shape.
  const entries = (Array.isArray(file?.environments) ? file.environments : [])
    .map((entry, i) => ({ entry, source: `${PREFIX} environments[${i}]` }))
    .filter(({ entry }) => entry !== null && typeof entry === 'object')
  for (const { entry, source } of entries) problems.push(...entryProblems(entry, source, redact))
  const envProxy = shorthands.proxy ?? { httpProxy: '', httpsProxy: '', noProxy: '' }
  const options = new Map<EnvironmentEntry, ReturnType<typeof checkOptions>>()
  for (const { entry, source } of entries) options.set(entry, checkOptions(entry, source, envProxy, problems))

  const extra = [
    ...shorthand('RAILWAY_DOMAIN', 'production', shorthands.railwayDomain, problems).map((entry) => ({ entry, source: 'RAILWAY_DOMAIN' })),
    ...shorthand('STAGING_RAILWAY_DOMAIN', 'staging', shorthands.stagingRailwayDomain, problems).map((entry) => ({ entry, source: 'STAGING_RAILWAY_DOMAIN' }))
  ]
  // Names are unique regardless of case: they end up in issue titles and markers.
  const seen = new Map<string, string>()
  for (const { entry, source } of [...entries, ...extra]) {
    if (typeof entry.name !== 'string') continue
    const key = entry.name.toLowerCase()
    const first = seen.get(key)
    if (first === undefined) { seen.set(key, source); continue }
    problems.push(source.startsWith(PREFIX)
      ? `${source}.name: ${JSON.stringify(entry.name)} is already used by ${first}`
      : `${source}: environment ${JSON.stringify(entry.name)} is already defined by ${first}`)
  }

  // Targets are built only from a file that passed validation (the caller knows; see load-monitor).
  return {
    environments: problems.length > 0 || !fileValid ? [] : [...entries, ...extra].map(({ entry, source }) => toTarget(entry, options.get(entry) ?? checkOptions(entry, source, envProxy, []), redact)),
    githubLabels: [...new Set(Array.isArray(file?.github?.labels) ? file.github.labels : DEFAULT_GITHUB_LABELS)],
    intervalMs: file?.interval === undefined ? undefined : ms(file.interval),
    githubRepository: file?.github?.repository,
    concurrency: typeof file?.concurrency === 'number' ? file.concurrency : ENVIRONMENT_DEFAULTS.concurrency,
    problems
  }
}
