import type { FastifyInstance } from 'fastify'
import type { DeployEvent } from '../railway/webhook-payload.js'
import { eventTypeLabel, parseWebhookPayload } from '../railway/webhook-payload.js'
import { secretMatches } from './bearer-token.js'

/** The route template: the metrics `route` label and the logs show this, never the secret itself. */
export const RAILWAY_WEBHOOK_ROUTE = '/webhooks/railway/:secret'
/** Largest delivery accepted (413 past it); Railway's deployment payloads are about 1 KiB. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024

export interface RailwayWebhookOptions {
  /** RAILWAY_WEBHOOK_SECRET. */
  readonly secret: string
  /** Takes a deployment event; must return at once and never throw (railway/deploy-events.ts). None: counted and ignored. */
  readonly receive: ((event: DeployEvent) => void) | undefined
}

/**
 * `POST /webhooks/railway/:secret`: Railway's project webhook (unsigned; the secret in the URL is
 * the documented way). A wrong secret answers exactly as an unknown route does (404), before the
 * body is read; a body past 64 KiB is 413, malformed JSON 400, a content type other than JSON 415. A delivery is counted by type and
 * answered 202 at once: the work runs in the background.
 */
export default async function railwayWebhookRoutes (app: FastifyInstance, options: RailwayWebhookOptions): Promise<void> {
  const { metrics } = app.vigil
  const log = app.log.child({ module: 'railway' })
  // Railway sends JSON; any other content type is 415 (Fastify's default text/plain parser would make it a 400).
  app.removeContentTypeParser('text/plain')
  app.post(RAILWAY_WEBHOOK_ROUTE, {
    bodyLimit: WEBHOOK_BODY_LIMIT,
    onRequest: async (request, reply) => {
      const { secret } = request.params as { secret: string }
      if (!secretMatches(secret, options.secret)) return reply.callNotFound()
    }
  }, async (request, reply) => {
    const parsed = parseWebhookPayload(request.body)
    if (!parsed.ok) return await reply.code(400).send({ error: `not a Railway webhook payload: ${parsed.reason}`, statusCode: 400 })
    metrics.railwayEvents.inc({ type: eventTypeLabel(parsed.type) })
    if (parsed.unreadable !== undefined) log.warn({ type: eventTypeLabel(parsed.type) }, `Railway delivery ignored: ${parsed.unreadable}`)
    if (parsed.event !== undefined) {
      try {
        options.receive?.(parsed.event)
      } catch (err) {
        // receive never throws by contract; should it, the delivery is still taken (a retry would fail alike).
        log.error({ err }, 'a Railway deploy event could not be handed over')
      }
    }
    return await reply.code(202).send({ status: 'accepted' })
  })
}
