import type { FastifyInstance } from 'fastify'
import { parseEnvironmentFilter, renderDetailedReport } from '../health/detailed-report.js'
import { evaluateReadiness } from '../health/readiness.js'
import { bearerTokenMatches } from './bearer-token.js'

const NO_STORE = 'no-store'
const HEALTHY = { status: 'healthy' } as const
// A 503 from these routes is their answer (a dependency is down, the process is draining), not a
// failure of Vigil: it must not feed the error-rate alert (see docs/metrics.md).
const DESIGNED_503 = { designedStatusCodes: [503] }

/** `?environment=` and `?status=`, each once, repeated, or comma-separated (detailed-report.ts). */
interface DetailedQuery { environment?: string | string[], status?: string | string[] }

const livenessSchema = {
  response: {
    '2xx': { type: 'object', properties: { status: { type: 'string' } } },
    '5xx': { type: 'object', properties: { status: { type: 'string' }, event_loop_delay_ms: { type: 'number' } } }
  }
} as const

/** `/health`, `/health/readiness` and `/health/detailed`: answered from memory, never from a dependency. */
export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  const { config, lifecycle, components, eventLoop } = app.vigil
  const retryAfterSeconds = String(Math.max(1, Math.ceil(config.probeIntervalMs / 1000)))

  // Cache-Control is set in each handler rather than by a hook: /health is the hot path.
  app.get('/health', { schema: livenessSchema, config: DESIGNED_503 }, async (_request, reply) => {
    reply.header('cache-control', NO_STORE)
    if (eventLoop.stalled()) {
      return reply.code(503).send({ status: 'unhealthy', event_loop_delay_ms: Math.round(eventLoop.delayMs()) })
    }
    // Kept to one field: this is what Railway and load balancers poll; uptime is in /health/detailed.
    return HEALTHY
  })

  app.get('/health/readiness', { config: DESIGNED_503 }, async (_request, reply) => {
    reply.header('cache-control', NO_STORE)
    const readiness = evaluateReadiness(components.list(), lifecycle)
    if (readiness.ready) return { status: 'ready' }
    return reply.code(503).header('retry-after', retryAfterSeconds).send({ status: 'not_ready', reasons: readiness.reasons })
  })

  if (!config.healthCheckDetailed) return
  // The report names components, environments and their failures: open to anyone is a choice
  // fit for development, so production says so once, where the deploy logs show it.
  if (config.healthDetailedToken === undefined && config.environment.toLowerCase() === 'production') {
    app.log.warn({ module: 'health' }, '/health/detailed is open to anyone: ENVIRONMENT is production and HEALTH_DETAILED_TOKEN is not set; set HEALTH_DETAILED_TOKEN to require a bearer token, or HEALTH_CHECK_DETAILED=false to remove the route')
  }

  // Names an `?environment=` filter may use before their first check has put them on the board,
  // by lower case: the filter matches names regardless of case and answers with this spelling.
  const configured = new Map(config.monitor.environments.map((target) => [target.name.toLowerCase(), target.name]))
  app.get('/health/detailed', {
    config: DESIGNED_503,
    onRequest: async (request, reply) => {
      reply.header('cache-control', NO_STORE)
      const token = config.healthDetailedToken
      if (token === undefined || bearerTokenMatches(request.headers.authorization, token)) return
      await reply.code(401).header('www-authenticate', 'Bearer realm="vigil"').send({ error: 'Unauthorized', message: 'a valid bearer token is required' })
    }
  }, async (request, reply) => {
    const { systemStats, requestWindow, environments, activeConnections, redact } = app.vigil
    // Discovered names are only on the board: looked up by lower case once per request, if needed.
    let board: Map<string, string> | undefined
    const filter = parseEnvironmentFilter(request.query as DetailedQuery, (name) => environments.get(name) !== undefined
      ? name
      : configured.get(name.toLowerCase()) ?? (board ??= new Map(environments.names().map((n) => [n.toLowerCase(), n]))).get(name.toLowerCase()))
    if ('error' in filter) return await reply.code(400).send({ error: 'Bad Request', message: filter.error })
    // Environments come already redacted from the board; the rest is redacted as it is rendered:
    // the last line of defence, since the report is assembled from redacted parts already.
    const report = await renderDetailedReport({
      version: config.version,
      environment: config.environment,
      now: new Date(),
      uptimeSeconds: process.uptime(),
      system: systemStats.snapshot(),
      eventLoopDelayMs: eventLoop.delayMs(),
      activeConnections: activeConnections(),
      requests: requestWindow.summary(),
      components: components.list(),
      alerts: app.vigil.alerts()
    }, environments, filter, redact)
    return await reply.code(report.status === 'unhealthy' ? 503 : 200).type('application/json; charset=utf-8').send(report.body)
  })
}
