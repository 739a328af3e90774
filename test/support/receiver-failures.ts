import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * How a stand-in receiver misbehaves on demand: `server-error` (500), `hang` (never answers),
 * `rate-limited` (429 with Retry-After), `bad-request` (400), and `lost-answer` (the request is
 * processed, then the connection is cut before the answer: the sender cannot know it worked).
 */
export type ReceiverFailure = 'server-error' | 'hang' | 'rate-limited' | 'bad-request' | 'lost-answer'

/** One request as it arrived: headers lower-cased, the raw body (signatures are over the bytes). */
export interface ReceivedRequest { readonly path: string, readonly headers: Readonly<Record<string, string | string[] | undefined>>, readonly body: string }

/** What a receiver does with a request it accepted: status, JSON body, extra headers. */
export interface ReceiverAnswer { readonly status: number, readonly body: unknown, readonly headers?: Readonly<Record<string, string>> }

export interface FailingReceiver {
  readonly url: string
  /** Every request, failed or not, in order of arrival. */
  readonly requests: ReceivedRequest[]
  /** Fail the next `count` requests with `mode` (`retryAfterSeconds` for rate-limited, default 1). */
  failNext: (count: number, mode: ReceiverFailure, options?: { retryAfterSeconds?: number }) => void
  /** Fail every request with `mode` until called with null. */
  failAll: (mode: ReceiverFailure | null, options?: { retryAfterSeconds?: number }) => void
  close: () => Promise<void>
}

async function readBody (req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send (res: ServerResponse, answer: ReceiverAnswer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
  res.end(JSON.stringify(answer.body))
}

/**
 * A local HTTP receiver on port 0 that hands accepted requests to `accept` and fails on demand.
 * `failure(mode)` is the receiver's own words for a 500, 429 or 400 (its published error bodies).
 */
export async function startFailingReceiver (
  accept: (request: ReceivedRequest) => ReceiverAnswer,
  failure: (mode: 'server-error' | 'rate-limited' | 'bad-request') => unknown
): Promise<FailingReceiver> {
  const requests: ReceivedRequest[] = []
  let queued: Array<{ mode: ReceiverFailure, retryAfterSeconds: number }> = []
  let always: { mode: ReceiverFailure, retryAfterSeconds: number } | null = null
  const server = createServer((req, res) => {
    readBody(req).then((body) => {
      const request = { path: req.url ?? '/', headers: req.headers, body }
      requests.push(request)
      const fail = queued.shift() ?? always
      if (fail === null) { send(res, accept(request)); return }
      switch (fail.mode) {
        case 'hang': return // the sender's deadline has to fire
        case 'lost-answer':
          accept(request)
          res.socket?.destroy()
          return
        case 'server-error': send(res, { status: 500, body: failure('server-error') }); return
        case 'bad-request': send(res, { status: 400, body: failure('bad-request') }); return
        case 'rate-limited': send(res, { status: 429, body: failure('rate-limited'), headers: { 'retry-after': String(fail.retryAfterSeconds) } })
      }
    }).catch(() => { res.socket?.destroy() })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext (count, mode, options = {}) {
      queued = [...queued, ...Array.from({ length: count }, () => ({ mode, retryAfterSeconds: options.retryAfterSeconds ?? 1 }))]
    },
    failAll (mode, options = {}) {
      always = mode === null ? null : { mode, retryAfterSeconds: options.retryAfterSeconds ?? 1 }
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
