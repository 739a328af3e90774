import { performance } from 'node:perf_hooks'
import { request, type Dispatcher } from 'undici'
import { describeError, type TransportFailure } from './describe-error.js'
import { readBodyCapped } from './read-body.js'

/** What one request found: an HTTP answer (with its body unless skipped), or why there was none. */
export type RequestOutcome =
  | {
    readonly ok: true
    readonly httpStatus: number
    readonly responseTimeMs: number
    readonly contentType: string
    /** Undefined when the body was not read (`ignore_body`) or was larger than the limit. */
    readonly body: string | undefined
    readonly bodyTooLarge: boolean
  }
  | { readonly ok: false, readonly responseTimeMs: number, readonly failure: TransportFailure }

export interface RequestOptions {
  readonly dispatcher: Dispatcher
  readonly timeoutMs: number
  readonly method?: string | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body?: string | undefined
  /** Read at most this many bytes of the answer; with `readBody: false`, none. */
  readonly maxBodyBytes: number
  readonly readBody: boolean
  /** Aborts the request (shutdown); reported as `aborted`, never thrown. */
  readonly signal?: AbortSignal | undefined
}

/** `url` with its credentials moved into a Basic `authorization` header, as browsers and curl do. */
export function withoutCredentials (url: URL): { url: URL, authorization: string | undefined } {
  if (url.username === '' && url.password === '') return { url, authorization: undefined }
  const plain = new URL(url)
  const user = decodeURIComponent(url.username)
  const password = decodeURIComponent(url.password)
  plain.username = ''
  plain.password = ''
  return { url: plain, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
}

/**
 * One request with a single deadline over the whole exchange: connection, TLS handshake (where the
 * certificate is read), headers and body. Never throws.
 */
export async function sendRequest (target: URL, options: RequestOptions): Promise<RequestOutcome> {
  const { url, authorization } = withoutCredentials(target)
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => { timedOut = true; controller.abort() }, options.timeoutMs)
  const onAbort = (): void => { controller.abort() }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  if (options.signal?.aborted === true) controller.abort()
  const started = performance.now()
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10
  try {
    const response = await request(url, {
      method: (options.method ?? 'GET') as Dispatcher.HttpMethod,
      dispatcher: options.dispatcher,
      signal: controller.signal,
      headers: {
        accept: 'application/json, */*;q=0.5',
        'user-agent': 'vigil-monitor',
        ...(authorization === undefined ? {} : { authorization }),
        ...options.headers
      },
      ...(options.body === undefined ? {} : { body: options.body })
    })
    const contentType = String(response.headers['content-type'] ?? '')
    if (!options.readBody) {
      response.body.on('error', () => {}).destroy()
      return { ok: true, httpStatus: response.statusCode, responseTimeMs: elapsed(), contentType, body: undefined, bodyTooLarge: false }
    }
    const read = await readBodyCapped(response.body, options.maxBodyBytes)
    return {
      ok: true,
      httpStatus: response.statusCode,
      responseTimeMs: elapsed(),
      contentType,
      body: read.tooLarge ? undefined : read.text,
      bodyTooLarge: read.tooLarge
    }
  } catch (error) {
    const responseTimeMs = elapsed()
    if (timedOut) return { ok: false, responseTimeMs, failure: { kind: 'timeout', error: `timed out after ${options.timeoutMs} ms` } }
    if (controller.signal.aborted) return { ok: false, responseTimeMs, failure: { kind: 'aborted', error: 'check aborted' } }
    return { ok: false, responseTimeMs, failure: describeError(error, url.hostname) }
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
  }
}
