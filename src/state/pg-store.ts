import type pg from 'pg'
import type { Status } from '../health/status.js'
import { createStatePool } from './pg-pool.js'
import { ensureSchema } from './pg-schema.js'
import type { EnvironmentState, PendingAction, Store } from './types.js'

export interface PgStoreOptions {
  /** STATE_DATABASE_URL; ignored when `pool` is given. */
  readonly connectionString?: string
  readonly pool?: pg.Pool
}

interface Row {
  environment: string
  status: Status
  since: Date
  outage_since: Date | null
  last_failures: string[]
  last_notified_at: Date | null
  issue_number: number | null
  issue_url: string | null
  issue_opened_at: Date | null
  pending: PendingAction[]
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString())

function fromRow (row: Row): EnvironmentState {
  return {
    environment: row.environment,
    status: row.status,
    since: row.since.toISOString(),
    outageSince: iso(row.outage_since),
    lastFailures: row.last_failures,
    lastNotifiedAt: iso(row.last_notified_at),
    issue: row.issue_number === null || row.issue_url === null || row.issue_opened_at === null
      ? null
      : { number: row.issue_number, url: row.issue_url, openedAt: row.issue_opened_at.toISOString() },
    pending: row.pending
  }
}

const UPSERT = `INSERT INTO vigil_environment_state
  (environment, status, since, outage_since, last_failures, last_notified_at, issue_number, issue_url, issue_opened_at, pending, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
  ON CONFLICT (environment) DO UPDATE SET
    status = EXCLUDED.status, since = EXCLUDED.since, outage_since = EXCLUDED.outage_since,
    last_failures = EXCLUDED.last_failures, last_notified_at = EXCLUDED.last_notified_at,
    issue_number = EXCLUDED.issue_number, issue_url = EXCLUDED.issue_url, issue_opened_at = EXCLUDED.issue_opened_at,
    pending = EXCLUDED.pending, updated_at = now()`

/**
 * State in PostgreSQL, shared by replicas. Schema creation (idempotent) starts at once and every
 * operation waits for it, trying again if it failed: an unreachable or hanging state database
 * fails monitor cycles (retried next cycle), never start-up.
 */
export async function createPgStore (options: PgStoreOptions) {
  const ownsPool = options.pool === undefined
  const pool = options.pool ?? createStatePool(options.connectionString, 2)
  let ready: Promise<void> | undefined
  const schema = async (): Promise<void> => {
    ready ??= ensureSchema(pool).catch((error: unknown) => { ready = undefined; throw error })
    await ready
  }
  // Started now, awaited by the operations: start-up never waits on the state database.
  schema().catch(() => { /* retried by the next operation */ })
  return {
    async get (environment) {
      await schema()
      const { rows } = await pool.query<Row>('SELECT * FROM vigil_environment_state WHERE environment = $1', [environment])
      return rows[0] === undefined ? undefined : fromRow(rows[0])
    },
    async put (s) {
      await schema()
      await pool.query(UPSERT, [
        s.environment, s.status, s.since, s.outageSince, JSON.stringify(s.lastFailures), s.lastNotifiedAt,
        s.issue?.number ?? null, s.issue?.url ?? null, s.issue?.openedAt ?? null, JSON.stringify(s.pending)
      ])
    },
    async list () {
      await schema()
      const { rows } = await pool.query<Row>('SELECT * FROM vigil_environment_state ORDER BY environment')
      return rows.map(fromRow)
    },
    async close () {
      if (ownsPool) await pool.end()
    }
  } satisfies Store
}
