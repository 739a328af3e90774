import { once } from 'node:events'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

/** How a path answers: a behaviour, or a list of them taken one per request (the last repeats). */
export type Behaviour =
  | 'healthy' | 'error' | 'hang' | 'unhealthy' | 'degraded' | 'not-found'
  | { readonly slowMs: number }

export interface TargetServer {
  /** `http://127.0.0.1:<port>` or `https://127.0.0.1:<port>`. */
  readonly url: string
  readonly port: number
  /** Requests received per path. */
  readonly hits: Map<string, number>
  /** Authorization headers received, in order. */
  readonly authorizations: string[]
  set: (path: string, behaviour: Behaviour | Behaviour[]) => void
  close: () => Promise<void>
}

const json = (res: ServerResponse, code: number, body: unknown): void => {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

function answer (behaviour: Behaviour, res: ServerResponse): void {
  if (behaviour === 'hang') return
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
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const count = hits.get(path) ?? 0
    hits.set(path, count + 1)
    if (req.headers.authorization !== undefined) authorizations.push(req.headers.authorization)
    const list = behaviours.get(path) ?? ['healthy']
    answer(list[Math.min(count, list.length - 1)]!, res)
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
    set: (path, behaviour) => { behaviours.set(path, Array.isArray(behaviour) ? behaviour : [behaviour]) },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    }
  }
}
