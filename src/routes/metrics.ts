import type { FastifyInstance } from 'fastify'
import { Readable } from 'node:stream'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { SeriesGauge } from '../metrics/series-gauge.js'

/** Path Prometheus scrapes; its own requests are not recorded in the request histogram. */
export const METRICS_PATH = '/metrics'

const BLANK_LINE = Buffer.from('\n\n')
const NEWLINE = Buffer.from('\n')

/**
 * `GET /metrics`: the app's own registry in Prometheus text format, as `registry.metrics()` writes
 * it, rendered one family at a time with a turn of the event loop between them; the per-environment
 * families (SeriesGauge) write their lines from the series' values, in slices, and keep
 * the result until a series changes. At 10,000 environments
 * `registry.metrics()` held the loop for 500–900 ms in one task (docs/benchmarks.md, big reads).
 */
export default async function metricsRoutes (app: FastifyInstance): Promise<void> {
  const { metrics } = app.vigil
  const { registry } = metrics
  app.get(METRICS_PATH, async (_request, reply) => {
    for (const alert of app.vigil.alerts()) metrics.alertFiring.set({ alert: alert.name }, alert.status === 'firing' ? 1 : 0)
    const families: Buffer[] = []
    for (const metric of registry.getMetricsAsArray()) {
      families.push(metric instanceof SeriesGauge
        ? await metric.exposition()
        : Buffer.from(await registry.getSingleMetricAsString(metric.name)))
      await yieldToEventLoop()
    }
    // registry.metrics()'s layout: families separated by a blank line, a newline at the end. Sent
    // as a stream of the parts, not concatenated: a fresh 4 MB buffer per scrape counts as external
    // memory and brought on full collections of the whole heap (100+ ms pauses at 10,000 environments).
    const parts = families.flatMap((family, index) => index === 0 ? [family] : [BLANK_LINE, family]).concat(NEWLINE)
    const length = parts.reduce((sum, part) => sum + part.length, 0)
    return await reply.type(registry.contentType).header('content-length', length).send(Readable.from(parts))
  })
}
