import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** How a stand-in answers: with a status code, or never. */
export type StandInMode = 200 | 401 | 429 | 500 | 'never'

export interface SeenRequest { readonly method: string, readonly url: string, readonly headers: http.IncomingHttpHeaders, readonly authorized: boolean }

export interface AiStandIn {
  readonly baseUrl: string
  mode: StandInMode
  readonly seen: SeenRequest[]
  /** Requests the stand-in has not answered whose connection is still open. */
  readonly pending: number
  close: () => Promise<void>
}

/**
 * A local stand-in for one AI provider. It answers 401 to a request without the auth header the
 * provider expects, whatever the mode, so a wrong header shows up as "API key rejected".
 */
export async function startAiStandIn (authorized: (headers: http.IncomingHttpHeaders) => boolean): Promise<AiStandIn> {
  let pending = 0
  const state = { mode: 200 as StandInMode, seen: [] as SeenRequest[] }
  const server = http.createServer((req, res) => {
    const ok = authorized(req.headers)
    state.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, authorized: ok })
    if (!ok) { res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid api key"}'); return }
    if (state.mode === 'never') {
      pending += 1
      res.on('close', () => { pending -= 1 })
      return
    }
    res.writeHead(state.mode, { 'content-type': 'application/json' }).end(state.mode === 200 ? '{"data":[]}' : '{"error":"stand-in"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get mode () { return state.mode },
    set mode (next) { state.mode = next },
    seen: state.seen,
    get pending () { return pending },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}
