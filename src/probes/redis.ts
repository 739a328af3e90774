import { Redis, type RedisOptions } from 'ioredis'
import { errorInfo, networkFailure, type Probe, type ProbeOutcome } from './probe.js'

export interface RedisProbeOptions {
  readonly url: string
  readonly timeoutMs: number
  readonly intervalMs: number
  readonly required: boolean
  /** Defaults to a client built from `url` with createProbeRedis. */
  readonly client?: Redis
}

/**
 * Delay before reconnect attempt `times`: doubling from 100 ms up to a cap of at least 5 s (the
 * probe interval when longer), so an outage of minutes costs a few connection attempts a minute.
 */
export function reconnectDelay (times: number, intervalMs: number): number {
  return Math.min(100 * 2 ** Math.max(0, times - 1), Math.max(5_000, intervalMs))
}

/** The client the probe uses in production: fails fast instead of queueing while disconnected. */
export function createProbeRedis (url: string, timeoutMs: number, intervalMs: number, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectionName: 'vigil-probe',
    retryStrategy: (times) => reconnectDelay(times, intervalMs),
    ...extra
  })
}

/** Words an on-call engineer can act on, from an ioredis error. */
export function classifyRedisError (error: unknown, timeoutMs: number, lastConnectionError: unknown): string {
  const { message, code } = errorInfo(error)
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(message)) return 'authentication failed (check the password in REDIS_URL)'
  if (/timed out|timeout/i.test(message)) return `timeout: no answer within ${timeoutMs} ms`
  // Without an offline queue or retries, a command fails at once when the connection is down or
  // drops mid-command; the connection error seen last says why.
  const down = /isn't writeable|enableOfflineQueue/i.test(message)
    ? 'not connected (reconnecting)'
    : /max retries per request|Connection is closed/i.test(message) ? 'connection lost' : undefined
  if (down !== undefined) {
    const cause = lastConnectionError === undefined ? undefined : classifyRedisError(lastConnectionError, timeoutMs, undefined)
    if (cause === undefined) return down
    // The server turned the client away: that, not the closed connection, is the news.
    return /^(authentication|TLS)/.test(cause) ? cause : `${down}: ${cause}`
  }
  if (/wrong version number|ssl|tls/i.test(message)) return `TLS handshake failed: ${message}`
  return networkFailure(code, message) ?? message
}

/** Picks the report figures out of an INFO reply. */
export function parseInfo (info: string): Record<string, string | number> {
  const fields = new Map<string, string>()
  for (const line of info.split(/\r?\n/)) {
    const at = line.indexOf(':')
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1).trim())
  }
  const details: Record<string, string | number> = {}
  const version = fields.get('redis_version')
  if (version !== undefined) details.server_version = version
  const memory = Number(fields.get('used_memory'))
  if (Number.isFinite(memory)) details.used_memory_mb = Math.round(memory / 1024 / 1024 * 10) / 10
  const clients = Number(fields.get('connected_clients'))
  if (Number.isFinite(clients)) details.connected_clients = clients
  return details
}

/** Redis as `redis`: `PING`, then version, memory and clients from `INFO`. */
export function createRedisProbe (options: RedisProbeOptions) {
  const client = options.client ?? createProbeRedis(options.url, options.timeoutMs, options.intervalMs)
  let lastConnectionError: unknown
  // ioredis reports connection errors as events; keep the latest to explain "not connected".
  client.on('error', (error: unknown) => { lastConnectionError = error })
  client.on('ready', () => { lastConnectionError = undefined })
  let handshakeSince = 0
  client.on('connect', () => { handshakeSince = Date.now() })
  let closed = false

  async function check (signal: AbortSignal): Promise<ProbeOutcome> {
    // A connection that is up but did not answer in time is dropped, so a hung socket is not
    // reused; ioredis reconnects with its backoff.
    const dropHung = (): void => { if (client.status === 'ready' || client.status === 'connect') client.disconnect(true) }
    signal.addEventListener('abort', dropHung, { once: true })
    try {
      if (client.status === 'wait') await client.connect()
      await client.ping()
      const info = await client.info()
      return { status: 'healthy', details: parseInfo(info) }
    } catch (error) {
      // Commands are refused while the handshake runs; a handshake older than the timeout is hung.
      const stuckHandshake = client.status === 'connect' && Date.now() - handshakeSince > options.timeoutMs
      if (!signal.aborted && (stuckHandshake || /timed out/i.test(errorInfo(error).message))) dropHung()
      return { status: 'unhealthy', error: classifyRedisError(error, options.timeoutMs, lastConnectionError) }
    } finally {
      signal.removeEventListener('abort', dropHung)
    }
  }

  return {
    name: 'redis',
    kind: 'redis',
    required: options.required,
    check,
    close: async () => {
      if (closed) return
      closed = true
      client.disconnect(false)
    }
  } satisfies Probe
}
