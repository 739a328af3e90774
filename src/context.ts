import type { Config } from './config/config.js'
import type { AlertState } from './health/alerts.js'
import type { ComponentRegistry } from './health/component-registry.js'
import type { EnvironmentBoard } from './health/environment-board.js'
import type { EventLoopMonitor } from './health/event-loop-monitor.js'
import type { Lifecycle } from './health/lifecycle.js'
import type { RequestWindow } from './health/request-window.js'
import type { SystemStats } from './health/system-stats.js'
import type { Metrics } from './metrics/create-metrics.js'
import type { Redactor } from './redact.js'
import type { ResultHistory } from './state/history.js'
import type { ErrorReporter } from './sentry.js'

/**
 * Everything one app instance shares between its plugins and routes. Built by buildApp, decorated
 * onto Fastify as `vigil`; collaborators can be passed in (tests) or default to production ones.
 */
export interface VigilContext {
  readonly config: Config
  readonly redact: Redactor
  readonly metrics: Metrics
  readonly components: ComponentRegistry
  readonly environments: EnvironmentBoard
  /** Past check results for the status page (memory, or PostgreSQL with STATE_DATABASE_URL). */
  readonly history: ResultHistory
  readonly lifecycle: Lifecycle
  readonly eventLoop: EventLoopMonitor
  readonly systemStats: SystemStats
  readonly requestWindow: RequestWindow
  /** Open client connections to this server. */
  readonly activeConnections: () => number
  /** Sentry, when SENTRY_DSN is set. */
  readonly errorReporter: ErrorReporter | undefined
  /** The four threshold alerts as of now. */
  readonly alerts: () => AlertState[]
}

declare module 'fastify' {
  interface FastifyInstance {
    vigil: VigilContext
  }
}
