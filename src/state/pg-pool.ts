import pg from 'pg'

/** Deadlines of the state database: a hanging server fails a cycle, never holds it forever. */
export const STATE_CONNECT_TIMEOUT_MS = 5_000
export const STATE_QUERY_TIMEOUT_MS = 10_000

/** A pool for STATE_DATABASE_URL with connect and query deadlines. */
export function createStatePool (connectionString: string | undefined, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'vigil-state',
    connectionTimeoutMillis: STATE_CONNECT_TIMEOUT_MS,
    query_timeout: STATE_QUERY_TIMEOUT_MS,
    statement_timeout: STATE_QUERY_TIMEOUT_MS
  })
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  return pool
}
