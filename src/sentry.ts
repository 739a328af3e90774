import type { FastifyInstance } from 'fastify'
import type { SentryConfig } from './config/config.js'
import { hideQueryString, hideUrlQueries, redactValue, type Redactor } from './redact.js'

/** The part of @sentry/node the rest of Vigil uses. */
export interface ErrorReporter {
  /** Captures errors thrown by route handlers (5xx). */
  setupFastify: (app: FastifyInstance) => void
  captureException: (error: unknown, context?: { tags?: Record<string, string> }) => void
  captureMessage: (message: string, context?: { level?: 'error' | 'warning' | 'info', tags?: Record<string, string> }) => void
  flush: (timeoutMs: number) => Promise<boolean>
}

/**
 * Initialises @sentry/node. Called by server.ts before the app's modules are imported, so that
 * Sentry's module hooks see Fastify load (its documented set-up for ESM when `--import` is not
 * used). Every event, transaction and breadcrumb goes through the redactor before it is sent.
 */
// `"http.query":"a=1&b=2"` (undici and http breadcrumbs and spans keep the query apart from the URL).
const QUERY_FIELD = /("(?:http\.query|query_string)":")((?:[^"\\]|\\.)*)"/g

/**
 * What leaves the process for Sentry: the process redactor, and then every URL's query values
 * hidden, whatever their names, since a signed URL's `sig` or `X-Amz-Signature` is a credential.
 */
export function sentryScrubber (redact: Redactor): Redactor {
  return (text) => hideUrlQueries(redact(text)).replace(QUERY_FIELD, (_whole, key: string, query: string) => `${key}${hideQueryString(query)}"`)
}

export async function initSentry (config: SentryConfig, redact: Redactor): Promise<ErrorReporter> {
  const Sentry = await import('@sentry/node')
  const scrub = sentryScrubber(redact)
  Sentry.init({
    dsn: config.dsn,
    environment: config.environment,
    release: config.release,
    tracesSampleRate: config.tracesSampleRate,
    sendDefaultPii: false,
    // No sentry-trace, baggage or traceparent header (the baggage carries the DSN's public key) on
    // requests to targets, AI providers or GitHub, unless SENTRY_TRACE_PROPAGATION_TARGETS names them.
    tracePropagationTargets: [...config.tracePropagationTargets],
    // On Fastify 5 both the diagnostics-channel integration and setupFastifyErrorHandler capture a
    // route error; only the latter is kept, so that one failure is one event.
    integrations: [Sentry.fastifyIntegration({ shouldHandleError: () => false })],
    beforeSend: (event) => redactValue(event, scrub),
    beforeSendTransaction: (event) => redactValue(event, scrub),
    beforeBreadcrumb: (breadcrumb) => redactValue(breadcrumb, scrub)
  })
  return {
    setupFastify: (app) => { Sentry.setupFastifyErrorHandler(app, { shouldHandleError: (_error, _request, reply) => reply.statusCode >= 500 }) },
    captureException: (error, context) => { Sentry.captureException(error, context) },
    captureMessage: (message, context) => { Sentry.captureMessage(message, context) },
    flush: async (timeoutMs) => await Sentry.flush(timeoutMs)
  }
}
