import { request as httpRequest, type IncomingMessage } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { CheckConnector } from './check-dispatcher.js'
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
  /** Opens each connection (one per request and per redirect hop) and inspects its TLS. */
  readonly connector: CheckConnector
  readonly timeoutMs: number
  readonly method?: string | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body?: string | undefined
  /** Read at most this many bytes of the answer; with `readBody: false`, none. */
  readonly maxBodyBytes: number
  readonly readBody: boolean
  /** Redirects followed (`max_redirects`); past them the last redirect is the answer. Default 0. */
  readonly maxRedirects?: number | undefined
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

const REDIRECT_STATUSES = new Set([300, 301, 302, 303, 307, 308])

interface Exchange {
  readonly url: URL
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

/**
 * The request a redirect leads to, by the rules of fetch and browsers: 303
 * (and 301/302 after a POST) turn into a body-less GET, `host` is dropped, and credentials
 * (`authorization`, `cookie`, `proxy-authorization`) do not follow to another origin.
 * Undefined when `location` is not an http(s) URL.
 */
export function redirected (from: Exchange, status: number, location: string): Exchange | undefined {
  let url: URL
  try { url = new URL(location, from.url) } catch { return undefined }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  const toGet = (status === 303 && from.method !== 'HEAD') || ((status === 301 || status === 302) && from.method === 'POST')
  const crossOrigin = url.origin !== from.url.origin
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(from.headers)) {
    const lower = name.toLowerCase()
    if (lower === 'host') continue
    if (toGet && lower.startsWith('content-')) continue
    if (crossOrigin && (lower === 'authorization' || lower === 'cookie' || lower === 'proxy-authorization')) continue
    headers[name] = value
  }
  return { url, method: toGet ? 'GET' : from.method, headers, body: toGet ? undefined : from.body }
}

/** Sends one request over a fresh connection from `connector`; resolves with the answer's head. */
async function exchange (connector: CheckConnector, { url, method, headers, body }: Exchange, signal: AbortSignal): Promise<IncomingMessage> {
  const socket = await connector.connect(url, signal)
  return await new Promise<IncomingMessage>((resolve, reject) => {
    const request = httpRequest({
      method,
      path: `${url.pathname}${url.search}`,
      // One connection per request, made above: node:http only speaks HTTP/1.1 over it.
      createConnection: () => socket,
      headers: { host: url.host, connection: 'close', ...headers },
      signal
    })
    request.once('response', (response: IncomingMessage) => {
      // Errors past this point surface in the body read, or not at all when it is skipped.
      response.on('error', () => {})
      resolve(response)
    })
    // `on`, not `once`: a socket error after the answer must not be an unhandled 'error'.
    request.on('error', reject)
    request.end(body)
  })
}

/**
 * One request with a single deadline over the whole exchange: connection (through the proxy),
 * TLS handshake (where the certificate is read and verified), headers and body, and every
 * redirect hop. Never throws.
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
  let response: IncomingMessage | undefined
  try {
    let next: Exchange | undefined = {
      url,
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json, */*;q=0.5',
        'user-agent': 'vigil-monitor',
        ...(authorization === undefined ? {} : { authorization }),
        ...options.headers
      },
      body: options.body
    }
    for (let hop = 0; next !== undefined; hop++) {
      const current: Exchange = next
      response = await exchange(options.connector, current, controller.signal)
      const status = response.statusCode ?? 0
      const location = response.headers.location
      next = hop < (options.maxRedirects ?? 0) && REDIRECT_STATUSES.has(status) && location !== undefined
        ? redirected(current, status, location)
        : undefined
      if (next !== undefined) response.destroy()
    }
    if (response === undefined) throw new Error('no response')
    const httpStatus = response.statusCode ?? 0
    const contentType = String(response.headers['content-type'] ?? '')
    if (!options.readBody) {
      return { ok: true, httpStatus, responseTimeMs: elapsed(), contentType, body: undefined, bodyTooLarge: false }
    }
    const read = await readBodyCapped(response, options.maxBodyBytes)
    return {
      ok: true,
      httpStatus,
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
    // Fresh connections only: whatever was not read is dropped with its socket.
    response?.destroy()
    response?.socket?.destroy()
  }
}
