import pg from 'pg'

/** Deadlines of the state database: a hanging server fails an operation, never holds it for ever. */
export const STATE_CONNECT_TIMEOUT_MS = 5_000
export const STATE_QUERY_TIMEOUT_MS = 10_000

/**
 * A pool for STATE_DATABASE_URL with connect and query deadlines. Every client gets an error
 * listener of its own when it connects: a session killed or reset while checked out then fails
 * the query in flight (or the next one) instead of reaching the process as an uncaught error.
 */
export function createStatePool (connectionString: string | undefined, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'vigil-state',
    connectionTimeoutMillis: STATE_CONNECT_TIMEOUT_MS,
    query_timeout: STATE_QUERY_TIMEOUT_MS,
    statement_timeout: STATE_QUERY_TIMEOUT_MS,
    // A cut network is noticed in seconds rather than after the kernel's two hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000
  })
  pool.on('connect', (client) => { client.on('error', () => {}) })
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  return pool
}

/** Runs `fn` in a transaction on one client; rolls back on error and discards a broken client. */
export async function inTransaction<T> (pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('BEGIN')
    const value = await fn(client)
    await client.query('COMMIT')
    return value
  } catch (error) {
    await client.query('ROLLBACK').catch(() => { broken = true })
    throw error
  } finally {
    client.release(broken)
  }
}
