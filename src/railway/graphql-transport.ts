import { setTimeout as sleep } from 'node:timers/promises'
import { request, type Dispatcher } from 'undici'
import { backoffMs } from '../delivery/backoff.js'
import type { Metrics } from '../metrics/create-metrics.js'
import { redactShortened, type Redactor } from '../redact.js'
import { RailwayApiError, type RailwayFailureKind } from './errors.js'
import { createRateLimitGate } from './rate-limit-gate.js'

/** Railway's public GraphQL endpoint. */
export const DEFAULT_RAILWAY_API_URL = 'https://backboard.railway.com/graphql/v2'
/** Deadline of one call, retries and rate-limit waits included. */
export const DEFAULT_RAILWAY_TIMEOUT_MS = 10_000

export interface GraphqlTransportOptions {
  readonly apiUrl: string
  readonly token: string
  /** `account` (account or team token) → `Authorization: Bearer`; `project` → `Project-Access-Token`. */
  readonly tokenKind: 'account' | 'project'
  readonly redact: Redactor
  readonly metrics: Pick<Metrics, 'railwayApiRequests'>
  /** undici dispatcher (tests, proxies); the global one by default. */
  readonly dispatcher?: Dispatcher | undefined
  readonly timeoutMs?: number | undefined
  /** Extra tries of a query answered 5xx or cut by the network (mutations are never repeated); default 2. */
  readonly retries?: number | undefined
  /** First backoff between those tries; doubles, with jitter (delivery/backoff.ts). Default 250 ms. */
  readonly retryBaseMs?: number | undefined
  readonly now?: (() => Date) | undefined
}

/** Sends one named GraphQL document and returns its `data`; throws RailwayApiError. */
export type GraphqlSend = <T>(operation: string, document: string, variables: Record<string, unknown>, options?: { mutation?: boolean, timeoutMs?: number }) => Promise<T>

interface GraphqlAnswer { data?: unknown, errors?: Array<{ message?: unknown }> }

/**
 * POSTs `{ query, variables }` to Railway with the token in the header its kind calls for. Every
 * call has a deadline; Railway's rate limits hold every further call (429 `Retry-After`,
 * `X-RateLimit-Remaining: 0` until `X-RateLimit-Reset`) and a call that cannot wait that long inside
 * its deadline fails at once; 5xx answers to queries are tried again a few times. Each HTTP
 * request (and each call refused by the hold) counts in vigil_railway_api_requests_total.
 */
export function createGraphqlTransport (options: GraphqlTransportOptions): GraphqlSend {
  const { apiUrl, token, tokenKind, redact, metrics } = options
  const now = options.now ?? (() => new Date())
  const timeoutMs = options.timeoutMs ?? DEFAULT_RAILWAY_TIMEOUT_MS
  const retries = options.retries ?? 2
  const retryBaseMs = options.retryBaseMs ?? 250
  const gate = createRateLimitGate(now)
  const auth: Record<string, string> = tokenKind === 'project' ? { 'project-access-token': token } : { authorization: `Bearer ${token}` }
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'vigil', ...auth }

  const count = (operation: string, result: 'success' | RailwayFailureKind): void => { metrics.railwayApiRequests.inc({ operation, result }) }
  const failure = (operation: string, kind: RailwayFailureKind, message: string, status?: number, cause?: unknown): RailwayApiError => {
    count(operation, kind)
    return new RailwayApiError(operation, kind, redactShortened(message, 300, redact), { ...(status === undefined ? {} : { status }), cause })
  }

  return async function send<T> (operation: string, document: string, variables: Record<string, unknown>, callOptions: { mutation?: boolean, timeoutMs?: number } = {}): Promise<T> {
    const limitMs = callOptions.timeoutMs ?? timeoutMs
    const deadline = now().getTime() + limitMs
    const body = JSON.stringify({ query: document, variables })
    for (let attempt = 0; ; attempt++) {
      const held = gate.waitMs()
      if (held > 0) {
        if (held >= deadline - now().getTime()) throw failure(operation, 'rate_limited', `rate limited by Railway for ${Math.ceil(held / 1000)} s more`)
        await sleep(held)
      }
      const left = deadline - now().getTime()
      if (left <= 0) throw failure(operation, 'timeout', `no answer within ${limitMs} ms`)
      const signal = AbortSignal.timeout(left)
      let status: number
      let text: string
      try {
        const answer = await request(apiUrl, { method: 'POST', headers, body, signal, ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }) })
        status = answer.statusCode
        gate.observe(status, answer.headers)
        text = await answer.body.text()
      } catch (error) {
        if (signal.aborted) throw failure(operation, 'timeout', `no answer within ${limitMs} ms`)
        const reason = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error))
        if (callOptions.mutation !== true && attempt < retries && await backOff(attempt, deadline)) { count(operation, 'failure'); continue }
        throw failure(operation, 'failure', `request failed (${reason})`, undefined, error)
      }
      if (status === 429) {
        if (attempt < retries && gate.waitMs() < deadline - now().getTime()) { count(operation, 'rate_limited'); continue }
        throw failure(operation, 'rate_limited', `rate limited by Railway (HTTP 429) for ${Math.ceil(gate.waitMs() / 1000)} s`, status)
      }
      if (status >= 500) {
        if (callOptions.mutation !== true && attempt < retries && await backOff(attempt, deadline)) { count(operation, 'failure'); continue }
        throw failure(operation, 'failure', `HTTP ${status}`, status)
      }
      let parsed: GraphqlAnswer
      try { parsed = JSON.parse(text) as GraphqlAnswer } catch { throw failure(operation, 'failure', `HTTP ${status} with a body that is not JSON`, status) }
      const errors = Array.isArray(parsed.errors) ? parsed.errors.map((e) => String(e.message)).slice(0, 3) : []
      if (errors.length > 0) throw failure(operation, 'failure', `GraphQL error: ${errors.join('; ')}`, status)
      if (status !== 200 || parsed.data === undefined || parsed.data === null) throw failure(operation, 'failure', `HTTP ${status} without data`, status)
      count(operation, 'success')
      return parsed.data as T
    }
  }

  // Waits before the next try when it fits before the deadline; false when it does not.
  async function backOff (attempt: number, deadline: number): Promise<boolean> {
    const wait = backoffMs(attempt + 1, retryBaseMs, 4 * retryBaseMs)
    if (now().getTime() + wait >= deadline) return false
    await sleep(wait)
    return true
  }
}
