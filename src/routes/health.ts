import type { FastifyInstance } from 'fastify'
import { buildDetailedReport } from '../health/detailed-report.js'
import { evaluateReadiness } from '../health/readiness.js'
import { bearerTokenMatches } from './bearer-token.js'

const livenessSchema = {
  response: {
    '2xx': { type: 'object', properties: { status: { type: 'string' }, uptime_seconds: { type: 'integer' } } },
    '5xx': { type: 'object', properties: { status: { type: 'string' }, uptime_seconds: { type: 'integer' }, event_loop_delay_ms: { type: 'number' } } }
  }
} as const

/** `/health`, `/health/readiness` and `/health/detailed`: answered from memory, never from a dependency. */
export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  const { config, lifecycle, components, eventLoop } = app.vigil
  const retryAfterSeconds = String(Math.max(1, Math.ceil(config.probeIntervalMs / 1000)))

  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store')
    done()
  })

  app.get('/health', { schema: livenessSchema }, async (_request, reply) => {
    if (eventLoop.stalled()) {
      return reply.code(503).send({ status: 'unhealthy', uptime_seconds: Math.floor(process.uptime()), event_loop_delay_ms: Math.round(eventLoop.delayMs()) })
    }
    return { status: 'healthy', uptime_seconds: Math.floor(process.uptime()) }
  })

  app.get('/health/readiness', async (_request, reply) => {
    const readiness = evaluateReadiness(components.list(), lifecycle)
    if (readiness.ready) return { status: 'ready' }
    return reply.code(503).header('retry-after', retryAfterSeconds).send({ status: 'not_ready', reasons: readiness.reasons })
  })

  if (!config.healthCheckDetailed) return

  app.get('/health/detailed', {
    onRequest: async (request, reply) => {
      const token = config.healthDetailedToken
      if (token === undefined || bearerTokenMatches(request.headers.authorization, token)) return
      await reply.code(401).header('www-authenticate', 'Bearer realm="vigil"').send({ error: 'Unauthorized', message: 'a valid bearer token is required' })
    }
  }, async (_request, reply) => {
    const { systemStats, requestWindow, environments, activeConnections, redact } = app.vigil
    const report = buildDetailedReport({
      version: config.version,
      environment: config.environment,
      now: new Date(),
      uptimeSeconds: process.uptime(),
      system: systemStats.snapshot(),
      eventLoopDelayMs: eventLoop.delayMs(),
      activeConnections: activeConnections(),
      requests: requestWindow.summary(),
      components: components.list(),
      environments: environments.entries(),
      alerts: app.vigil.alerts()
    })
    // The report is assembled from redacted parts already; this pass is the last line of defence.
    const body = redact(JSON.stringify(report))
    return reply.code(report.status === 'unhealthy' ? 503 : 200).type('application/json; charset=utf-8').send(body)
  })
}
