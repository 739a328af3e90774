import { once } from 'node:events'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

/** How a path answers: a behaviour, or a list of them taken one per request (the last repeats). */
export type Behaviour =
  | 'healthy' | 'error' | 'hang' | 'unhealthy' | 'degraded' | 'not-found'
  | { readonly slowMs: number }
  /** A fixed answer: status (default 200), content type (default JSON) and body as written. */
  | { readonly body: string, readonly status?: number, readonly contentType?: string, readonly headers?: Readonly<Record<string, string>> }
  /** A JSON-typed body of `bytes` bytes, streamed as long as the client reads it. */
  | { readonly streamBytes: number }

export interface TargetServer {
  /** `http://127.0.0.1:<port>` or `https://127.0.0.1:<port>`. */
  readonly url: string
  readonly port: number
  /** Requests received per path. */
  readonly hits: Map<string, number>
  /** Authorization headers received, in order. */
  readonly authorizations: string[]
  /** Every request received, in order: method, path with query, headers and body. */
  readonly requests: ReceivedRequest[]
  /** Body bytes written by `streamBytes` answers, all requests together. */
  readonly streamedBytes: () => number
  set: (path: string, behaviour: Behaviour | Behaviour[]) => void
  close: () => Promise<void>
}

/** A request as the target server received it. */
export interface ReceivedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

const json = (res: ServerResponse, code: number, body: unknown): void => {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

function stream (res: ServerResponse, bytes: number, counter: { sent: number }): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes) })
  const chunk = Buffer.alloc(64 * 1024, 'x')
  let left = bytes
  const write = (): void => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
      left -= piece.length
      counter.sent += piece.length
      if (!res.write(piece)) { res.once('drain', write); return }
    }
    if (left === 0) res.end()
  }
  write()
}

function answer (behaviour: Behaviour, res: ServerResponse, counter: { sent: number }): void {
  if (behaviour === 'hang') return
  if (typeof behaviour === 'object' && 'streamBytes' in behaviour) { stream(res, behaviour.streamBytes, counter); return }
  if (typeof behaviour === 'object' && 'body' in behaviour) {
    res.writeHead(behaviour.status ?? 200, { 'content-type': behaviour.contentType ?? 'application/json', ...behaviour.headers }).end(behaviour.body)
    return
  }
  if (typeof behaviour === 'object') { setTimeout(() => { json(res, 200, { status: 'ok' }) }, behaviour.slowMs); return }
  if (behaviour === 'error') { json(res, 500, { error: 'boom' }); return }
  if (behaviour === 'not-found') { json(res, 404, { error: 'not found' }); return }
  if (behaviour === 'unhealthy') { json(res, 200, { status: 'unhealthy' }); return }
  if (behaviour === 'degraded') { json(res, 200, { status: 'degraded' }); return }
  json(res, 200, { status: 'healthy' })
}

/**
 * A deployed environment stand-in on 127.0.0.1, port 0: every path answers `healthy` unless
 * told otherwise. With `tls`, it serves HTTPS with that key and certificate.
 */
export async function startTargetServer (tls?: { key: string, cert: string }): Promise<TargetServer> {
  const behaviours = new Map<string, Behaviour[]>()
  const hits = new Map<string, number>()
  const authorizations: string[] = []
  const requests: ReceivedRequest[] = []
  const counter = { sent: 0 }
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => { chunks.push(chunk) })
    req.on('end', () => { requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }) })
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const count = hits.get(path) ?? 0
    hits.set(path, count + 1)
    if (req.headers.authorization !== undefined) authorizations.push(req.headers.authorization)
    const list = behaviours.get(path) ?? ['healthy']
    answer(list[Math.min(count, list.length - 1)]!, res, counter)
  }
  const server: Server = tls === undefined ? createHttpServer(handler) : createHttpsServer(tls, handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `${tls === undefined ? 'http://127.0.0.1' : 'https://127.0.0.1'}:${port}`,
    port,
    hits,
    authorizations,
    requests,
    streamedBytes: () => counter.sent,
    set: (path, behaviour) => { behaviours.set(path, Array.isArray(behaviour) ? behaviour : [behaviour]) },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    }
  }
}
