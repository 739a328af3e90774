import type { FastifyInstance } from 'fastify'

/** Path Prometheus scrapes; its own requests are not recorded in the request histogram. */
export const METRICS_PATH = '/metrics'

/** `GET /metrics`: the app's own registry in Prometheus text format. */
export default async function metricsRoutes (app: FastifyInstance): Promise<void> {
  const { metrics } = app.vigil
  app.get(METRICS_PATH, async (_request, reply) => {
    for (const alert of app.vigil.alerts()) metrics.alertFiring.set({ alert: alert.name }, alert.status === 'firing' ? 1 : 0)
    const text = await metrics.registry.metrics()
    return reply.type(metrics.registry.contentType).send(text)
  })
}
