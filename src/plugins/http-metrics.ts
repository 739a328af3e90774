import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { RequestWindow } from '../health/request-window.js'
import type { RequestDurationHistogram } from '../metrics/request-duration-histogram.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Status codes that are the route's designed answers rather than failures (readiness answers
     * 503 while a dependency is down): kept in the Prometheus series under their own `route`, but
     * not counted as errors by the request window behind the `error_rate` alert.
     */
    designedStatusCodes?: readonly number[]
  }
}

export interface HttpMetricsOptions {
  histogram: RequestDurationHistogram
  requestWindow: RequestWindow
  performanceLogging: boolean
  /** Routes whose requests are not recorded (the scrape endpoint itself). */
  excludedRoutes: readonly string[]
}

/** Label for requests that matched no route, so unknown URLs cannot grow the series count. */
export const UNMATCHED_ROUTE = 'unmatched'

type Observe = (value: number) => void

/**
 * Times every request into the duration histogram and the sliding window (where a route's
 * `designedStatusCodes` are not errors). Each route gets its own
 * onResponse hook with its template baked in (reading `request.routeOptions` builds an object per
 * request), and the histogram series are cached per method and status code.
 */
async function httpMetrics (app: FastifyInstance, options: HttpMetricsOptions): Promise<void> {
  const { histogram, requestWindow, performanceLogging } = options
  const excluded = new Set(options.excludedRoutes)

  function recorder (route: string, designedStatusCodes: readonly number[] = []): (request: FastifyRequest, reply: FastifyReply) => void {
    const children = new Map<string, Observe>()
    const designed = new Set(designedStatusCodes)
    return (request, reply) => {
      const durationMs = reply.elapsedTime
      const statusCode = reply.statusCode
      const key = `${request.method}${statusCode}`
      let observe = children.get(key)
      if (observe === undefined) {
        observe = histogram.series(request.method, route, String(statusCode)).observe
        children.set(key, observe)
      }
      observe(durationMs / 1000)
      requestWindow.record(durationMs, statusCode, designed.has(statusCode))
      if (performanceLogging) {
        request.log.info({ method: request.method, route, status_code: statusCode, response_time_ms: Math.round(durationMs * 100) / 100 }, 'request timing')
      }
    }
  }

  app.addHook('onRoute', (route) => {
    if (excluded.has(route.url)) return
    const record = recorder(route.url, route.config?.designedStatusCodes)
    const hook: onResponseHookHandler = (request, reply, done) => { record(request, reply); done() }
    route.onResponse = route.onResponse === undefined ? [hook] : [...[route.onResponse].flat(), hook]
  })

  // Requests that match no route have no route hooks; this one only acts for them.
  const recordUnmatched = recorder(UNMATCHED_ROUTE)
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) recordUnmatched(request, reply)
    done()
  })
}

export default fp(httpMetrics, { name: 'vigil-http-metrics', fastify: '5.x' })
