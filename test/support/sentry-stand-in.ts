import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

export interface SentryStandIn {
  /** DSN pointing at this server, project 42. */
  readonly dsn: string
  /** Raw envelope bodies received so far, decompressed. */
  readonly envelopes: string[]
  /** The JSON items of every envelope, each with its item header's type. */
  readonly items: () => Array<{ type: string, payload: Record<string, unknown> }>
  readonly close: () => Promise<void>
}

/** A local HTTP server that accepts Sentry envelopes the way sentry.io's ingest does. */
export async function startSentryStandIn (): Promise<SentryStandIn> {
  const envelopes: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8')
      if (req.method === 'POST' && /^\/api\/42\/envelope\/?/.test(req.url ?? '')) envelopes.push(text)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    dsn: `http://0123456789abcdef0123456789abcdef@127.0.0.1:${port}/42`,
    envelopes,
    items: () => envelopes.flatMap((envelope) => {
      // Envelope format: a header line, then pairs of item-header line and payload line.
      const lines = envelope.split('\n').filter((line) => line !== '')
      const items: Array<{ type: string, payload: Record<string, unknown> }> = []
      for (let i = 1; i + 1 < lines.length; i += 2) {
        const header = JSON.parse(lines[i]!) as { type: string }
        items.push({ type: header.type, payload: JSON.parse(lines[i + 1]!) as Record<string, unknown> })
      }
      return items
    }),
    close: async () => { await new Promise((resolve) => server.close(resolve)) }
  }
}
