import type pg from 'pg'
import type { CycleLock } from '../monitor/types.js'
import { createStatePool } from './pg-pool.js'

/** Advisory-lock key of the monitor cycle (any constant shared by all replicas). */
export const CYCLE_LOCK_KEY = 7_351_002

/** The lock of a single replica: every cycle runs here. */
export function createMemoryLock () {
  return {
    runExclusive: async <T>(fn: () => Promise<T>) => ({ ran: true as const, value: await fn() }),
    close: async () => {}
  } satisfies CycleLock
}

export interface PgLockOptions {
  readonly connectionString?: string
  /** A pool used only for the lock; its own small one from `connectionString` by default. */
  readonly pool?: pg.Pool
  readonly key?: number
}

/**
 * One replica per cycle: pg_try_advisory_lock on a dedicated session, taken for the cycle and
 * released after. A replica that dies mid-cycle ends its session, which releases the lock.
 */
export function createPgLock (options: PgLockOptions) {
  const ownsPool = options.pool === undefined
  const pool = options.pool ?? createStatePool(options.connectionString, 1)
  const key = options.key ?? CYCLE_LOCK_KEY
  return {
    async runExclusive<T> (fn: () => Promise<T>): Promise<{ ran: true, value: T } | { ran: false }> {
      const client = await pool.connect()
      let sessionOk = true
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key])
          .catch((error: unknown) => { sessionOk = false; throw error })
        if (rows[0]?.locked !== true) return { ran: false }
        try {
          return { ran: true, value: await fn() }
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => { sessionOk = false })
        }
      } finally {
        // A session whose unlock failed is destroyed, so the lock cannot outlive this cycle.
        client.release(!sessionOk)
      }
    },
    async close () {
      if (ownsPool) await pool.end()
    }
  } satisfies CycleLock
}
