import { performance } from 'node:perf_hooks'
import { request, type Dispatcher } from 'undici'
import { describeError, type TransportFailure } from './describe-error.js'

/** What one GET found: an HTTP answer (with the start of its body), or why there was none. */
export type GetOutcome =
  | { readonly ok: true, readonly httpStatus: number, readonly responseTimeMs: number, readonly contentType: string, readonly body: string }
  | { readonly ok: false, readonly responseTimeMs: number, readonly failure: TransportFailure }

export interface GetOptions {
  readonly dispatcher?: Dispatcher | undefined
  readonly timeoutMs: number
  /** Aborts the request (shutdown); reported as `aborted`, never thrown. */
  readonly signal?: AbortSignal | undefined
}

// A health body past this is not one we can judge anyway; stop reading there.
const MAX_BODY_BYTES = 64 * 1024

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

async function readCapped (body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
    chunks.push(buffer)
    size += buffer.length
    if (size >= MAX_BODY_BYTES) { body.destroy(); break }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8')
}

/** One GET with a deadline over the whole exchange (headers and body). Never throws. */
export async function httpGet (target: URL, options: GetOptions): Promise<GetOutcome> {
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
      method: 'GET',
      dispatcher: options.dispatcher,
      signal: controller.signal,
      headers: { accept: 'application/json, */*;q=0.5', 'user-agent': 'vigil-monitor', ...(authorization === undefined ? {} : { authorization }) }
    })
    // A declared length within the cap is read in one go; anything else is streamed up to the cap.
    const length = Number(response.headers['content-length'] ?? NaN)
    const body = length <= MAX_BODY_BYTES ? await response.body.text() : await readCapped(response.body)
    const contentType = String(response.headers['content-type'] ?? '')
    return { ok: true, httpStatus: response.statusCode, responseTimeMs: elapsed(), contentType, body }
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
