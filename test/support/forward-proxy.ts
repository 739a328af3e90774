import { once } from 'node:events'
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

/** A forward proxy on 127.0.0.1 that records what it was asked to reach. */
export interface ForwardProxy {
  readonly url: string
  /** `host:port` of each CONNECT tunnel, and absolute URLs of plain requests, in order. */
  readonly seen: string[]
  /** Proxy-Authorization headers received. */
  readonly authorizations: string[]
  close: () => Promise<void>
}

/** Starts a small HTTP forward proxy: CONNECT tunnels for any target, and plain absolute-URL requests. */
export async function startForwardProxy (): Promise<ForwardProxy> {
  const seen: string[] = []
  const authorizations: string[] = []
  const sockets = new Set<Socket>()
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.url ?? '')
    const upstream = request(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => { res.writeHead(502).end() })
    req.pipe(upstream)
  })
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(req.url ?? '')
    if (req.headers['proxy-authorization'] !== undefined) authorizations.push(req.headers['proxy-authorization'])
    const [host, port] = (req.url ?? '').split(':')
    const target = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      target.write(head)
      target.pipe(client)
      client.pipe(target)
    })
    for (const socket of [client, target]) {
      sockets.add(socket)
      socket.on('error', () => { client.destroy(); target.destroy() })
      socket.on('close', () => { sockets.delete(socket) })
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    authorizations,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    }
  }
}
