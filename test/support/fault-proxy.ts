import net from 'node:net'

/** What the proxy does with traffic: pass it, refuse, reset, hang, or pass it late. */
export type FaultMode = 'pass' | 'refuse' | 'reset' | 'hang' | 'latency'

export interface FaultProxy {
  readonly port: number
  /** Switches mode; `reset` and `hang` apply to connections already open as well as new ones. */
  setMode: (mode: FaultMode, latencyMs?: number) => Promise<void>
  /** Connections accepted since start (refused ones never arrive). */
  readonly connections: number
  /** Client-to-server bytes forwarded. */
  readonly bytesForwarded: number
  /** PostgreSQL query messages (simple `Q` or extended `P`) received from clients / forwarded. */
  readonly queriesReceived: number
  readonly queriesForwarded: number
  /** Ids of open connections that sent data the proxy is holding back (hang mode). */
  held: () => number[]
  close: () => Promise<void>
}

/** Counts PostgreSQL frontend query messages in one connection's client-to-server stream. */
function pgQueryCounter (): (chunk: Buffer) => number {
  let pending = Buffer.alloc(0)
  let startupDone = false
  return (chunk) => {
    pending = Buffer.concat([pending, chunk])
    let count = 0
    for (;;) {
      if (!startupDone) {
        if (pending.length < 8) return count
        const length = pending.readInt32BE(0)
        const code = pending.readInt32BE(4)
        if (pending.length < length) return count
        pending = pending.subarray(length)
        // SSLRequest / GSSENCRequest are followed by another untyped startup message.
        if (code !== 80877103 && code !== 80877104) startupDone = true
        continue
      }
      if (pending.length < 5) return count
      const length = pending.readInt32BE(1)
      if (pending.length < length + 1) return count
      const type = String.fromCharCode(pending[0]!)
      if (type === 'Q' || type === 'P') count += 1
      pending = pending.subarray(length + 1)
    }
  }
}

/**
 * A TCP proxy in front of a real server, for fault injection. `refuse` closes the listening
 * socket (clients get ECONNREFUSED); `reset` answers with RST; `hang` accepts and never answers.
 */
export async function startFaultProxy (target: { host: string, port: number }, port = 0): Promise<FaultProxy> {
  let mode: FaultMode = 'pass'
  let latencyMs = 0
  const stats = { connections: 0, bytesForwarded: 0, queriesReceived: 0, queriesForwarded: 0 }
  const open = new Set<net.Socket>()
  const held = new Map<net.Socket, number>()

  const delayed = (fn: () => void): void => {
    if (mode === 'latency' && latencyMs > 0) setTimeout(fn, latencyMs)
    else fn()
  }

  const server = net.createServer((client) => {
    stats.connections += 1
    if (mode === 'reset') { client.resetAndDestroy(); return }
    const upstream = net.connect(target.port, target.host)
    open.add(client); open.add(upstream)
    const countQueries = pgQueryCounter()
    const id = stats.connections
    const closeBoth = (): void => { client.destroy(); upstream.destroy(); open.delete(client); open.delete(upstream); held.delete(client) }
    client.on('error', closeBoth).on('close', closeBoth)
    upstream.on('error', closeBoth).on('close', closeBoth)
    client.on('data', (chunk: Buffer) => {
      const queries = countQueries(chunk)
      stats.queriesReceived += queries
      if (mode === 'hang') { held.set(client, id); return }
      delayed(() => {
        stats.bytesForwarded += chunk.length
        stats.queriesForwarded += queries
        if (!upstream.destroyed) upstream.write(chunk)
      })
    })
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'hang') return
      delayed(() => { if (!client.destroyed) client.write(chunk) })
    })
  })

  const listen = async (at: number): Promise<number> => await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(at, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as net.AddressInfo).port)
    })
  })
  const boundPort = await listen(port)

  return {
    port: boundPort,
    async setMode (next, nextLatencyMs = 0) {
      const wasListening = server.listening
      mode = next
      latencyMs = nextLatencyMs
      if (next === 'reset') for (const socket of open) if (!socket.destroyed) socket.resetAndDestroy()
      if (next === 'refuse' && wasListening) {
        for (const socket of open) socket.destroy()
        await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
      } else if (next !== 'refuse' && !wasListening) {
        await listen(boundPort)
      }
    },
    held: () => [...held.values()],
    get connections () { return stats.connections },
    get bytesForwarded () { return stats.bytesForwarded },
    get queriesReceived () { return stats.queriesReceived },
    get queriesForwarded () { return stats.queriesForwarded },
    async close () {
      for (const socket of open) socket.destroy()
      if (server.listening) await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    }
  }
}
