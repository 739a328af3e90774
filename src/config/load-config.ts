import { Value } from '@sinclair/typebox/value'
import { ConfigError } from '../errors.js'
import { AI_PROVIDERS, apiRoot } from './ai-providers.js'
import type { AiProviderConfig, ComponentName, Config } from './config.js'
import { parseDuration } from './duration.js'
import { EnvSchema, SECRET_VARIABLES } from './env-schema.js'
import { loadMonitor } from './load-monitor.js'
import { hasProtocol, urlCredentials } from './url.js'
import { durationLimitProblems, schemeProblem, specificProblems, whitespaceProblems } from './variable-problems.js'
import { packageVersion } from './version.js'

type Env = Record<string, string | undefined>
type Raw = Record<string, unknown>

interface FieldSchema { expected?: string, secret?: boolean, protocols?: string[], syntax?: string, type?: string, default?: unknown, positive?: boolean }

const fieldSchema = (name: string): FieldSchema =>
  (EnvSchema.properties as Record<string, FieldSchema | undefined>)[name] ?? {}

/** One line naming the variable, what was expected and (unless secret) what was given. */
function problemLine (name: string, given: unknown, expected: string): string {
  const shown = fieldSchema(name).secret === true ? '(value hidden)' : JSON.stringify(given)
  return `${name}: expected ${expected}, got ${shown}`
}

/** Keeps only the variables Vigil knows; an empty value counts as unset. */
function pickKnown (env: Env): Raw {
  const raw: Raw = {}
  for (const name of Object.keys(EnvSchema.properties)) {
    const value = env[name]
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim()
  }
  return raw
}

// What a number variable takes, with its default as the example: `decimal digits only, such as 100`.
const syntaxHint = (field: FieldSchema): string =>
  `${field.type === 'integer' ? 'decimal digits only' : 'plain decimal only'}, such as ${String(field.default)}`

// Each variable is validated on its own so that every bad one gets its line.
function schemaProblems (original: Raw, converted: Raw): string[] {
  const lines: string[] = []
  for (const [name, schema] of Object.entries(EnvSchema.properties)) {
    const value = converted[name]
    if (value === undefined) continue
    const expected = fieldSchema(name).expected ?? 'a valid value'
    const protocols = fieldSchema(name).protocols
    const { syntax } = fieldSchema(name)
    // Checked on the text: conversion would read `2.5`, `1e3` or `0x10` as some other number.
    if (syntax !== undefined && original[name] !== undefined && !new RegExp(syntax).test(String(original[name]))) {
      // The hint is for a number in another notation (`1e3`, `0x10`, `2.5`); `eighty` needs none.
      const numberLike = !Number.isNaN(parseFloat(String(original[name]))) || !Number.isNaN(Number(original[name]))
      lines.push(`${problemLine(name, original[name], expected)}${numberLike ? ` (${syntaxHint(fieldSchema(name))})` : ''}`)
      continue
    }
    const invalid = Value.Errors(schema, value).First() !== undefined ||
      (protocols !== undefined && !hasProtocol(String(value), protocols))
    if (invalid) lines.push(schemeProblem(name, String(original[name]), expected) ?? problemLine(name, original[name], expected))
    else if (fieldSchema(name).positive === true && parseDuration(String(value)) === 0) lines.push(problemLine(name, original[name], 'a duration above 0'))
  }
  return lines
}

/**
 * Credentials found in secret variables: the password (or DSN key) of a URL, so that the rest of
 * the URL stays readable once redacted; the whole value of anything that is not a URL.
 */
function collectSecrets (raw: Raw): string[] {
  const secrets = new Set<string>()
  for (const name of SECRET_VARIABLES) {
    const value = raw[name]
    if (typeof value !== 'string') continue
    for (const secret of urlCredentials(value, name === 'SENTRY_DSN') ?? [value]) secrets.add(secret)
  }
  return [...secrets].filter((s) => s.length >= 4)
}

function requiredComponents (raw: Raw, configured: ReadonlySet<ComponentName>, problems: string[]): Set<ComponentName> {
  const list = raw.REQUIRED_COMPONENTS
  if (typeof list !== 'string') return new Set([...configured].filter((c) => c === 'database' || c === 'redis'))
  const known = new Set<string>(['database', 'redis', ...AI_PROVIDERS.map((p) => p.name)])
  const required = new Set<ComponentName>()
  for (const name of list.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!known.has(name)) {
      problems.push(`REQUIRED_COMPONENTS: unknown component ${JSON.stringify(name)}, expected some of ${[...known].join(', ')}`)
    } else if (!configured.has(name as ComponentName)) {
      problems.push(`REQUIRED_COMPONENTS: ${name} is required but not configured (${variableEnabling(name)} is not set)`)
    } else {
      required.add(name as ComponentName)
    }
  }
  return required
}

function variableEnabling (component: string): string {
  if (component === 'database') return 'DATABASE_URL'
  if (component === 'redis') return 'REDIS_URL'
  return AI_PROVIDERS.find((p) => p.name === component)?.keyVar ?? component
}

const ms = (value: unknown): number => parseDuration(String(value)) ?? 0
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/**
 * Reads, validates and freezes the configuration. Throws ConfigError listing every problem,
 * one line each, when any value is invalid.
 */
export function loadConfig (env: Env = process.env): Config {
  const original = pickKnown(env)
  const raw = Value.Default(EnvSchema, Value.Convert(EnvSchema, structuredClone(original))) as Raw
  const problems = [...whitespaceProblems(env), ...schemaProblems(original, raw)]
  // Checks beyond the schema, on values the schema accepted (one line per variable).
  const named = new Set(problems.map((line) => line.slice(0, line.indexOf(':'))))
  problems.push(...[...durationLimitProblems(raw), ...specificProblems(raw)].filter((line) => !named.has(line.slice(0, line.indexOf(':')))))

  const aiProviders: AiProviderConfig[] = AI_PROVIDERS
    .filter((p) => typeof raw[p.keyVar] === 'string')
    .map((p) => ({
      name: p.name,
      apiKey: raw[p.keyVar] as string,
      baseUrl: apiRoot(str(raw[p.baseUrlVar]) ?? p.defaultBaseUrl, p.sdkSuffixes)
    }))
  const configured = new Set<ComponentName>([
    ...(raw.DATABASE_URL !== undefined ? ['database' as const] : []),
    ...(raw.REDIS_URL !== undefined ? ['redis' as const] : []),
    ...aiProviders.map((p) => p.name)
  ])
  const required = requiredComponents(raw, configured, problems)

  if (raw.PROBE_TIMEOUT !== undefined && raw.PROBE_INTERVAL !== undefined &&
      problems.length === 0 && ms(raw.PROBE_TIMEOUT) > ms(raw.PROBE_INTERVAL)) {
    problems.push(`PROBE_TIMEOUT: expected at most PROBE_INTERVAL (${String(raw.PROBE_INTERVAL)}), got ${JSON.stringify(raw.PROBE_TIMEOUT)}`)
  }
  // RAILWAY_DISCOVERY=true asks for discovery outright: without what it needs, say so instead of monitoring nothing.
  if (raw.RAILWAY_DISCOVERY === 'true') {
    const missing = [
      ...(str(raw.RAILWAY_TOKEN) ?? str(raw.RAILWAY_API_TOKEN)) === undefined ? ['a token (RAILWAY_API_TOKEN or RAILWAY_TOKEN)'] : [],
      ...str(raw.RAILWAY_PROJECT_ID) === undefined ? ['RAILWAY_PROJECT_ID'] : []
    ]
    if (missing.length > 0) problems.push(`RAILWAY_DISCOVERY: true needs ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not set`)
  }
  const monitor = loadMonitor({
    configPath: str(raw.MONITOR_CONFIG),
    configYaml: str(raw.MONITOR_CONFIG_YAML),
    railwayDomain: str(raw.RAILWAY_DOMAIN),
    stagingRailwayDomain: str(raw.STAGING_RAILWAY_DOMAIN),
    intervalMs: parseDuration(String(raw.MONITOR_INTERVAL)),
    concurrency: raw.MONITOR_CONCURRENCY as number,
    secrets: collectSecrets(raw),
    discoveryRequested: raw.RAILWAY_DISCOVERY === 'true'
  }, env)
  problems.push(...monitor.problems)
  if (problems.length > 0) throw new ConfigError(problems)

  const environment = str(raw.ENVIRONMENT) ?? str(raw.RAILWAY_ENVIRONMENT_NAME) ?? 'development'
  const version = str(raw.RAILWAY_GIT_COMMIT_SHA) ?? packageVersion()
  const build = { version: packageVersion(), commit: str(raw.RAILWAY_GIT_COMMIT_SHA) ?? str(raw.GIT_COMMIT) ?? 'unknown' }
  const sentryDsn = str(raw.SENTRY_DSN)

  const config: Config = {
    port: raw.PORT as number,
    host: raw.HOST as string,
    logLevel: raw.LOG_LEVEL as string,
    environment,
    version,
    build,
    databaseUrl: str(raw.DATABASE_URL),
    redisUrl: str(raw.REDIS_URL),
    aiProviders,
    requiredComponents: required,
    probeIntervalMs: ms(raw.PROBE_INTERVAL),
    probeTimeoutMs: ms(raw.PROBE_TIMEOUT),
    eventLoopDelayThresholdMs: ms(raw.EVENT_LOOP_DELAY_THRESHOLD),
    shutdownDelayMs: ms(raw.SHUTDOWN_DELAY),
    shutdownTimeoutMs: ms(raw.SHUTDOWN_TIMEOUT),
    alertThresholds: {
      memoryPercent: raw.MEMORY_ALERT_THRESHOLD as number,
      cpuPercent: raw.CPU_ALERT_THRESHOLD as number,
      responseTimeMs: raw.RESPONSE_TIME_THRESHOLD as number,
      errorRatePercent: raw.ERROR_RATE_THRESHOLD as number
    },
    enableMetrics: raw.ENABLE_METRICS as boolean,
    healthCheckDetailed: raw.HEALTH_CHECK_DETAILED as boolean,
    performanceLogging: raw.PERFORMANCE_LOGGING as boolean,
    healthDetailedToken: str(raw.HEALTH_DETAILED_TOKEN),
    sentry: sentryDsn === undefined
      ? undefined
      : {
          dsn: sentryDsn,
          environment: str(raw.SENTRY_ENVIRONMENT) ?? environment,
          tracesSampleRate: raw.SENTRY_TRACES_SAMPLE_RATE as number,
          release: `vigil@${version}`,
          tracePropagationTargets: (str(raw.SENTRY_TRACE_PROPAGATION_TARGETS) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
        },
    monitor: {
      configPath: str(raw.MONITOR_CONFIG),
      railwayDomain: str(raw.RAILWAY_DOMAIN),
      stagingRailwayDomain: str(raw.STAGING_RAILWAY_DOMAIN),
      intervalMs: monitor.intervalMs,
      environments: monitor.environments,
      githubLabels: monitor.githubLabels,
      concurrency: monitor.concurrency,
      channels: monitor.channels
    },
    github: { token: str(raw.GITHUB_TOKEN), repository: monitor.githubRepository ?? str(raw.GITHUB_REPOSITORY), apiUrl: (raw.GITHUB_API_URL as string).replace(/\/+$/, '') },
    stateDatabaseUrl: str(raw.STATE_DATABASE_URL),
    railway: railwaySettings(raw),
    statusPage: statusPageSettings(raw, monitor.intervalMs),
    proxy: monitor.proxy,
    railwayWebhookSecret: str(raw.RAILWAY_WEBHOOK_SECRET),
    secrets: [...new Set([...collectSecrets(raw), ...monitor.secrets.filter((s) => s.length >= 4)])]
  }
  // Targets are frozen one level deep, and deepFreeze skips what is frozen already: their lists and
  // objects (labels, headers, conditions, railway, …) are readonly to the compiler and built for
  // this config alone, and walking them for 10,000 environments cost ~20 ms of start-up.
  for (const target of config.monitor.environments) Object.freeze(target)
  Object.freeze(config.monitor.environments)
  return deepFreeze(config)
}

// Railway's CLI gives RAILWAY_TOKEN (project token) precedence over RAILWAY_API_TOKEN; so does Vigil.
function railwaySettings (raw: Raw): Config['railway'] {
  const projectToken = str(raw.RAILWAY_TOKEN)
  const accountToken = str(raw.RAILWAY_API_TOKEN)
  return {
    apiUrl: raw.RAILWAY_API_URL as string,
    token: projectToken ?? accountToken,
    tokenKind: projectToken !== undefined ? 'project' : accountToken !== undefined ? 'account' : undefined,
    projectId: str(raw.RAILWAY_PROJECT_ID),
    discovery: (projectToken ?? accountToken) !== undefined && raw.RAILWAY_PROJECT_ID !== undefined &&
      (raw.RAILWAY_DISCOVERY === 'true' || (raw.RAILWAY_DISCOVERY === 'auto' && raw.MONITOR_CONFIG === undefined && raw.MONITOR_CONFIG_YAML === undefined)),
    discoveryIntervalMs: ms(raw.RAILWAY_DISCOVERY_INTERVAL)
  }
}

/** The status page's settings; the refresh defaults to the monitor's interval. */
function statusPageSettings (raw: Raw, intervalMs: number): Config['statusPage'] {
  const project = str(raw.RAILWAY_PROJECT_ID)
  const environment = str(raw.RAILWAY_ENVIRONMENT_ID)
  return {
    enabled: raw.STATUS_PAGE as boolean,
    token: str(raw.STATUS_PAGE_TOKEN),
    refreshMs: raw.STATUS_PAGE_REFRESH === undefined ? intervalMs : Math.max(1000, ms(raw.STATUS_PAGE_REFRESH)),
    historyRetentionMs: ms(raw.HISTORY_RETENTION),
    railwayDashboardUrl: project === undefined
      ? undefined
      : `https://railway.com/project/${encodeURIComponent(project)}${environment === undefined ? '' : `?environmentId=${encodeURIComponent(environment)}`}`
  }
}

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
