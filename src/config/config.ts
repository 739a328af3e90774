import type { EnvironmentTarget, ProxySettings } from '../monitor/types.js'
import type { AiProviderName } from './ai-providers.js'
import type { ChannelDeclaration } from './channel-settings.js'

/** Names a component can have in REQUIRED_COMPONENTS and in the report. */
export type ComponentName = 'database' | 'redis' | AiProviderName

export interface AiProviderConfig {
  readonly name: AiProviderName
  readonly apiKey: string
  readonly baseUrl: string
}

export interface AlertThresholds {
  readonly memoryPercent: number
  readonly cpuPercent: number
  readonly responseTimeMs: number
  readonly errorRatePercent: number
}

export interface SentryConfig {
  readonly dsn: string
  readonly environment: string
  readonly tracesSampleRate: number
  readonly release: string
  /** URL prefixes (substrings) that receive trace headers; empty by default: none does. */
  readonly tracePropagationTargets: readonly string[]
}

/** Where and how often deployed environments are checked (filled in by the monitor). */
export interface MonitorSettings {
  readonly configPath: string | undefined
  readonly railwayDomain: string | undefined
  readonly stagingRailwayDomain: string | undefined
  /** MONITOR_INTERVAL, or the monitor file's `interval` which overrides it. */
  readonly intervalMs: number
  /** From the monitor file and the shorthands, defaults applied; empty when nothing is monitored. */
  readonly environments: readonly EnvironmentTarget[]
  /** The monitor file's `github.labels` (default `deployment-alert`), on every incident issue. */
  readonly githubLabels: readonly string[]
  /** The monitor file's `concurrency`, else MONITOR_CONCURRENCY (default 100): environments checked at once. */
  readonly concurrency: number
  /** The monitor file's `channels` (besides GitHub): who is told of incidents, and from which status on. */
  readonly channels: readonly ChannelDeclaration[]
}

export interface GithubSettings {
  readonly token: string | undefined
  readonly repository: string | undefined
  readonly apiUrl: string
}

/** The running build: package.json's version, and the commit from `RAILWAY_GIT_COMMIT_SHA` or `GIT_COMMIT`. */
export interface BuildInfo {
  readonly version: string
  readonly commit: string
}

/** Railway's public GraphQL API: context in incidents and discovery (docs/railway.md). */
export interface RailwaySettings {
  readonly apiUrl: string
  /** RAILWAY_TOKEN (project token) when set, else RAILWAY_API_TOKEN (account or team token). */
  readonly token: string | undefined
  /** Which header carries it: `project` → Project-Access-Token, `account` → Authorization: Bearer. */
  readonly tokenKind: 'account' | 'project' | undefined
  /** RAILWAY_PROJECT_ID (Railway sets it inside its containers). */
  readonly projectId: string | undefined
  /** Discover the project's public services (RAILWAY_DISCOVERY: `auto` = only without MONITOR_CONFIG); needs a token and a project. */
  readonly discovery: boolean
  /** RAILWAY_DISCOVERY_INTERVAL, default 5 min. */
  readonly discoveryIntervalMs: number
}

/** The status page, badges and report (docs/status-page.md). */
export interface StatusPageSettings {
  /** STATUS_PAGE: `/status`, `/status.json`, `/status.md`, the badges and `/` → `/status`. */
  readonly enabled: boolean
  /** STATUS_PAGE_TOKEN: when set, those routes need it (bearer or `?token=`). */
  readonly token: string | undefined
  /** STATUS_PAGE_REFRESH, or the monitor's interval: how often the page reloads itself. */
  readonly refreshMs: number
  /** HISTORY_RETENTION: how long check results are kept (default 30 days). */
  readonly historyRetentionMs: number
  /** From RAILWAY_PROJECT_ID (and RAILWAY_ENVIRONMENT_ID), both set by Railway; undefined elsewhere. */
  readonly railwayDashboardUrl: string | undefined
}

/** The whole validated configuration: read once from the environment, frozen. */
export interface Config {
  readonly port: number
  readonly host: string
  readonly logLevel: string
  readonly environment: string
  readonly version: string
  /** What `vigil_build_info` shows: the package version and the deployed commit (`unknown` when not told). */
  readonly build: BuildInfo
  readonly databaseUrl: string | undefined
  readonly redisUrl: string | undefined
  readonly aiProviders: readonly AiProviderConfig[]
  /** Components that gate readiness, all of them configured. */
  readonly requiredComponents: ReadonlySet<ComponentName>
  readonly probeIntervalMs: number
  readonly probeTimeoutMs: number
  readonly eventLoopDelayThresholdMs: number
  readonly shutdownDelayMs: number
  readonly shutdownTimeoutMs: number
  readonly alertThresholds: AlertThresholds
  readonly enableMetrics: boolean
  readonly healthCheckDetailed: boolean
  readonly performanceLogging: boolean
  readonly healthDetailedToken: string | undefined
  readonly sentry: SentryConfig | undefined
  readonly monitor: MonitorSettings
  readonly github: GithubSettings
  readonly stateDatabaseUrl: string | undefined
  readonly railway: RailwaySettings
  readonly statusPage: StatusPageSettings
  /** HTTP_PROXY, HTTPS_PROXY and NO_PROXY (empty strings when unset), for checks and AI probes. */
  readonly proxy: ProxySettings
  /** RAILWAY_WEBHOOK_SECRET: enables POST /webhooks/railway/:secret (Railway deploy events). */
  readonly railwayWebhookSecret: string | undefined
  /** Every credential value found in the configuration, for redaction. */
  readonly secrets: readonly string[]
}
