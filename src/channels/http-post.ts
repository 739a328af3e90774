import { request, type Dispatcher } from 'undici'
import { DeliveryError } from '../delivery/types.js'
import type { Redactor } from '../redact.js'

/** Default deadline of one delivery request (connection, headers and body). */
export const DEFAULT_POST_TIMEOUT_MS = 10_000
/** How long a 429 without a usable `Retry-After` holds the channel. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000
// Receivers answer a few bytes; more is read no further (the reason quotes 200 characters).
const MAX_ANSWER_BYTES = 64 * 1024

export interface PostJsonOptions {
  /** Who answers, in reasons and logs: `Slack`, `PagerDuty`. Never the URL, which may be a secret. */
  readonly receiver: string
  readonly redact: Redactor
  readonly headers?: Readonly<Record<string, string>>
  /** Deadline of the whole exchange; default DEFAULT_POST_TIMEOUT_MS. */
  readonly timeoutMs?: number
  /** Aborts the request (shutdown); the delivery stays pending. */
  readonly signal?: AbortSignal
  /** undici dispatcher (tests, proxies); the global one by default. */
  readonly dispatcher?: Dispatcher
  /** When a 429's body says how long to wait (Discord's `retry_after`), the time it allows the next try. */
  readonly retryAtFromBody?: (body: string, now: Date) => Date | undefined
  readonly now?: () => Date
}

/** A 2xx answer: status, lower-cased headers and the body as text (at most 64 KiB). */
export interface PostAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: string
}

/**
 * The time a `Retry-After` value allows the next request: delta-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function retryAtFrom (value: string | string[] | undefined, now: Date): Date | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (text === undefined || text.trim() === '') return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return new Date(now.getTime() + Number(text) * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : new Date(Math.max(now.getTime(), date))
}

async function readCapped (body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    if (size < MAX_ANSWER_BYTES) chunks.push(chunk)
    size += chunk.length
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8')
}

const snippet = (body: string, redact: Redactor): string => redact(body.replace(/\s+/g, ' ').trim()).slice(0, 200)

/**
 * POSTs `payload` (serialised as JSON unless already a string) to a receiver and returns its 2xx
 * answer. Anything else throws a DeliveryError the delivery worker understands:
 * - `rate-limited` on 429, until `Retry-After` (or `retryAtFromBody`, or one minute);
 * - `retryable` on 408, 5xx, timeouts, resets and refused connections (the write may have happened);
 * - `permanent` on any other answer (3xx, 4xx): the same payload cannot succeed later.
 * Reasons name the receiver and the status and quote its answer redacted; never the URL.
 */
export async function postJson (url: string, payload: unknown, options: PostJsonOptions): Promise<PostAnswer> {
  const { receiver, redact } = options
  const now = options.now ?? (() => new Date())
  const timeoutMs = options.timeoutMs ?? DEFAULT_POST_TIMEOUT_MS
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal === undefined ? [] : [options.signal])]
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  let status: number
  let headers: Record<string, string | string[] | undefined>
  let text: string
  try {
    const answer = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'vigil', ...options.headers },
      signal: AbortSignal.any(signals),
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher })
    })
    status = answer.statusCode
    headers = answer.headers
    text = await readCapped(answer.body)
  } catch (error) {
    const timedOut = signals[0]!.aborted
    // A DOMException's `code` is a number (an abort's is 20): only a string code names the failure.
    const code = (error as { code?: unknown }).code
    const reason = timedOut
      ? `${receiver}: no answer within ${timeoutMs} ms`
      : options.signal?.aborted === true
        ? `${receiver}: no answer (stopped at shutdown)`
        : `${receiver}: no answer (${redact(typeof code === 'string' ? code : (error instanceof Error ? error.message : String(error)))})`
    throw new DeliveryError('retryable', reason, { cause: error })
  }
  if (status >= 200 && status < 300) return { status, headers, body: text }
  if (status === 429) {
    const at = now()
    const retryAt = retryAtFrom(headers['retry-after'], at) ?? options.retryAtFromBody?.(text, at) ?? new Date(at.getTime() + DEFAULT_RATE_LIMIT_WAIT_MS)
    throw new DeliveryError('rate-limited', `${receiver} rate limit (HTTP 429) until ${retryAt.toISOString()}`, { retryAt })
  }
  const quoted = snippet(text, redact)
  const detail = quoted === '' ? '' : `: ${quoted}`
  if (status === 408 || status >= 500) throw new DeliveryError('retryable', `${receiver} answered HTTP ${status}${detail}`)
  throw new DeliveryError('permanent', `${receiver} refused the delivery: HTTP ${status}${detail}`)
}
