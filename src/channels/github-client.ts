import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { Octokit } from '@octokit/rest'
import Bottleneck from 'bottleneck'
import type { Metrics } from '../metrics/create-metrics.js'
import type { Redactor } from '../redact.js'
import type { IncidentLog } from '../structured-log.js'

/** Octokit with retries of reads (5xx, timeouts) and GitHub's write spacing. */
export const VigilOctokit = Octokit.plugin(retry, throttling)
export type VigilOctokit = InstanceType<typeof VigilOctokit>

export interface GithubClientOptions {
  readonly token: string
  readonly apiUrl: string
  readonly redact: Redactor
  readonly log: IncidentLog
  readonly metrics?: Pick<Metrics, 'githubRequests'>
  /** The transport (tests point it anywhere); global fetch by default. */
  readonly fetch?: typeof fetch
  /** Per HTTP request; a request that takes longer fails and is retried. Default 10 s. */
  readonly requestTimeoutMs?: number
  /** Retries of one request after 5xx or timeouts. Default 3. */
  readonly retries?: number
  /** Multiplies every retry delay (plugin backoff and Retry-After alike); 1000 = seconds. Tests pass 1. */
  readonly retryDelayUnitMs?: number
  /** GitHub asks for ≥ 1 s between writes and more between notifying ones; tests pass 0. */
  readonly writeSpacingMs?: number
  /** Aborts every request in flight (shutdown). */
  readonly signal?: AbortSignal
  /** Told of every rate limit GitHub answers, whatever the request, with the time it allows the next write. */
  readonly onRateLimit?: (until: Date) => void
}

// Known operations by method and path, for the metric's `operation` label (bounded cardinality).
const OPERATIONS: Array<[string, RegExp, string]> = [
  ['GET', /\/repos\/[^/]+\/[^/]+\/issues$/, 'list_issues'],
  ['POST', /\/repos\/[^/]+\/[^/]+\/issues$/, 'create_issue'],
  ['PATCH', /\/repos\/[^/]+\/[^/]+\/issues\/\d+$/, 'update_issue'],
  ['GET', /\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/, 'list_comments'],
  ['POST', /\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/, 'create_comment'],
  ['GET', /\/repos\/[^/]+\/[^/]+$/, 'get_repository'],
  ['GET', /\/user$/, 'get_user']
]

function operationOf (method: string, url: string): string {
  const path = new URL(url).pathname
  return OPERATIONS.find(([m, re]) => m === method && re.test(path))?.[2] ?? 'other'
}

/** Every HTTP request (retries included) gets a deadline and is counted by operation and result. */
/** Until when (epoch ms) GitHub asked for no writes, as this client last heard. */
interface WriteHold { until: number }

/**
 * A write while GitHub asked to wait is not sent: it is answered here as GitHub would (429 with the
 * seconds left), so it fails as a rate limit — whichever request (a read, say) met the limit, and
 * however far the delivery that makes the write had got.
 */
function heldAnswer (hold: WriteHold): Response {
  const seconds = Math.max(1, Math.ceil((hold.until - Date.now()) / 1000))
  return new Response(JSON.stringify({ message: 'not sent: GitHub asked Vigil to wait (rate limit)' }), {
    status: 429, headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(seconds) }
  })
}

function countedFetch (options: GithubClientOptions, hold: WriteHold): typeof fetch {
  const base = options.fetch ?? fetch
  const timeoutMs = options.requestTimeoutMs ?? 10_000
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    const method = (init?.method ?? 'GET').toUpperCase()
    if (method !== 'GET' && method !== 'HEAD' && Date.now() < hold.until) return heldAnswer(hold)
    const operation = operationOf(method, url)
    const deadline = AbortSignal.timeout(timeoutMs)
    // The shutdown signal lives as long as the process, and Node 20 keeps every AbortSignal.any()
    // made from it (about 50 bytes a request, for good): it aborts a controller of this request's
    // own instead, through a listener removed once the answer arrived.
    const shutdown = options.signal
    const stop = new AbortController()
    const onShutdown = (): void => { stop.abort(shutdown?.reason) }
    if (shutdown?.aborted === true) onShutdown()
    else shutdown?.addEventListener('abort', onShutdown, { once: true })
    const signal = AbortSignal.any([deadline, stop.signal, ...(init?.signal == null ? [] : [init.signal])])
    try {
      const response = await base(input, { ...init, signal })
      options.metrics?.githubRequests.inc({ operation, result: response.ok ? 'success' : 'failure' })
      return response
    } catch (error) {
      options.metrics?.githubRequests.inc({ operation, result: 'failure' })
      throw error
    } finally {
      shutdown?.removeEventListener('abort', onShutdown)
    }
  }
}

/**
 * Builds the Octokit Vigil uses: base URL, auth, redacted logging, a deadline per request, retries
 * of reads after 5xx or timeouts (writes pass `request.retries: 0` and are checked before a retry),
 * and GitHub's spacing of writes. Rate limits are thrown, not waited on.
 */
export function createGithubClient (options: GithubClientOptions): VigilOctokit {
  const hold: WriteHold = { until: 0 }
  const { redact, log } = options
  const unit = options.retryDelayUnitMs ?? 1000
  const spacing = options.writeSpacingMs
  // Octokit passes request options (auth header included) as extra arguments: only the message is kept.
  const logAt = (level: keyof IncidentLog) => (message: string): void => { log[level]({ module: 'github' }, redact(String(message))) }
  // Never waited out in the process: the error reaches the delivery worker, which holds the channel
  // in the store until the time GitHub asked for, across restarts and replicas.
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string, url: string }): boolean => {
    log.warn({ module: 'github', retryAfter }, redact(`GitHub ${kind} on ${request.method} ${request.url}`))
    const until = Date.now() + Math.max(0, retryAfter) * 1000
    hold.until = Math.max(hold.until, until)
    options.onRateLimit?.(new Date(until))
    return false
  }
  const octokit = new VigilOctokit({
    auth: options.token,
    baseUrl: options.apiUrl,
    userAgent: 'vigil',
    // Octokit's error lines are its request log (`GET /user - 500 with id UNKNOWN`, where 500 stands
    // for "no answer"): the delivery worker logs each failure itself, classified, so they go to debug.
    log: { debug: logAt('debug'), info: logAt('debug'), warn: logAt('warn'), error: logAt('debug') },
    request: { fetch: countedFetch(options, hold) },
    // 403 and 429 are rate limits: the throttling plugin waits as the headers say.
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: unit, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      retryAfterBaseValue: unit,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      ...(spacing === undefined
        ? {}
        : {
            write: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing }),
            notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing * 3 })
          })
    }
  })
  // The retry plugin waits between tries on timers no signal reaches (1 s, 4 s, 9 s while GitHub
  // refuses connections): at shutdown a read ends at once, its wait left behind and its next try
  // failing on the aborted signal. Wrapped last, so this is outside the plugins' retries. Reads
  // only: writes are never retried by the client (`request.retries: 0`), and wrapping them put
  // ~2.8 s before every issue created (the throttling plugin's write queue; test/railway/auto-rollback).
  const shutdown = options.signal
  if (shutdown !== undefined) {
    octokit.hook.wrap('request', async (request, requestOptions) =>
      requestOptions.method === 'GET' ? await untilAborted(Promise.resolve(request(requestOptions)), shutdown) : await request(requestOptions))
  }
  return octokit
}

/** `work`, or a rejection with the signal's reason as soon as `signal` aborts (no listener kept after). */
async function untilAborted<T> (work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}
