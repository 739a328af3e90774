import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Histogram } from 'prom-client'
import type { RequestWindow } from '../health/request-window.js'

export interface HttpMetricsOptions {
  histogram: Histogram<'method' | 'route' | 'status_code'>
  requestWindow: RequestWindow
  performanceLogging: boolean
  /** Routes whose requests are not recorded (the scrape endpoint itself). */
  excludedRoutes: readonly string[]
}

/** Label for requests that matched no route, so unknown URLs cannot grow the series count. */
export const UNMATCHED_ROUTE = 'unmatched'

/** Times every request into the duration histogram and the sliding window. */
async function httpMetrics (app: FastifyInstance, options: HttpMetricsOptions): Promise<void> {
  const excluded = new Set(options.excludedRoutes)
  // Labelled children are cached: looking one up by label values on every request is the hot path.
  const children = new Map<string, { observe: (value: number) => void }>()

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE
    if (excluded.has(route)) { done(); return }
    const durationMs = reply.elapsedTime
    const statusCode = reply.statusCode
    const key = `${request.method} ${route} ${statusCode}`
    let child = children.get(key)
    if (child === undefined) {
      child = options.histogram.labels(request.method, route, String(statusCode))
      children.set(key, child)
    }
    child.observe(durationMs / 1000)
    options.requestWindow.record(durationMs, statusCode)
    if (options.performanceLogging) {
      request.log.info({ method: request.method, route, status_code: statusCode, response_time_ms: Math.round(durationMs * 100) / 100 }, 'request timing')
    }
    done()
  })
}

export default fp(httpMetrics, { name: 'vigil-http-metrics', fastify: '5.x' })
