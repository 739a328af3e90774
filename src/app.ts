import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { Config } from './config/config.js'
import type { VigilContext } from './context.js'
import { evaluateAlerts } from './health/alerts.js'
import { createComponentRegistry } from './health/component-registry.js'
import { createEnvironmentBoard } from './health/environment-board.js'
import { createEventLoopMonitor } from './health/event-loop-monitor.js'
import { createLifecycle } from './health/lifecycle.js'
import { createRequestWindow } from './health/request-window.js'
import { createSystemStats } from './health/system-stats.js'
import { loggerOptions, type LogDestination } from './logger.js'
import { createMetrics } from './metrics/create-metrics.js'
import httpMetrics from './plugins/http-metrics.js'
import type { MonitorPluginOptions } from './plugins/monitor.js'
import { createRedactor } from './redact.js'
import healthRoutes from './routes/health.js'
import metricsRoutes, { METRICS_PATH } from './routes/metrics.js'
import statusRoutes from './routes/status.js'
import { createResultHistory } from './state/create-history.js'

/** True when any dependency is configured to be probed. */
function hasComponents (config: Config): boolean {
  return config.databaseUrl !== undefined || config.redisUrl !== undefined || config.aiProviders.length > 0
}

/** Collaborators a caller may supply; each defaults to the production one. */
export interface AppDeps extends Partial<Omit<VigilContext, 'config' | 'activeConnections' | 'alerts'>> {
  /** Where log lines go (after redaction); stdout by default. */
  logDestination?: LogDestination
  /** Settings of the environment monitor and its incident side (tests). */
  monitor?: MonitorPluginOptions
}

/**
 * Builds the Fastify instance: context, plugins and routes, registered in order. Never listens;
 * server.ts (or a test) does that.
 */
export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const redact = deps.redact ?? createRedactor(config.secrets)
  const app = Fastify({
    logger: loggerOptions(config, redact, deps.logDestination),
    // Per-request lines only with PERFORMANCE_LOGGING (the http-metrics plugin writes them).
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: false,
    forceCloseConnections: 'idle'
  })

  let connections = 0
  app.server.on('connection', (socket) => {
    connections += 1
    socket.once('close', () => { connections -= 1 })
  })

  const components = deps.components ?? createComponentRegistry()
  const metrics = deps.metrics ?? createMetrics(undefined, config.build)
  const systemStats = deps.systemStats ?? createSystemStats()
  const requestWindow = deps.requestWindow ?? createRequestWindow()
  const history = deps.history ?? await createResultHistory({
    stateDatabaseUrl: config.stateDatabaseUrl,
    retentionMs: config.statusPage.historyRetentionMs,
    intervalMs: config.monitor.intervalMs,
    components,
    metrics,
    redact,
    log: app.log
  })
  const context: VigilContext = {
    config,
    redact,
    metrics,
    components,
    environments: deps.environments ?? createEnvironmentBoard(),
    history,
    lifecycle: deps.lifecycle ?? createLifecycle(),
    eventLoop: deps.eventLoop ?? createEventLoopMonitor({ thresholdMs: config.eventLoopDelayThresholdMs }),
    systemStats,
    requestWindow,
    errorReporter: deps.errorReporter,
    activeConnections: () => connections,
    alerts: () => {
      const system = systemStats.snapshot()
      const requests = requestWindow.summary()
      return evaluateAlerts({ memoryPercent: system.memoryPercent, cpuPercent: system.cpuPercent, p95Ms: requests.p95, errorRatePercent: requests.errorRatePercent }, config.alertThresholds)
    }
  }
  app.decorate('vigil', context)
  // While draining, every answer closes its connection, so keep-alive clients move elsewhere and
  // the server has no idle connection left to wait for when it closes.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (context.lifecycle.draining) reply.header('connection', 'close')
    done(null, payload)
  })
  app.addHook('onClose', async () => {
    context.eventLoop.close()
    context.systemStats.close()
    // After the monitor's own onClose (registered later, run earlier): no result arrives any more.
    await context.history.close()
  })

  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed')
    // 5xx details stay in the logs (and Sentry); the client learns only that it failed.
    return await reply.code(statusCode).send({ error: statusCode >= 500 ? 'Internal Server Error' : error.message, statusCode })
  })

  context.errorReporter?.setupFastify(app)
  await app.register(httpMetrics, {
    histogram: context.metrics.httpRequestDuration,
    requestWindow,
    performanceLogging: config.performanceLogging,
    excludedRoutes: [METRICS_PATH]
  })
  if (hasComponents(config)) {
    const { default: prober } = await import('./plugins/prober.js')
    await app.register(prober)
  }
  await app.register(healthRoutes)
  if (config.enableMetrics) await app.register(metricsRoutes)
  if (config.statusPage.enabled) await app.register(statusRoutes)
  if (config.railway.discovery) {
    // Zero-config Railway discovery adds the project's public services (plugins/railway-discovery.ts).
    const { withDiscoveredTargets } = await import('./plugins/railway-discovery.js')
    const monitorOptions = await withDiscoveredTargets(app, deps.monitor ?? {})
    // Registered even with nothing found yet: a refresh adds what Railway lists later.
    await registerMonitor(app, monitorOptions)
  } else if (config.monitor.environments.length > 0) {
    await registerMonitor(app, deps.monitor ?? {})
  }
  if (config.railwayWebhookSecret !== undefined) await registerRailwayWebhook(app, config.railwayWebhookSecret)

  return app
}

/** Railway's deploy webhook, only with RAILWAY_WEBHOOK_SECRET; events go to the monitor's deploy-event side when there is one. */
async function registerRailwayWebhook (app: FastifyInstance, secret: string): Promise<void> {
  const { default: railwayWebhook } = await import('./routes/railway-webhook.js')
  const deployEvents = app.hasDecorator('deployEvents') ? app.deployEvents : undefined
  await app.register(railwayWebhook, { secret, receive: deployEvents === undefined ? undefined : (event) => { deployEvents.receive(event) } })
}

/** The environment monitor with its incident side; loaded only when environments are configured. */
async function registerMonitor (app: FastifyInstance, options: MonitorPluginOptions): Promise<void> {
  const { default: monitor } = await import('./plugins/monitor.js')
  await app.register(monitor, options)
}
