import pg from 'pg'
import type { Socket } from 'node:net'
import { classifyPostgresError } from './postgres-errors.js'
import type { Probe, ProbeOutcome } from './probe.js'

export interface PostgresProbeOptions {
  readonly url: string
  readonly timeoutMs: number
  readonly intervalMs: number
  readonly required: boolean
  /** Defaults to a Pool of at most 2 connections built from `url`. */
  readonly pool?: pg.Pool
}

/** The pool the probe uses in production: small, and every wait bounded by the probe timeout. */
export function createProbePool (url: string, timeoutMs: number, intervalMs: number): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    // Outlive a few probe intervals so a healthy database is probed over one warm connection.
    idleTimeoutMillis: Math.max(30_000, intervalMs * 3),
    keepAlive: true,
    application_name: 'vigil-probe',
    allowExitOnIdle: true
  })
}

// pg keeps the socket on an internal field; pg-pool itself destroys it the same way on timeout.
function destroySocket (client: pg.PoolClient): void {
  const stream = (client as unknown as { connection?: { stream?: Socket } }).connection?.stream
  stream?.destroy()
}

/** PostgreSQL as `database`: `SELECT 1`, pool figures and the server version. */
export function createPostgresProbe (options: PostgresProbeOptions) {
  const pool = options.pool ?? createProbePool(options.url, options.timeoutMs, options.intervalMs)
  // Read once per connection, not per probe; the latest one read is shown.
  const versions = new WeakMap<pg.PoolClient, string>()
  let serverVersion: string | undefined
  // Without a listener an idle connection dropping (e.g. a server restart) would crash the process;
  // the next probe finds out and reports it.
  pool.on('error', () => {})
  // pg-pool listens only to idle clients: one reset or terminated while a probe holds it would
  // emit an error nobody hears, an uncaught exception. The probe's query fails and reports it.
  pool.on('connect', (client) => { client.on('error', () => {}) })

  const details = () => ({
    pool_total: pool.totalCount,
    pool_idle: pool.idleCount,
    pool_waiting: pool.waitingCount,
    ...(serverVersion === undefined ? {} : { server_version: serverVersion })
  })

  async function check (signal: AbortSignal): Promise<ProbeOutcome> {
    let client: pg.PoolClient | undefined
    const abort = (): void => {
      if (client === undefined) return
      // Really stop: the pool forgets the connection and its socket goes, whatever it was waiting on.
      client.release(new Error('probe aborted'))
      destroySocket(client)
      client = undefined
    }
    signal.addEventListener('abort', abort, { once: true })
    try {
      const held = await pool.connect()
      client = held
      if (signal.aborted) { abort(); return { status: 'unhealthy', error: `timeout: no answer within ${options.timeoutMs} ms` } }
      if (!versions.has(held)) {
        const { rows } = await held.query<{ server_version: string }>('SHOW server_version')
        serverVersion = rows[0]?.server_version.split(' ')[0] ?? 'unknown'
        versions.set(held, serverVersion)
      }
      await held.query('SELECT 1')
      // An abort that raced the answer has released the connection already.
      if (client === held) held.release()
      client = undefined
      return { status: 'healthy', details: details() }
    } catch (error) {
      if (client !== undefined) { client.release(error instanceof Error ? error : new Error(String(error))); client = undefined }
      return { status: 'unhealthy', error: classifyPostgresError(error, options.timeoutMs), details: details() }
    } finally {
      signal.removeEventListener('abort', abort)
    }
  }

  return {
    name: 'database',
    kind: 'postgres',
    required: options.required,
    check,
    close: async () => { await pool.end() }
  } satisfies Probe
}
