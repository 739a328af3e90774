import type pg from 'pg'
import type { Status } from '../health/status.js'
import { slicesOf } from '../slices.js'
import { appendEntries, dueHeads, outboxStats, updateEntry } from './pg-outbox.js'
import { createStatePool, inTransaction } from './pg-pool.js'
import { ensureSchema } from './pg-schema.js'
import type { EnvironmentState, Store } from './types.js'

export interface PgStoreOptions {
  /** STATE_DATABASE_URL; ignored when `pool` is given. */
  readonly connectionString?: string
  readonly pool?: pg.Pool
}

interface StateRow {
  environment: string
  status: Status
  since: Date
  outage_since: Date | null
  last_failures: string[]
  last_notified_at: Date | null
  last_changed_at: Date | null
  failure_streak: number
  success_streak: number
  flaps: number
  peak_status: Status | null
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString())

// One statement per slice of a commit's states (10,000 in a mass outage), columns as arrays.
const UPSERT_STATES = `INSERT INTO vigil_environment_state
  (environment, status, since, outage_since, last_failures, last_notified_at, last_changed_at, failure_streak, success_streak, flaps, peak_status, updated_at)
  SELECT *, now() FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::jsonb[], $6::timestamptz[], $7::timestamptz[], $8::integer[], $9::integer[], $10::integer[], $11::text[])
  ON CONFLICT (environment) DO UPDATE SET
    status = EXCLUDED.status, since = EXCLUDED.since, outage_since = EXCLUDED.outage_since,
    last_failures = EXCLUDED.last_failures, last_notified_at = EXCLUDED.last_notified_at,
    last_changed_at = EXCLUDED.last_changed_at, failure_streak = EXCLUDED.failure_streak,
    success_streak = EXCLUDED.success_streak, flaps = EXCLUDED.flaps, peak_status = EXCLUDED.peak_status, updated_at = now()`

// Taken when free, expired, already ours, or when the holder has finished no cycle for a while.
// A new holder starts with a fresh cycle time, so it is not deposed before its first cycle ends.
const ACQUIRE_LEASE = `INSERT INTO vigil_lease (name, holder, expires_at, last_cycle_at)
  VALUES ($1, $2, now() + $3 * interval '1 millisecond', now())
  ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
    last_cycle_at = CASE WHEN vigil_lease.holder = EXCLUDED.holder THEN vigil_lease.last_cycle_at ELSE now() END
  WHERE vigil_lease.holder = EXCLUDED.holder OR vigil_lease.expires_at < now()
    OR vigil_lease.last_cycle_at < now() - $4 * interval '1 millisecond'`

/**
 * State in PostgreSQL, shared by replicas. Schema creation (idempotent) starts at once and every
 * operation waits for it, trying again if it failed: an unreachable or hanging state database
 * fails operations (each retried later), never start-up. All times come from the database's clock
 * where replicas compare them (the lease).
 */
export async function createPgStore (options: PgStoreOptions) {
  const ownsPool = options.pool === undefined
  const pool = options.pool ?? createStatePool(options.connectionString, 3)
  let ready: Promise<void> | undefined
  const schema = async (): Promise<void> => {
    ready ??= ensureSchema(pool).catch((error: unknown) => { ready = undefined; throw error })
    await ready
  }
  // Started now, awaited by the operations: start-up never waits on the state database.
  schema().catch(() => { /* retried by the next operation */ })
  return {
    async loadStates () {
      await schema()
      const { rows } = await pool.query<StateRow>('SELECT environment, status, since, outage_since, last_failures, last_notified_at, last_changed_at, failure_streak, success_streak, flaps, peak_status FROM vigil_environment_state')
      return new Map(rows.map((row) => [row.environment, {
        environment: row.environment,
        status: row.status,
        since: row.since.toISOString(),
        outageSince: iso(row.outage_since),
        lastFailures: row.last_failures,
        lastNotifiedAt: iso(row.last_notified_at),
        lastChangedAt: iso(row.last_changed_at),
        failureStreak: row.failure_streak,
        successStreak: row.success_streak,
        flaps: row.flaps,
        ...(row.peak_status === null ? {} : { peakStatus: row.peak_status })
      } satisfies EnvironmentState]))
    },
    async commit (states, entries, droppedAt) {
      await schema()
      return await inTransaction(pool, async (client) => {
        for (const slice of slicesOf(states)) {
          await client.query(UPSERT_STATES, [
            slice.map((s) => s.environment), slice.map((s) => s.status), slice.map((s) => s.since), slice.map((s) => s.outageSince),
            slice.map((s) => JSON.stringify(s.lastFailures)), slice.map((s) => s.lastNotifiedAt), slice.map((s) => s.lastChangedAt),
            slice.map((s) => s.failureStreak), slice.map((s) => s.successStreak), slice.map((s) => s.flaps), slice.map((s) => s.peakStatus ?? null)])
        }
        return await appendEntries(client, entries, droppedAt)
      })
    },
    async dueEntries (channel: string, now: Date, limit?: number) {
      await schema()
      return await dueHeads(pool, channel, now, limit)
    },
    async updateEntry (update) {
      await schema()
      await updateEntry(pool, update)
    },
    async outboxStats (channel) {
      await schema()
      return await outboxStats(pool, channel)
    },
    async pendingEnvironments () {
      await schema()
      const { rows } = await pool.query<{ environment: string }>('SELECT DISTINCT environment FROM vigil_outbox WHERE state = \'pending\'')
      return new Set(rows.map((r) => r.environment))
    },
    async getChannelMemory (channel, environment) {
      await schema()
      const { rows } = await pool.query<{ value: unknown }>('SELECT value FROM vigil_channel_memory WHERE channel = $1 AND environment = $2', [channel, environment])
      return rows[0]?.value
    },
    async setChannelMemory (channel, environment, value) {
      await schema()
      if (value === undefined || value === null) {
        await pool.query('DELETE FROM vigil_channel_memory WHERE channel = $1 AND environment = $2', [channel, environment])
      } else {
        await pool.query(`INSERT INTO vigil_channel_memory (channel, environment, value) VALUES ($1, $2, $3)
          ON CONFLICT (channel, environment) DO UPDATE SET value = EXCLUDED.value`, [channel, environment, JSON.stringify(value)])
      }
    },
    async listChannelMemory (channel) {
      await schema()
      const { rows } = await pool.query<{ environment: string, value: unknown }>('SELECT environment, value FROM vigil_channel_memory WHERE channel = $1', [channel])
      return new Map(rows.map((r) => [r.environment, r.value]))
    },
    async getHold (channel) {
      await schema()
      const { rows } = await pool.query<{ until: Date }>('SELECT until FROM vigil_channel_hold WHERE channel = $1', [channel])
      return rows[0]?.until.toISOString() ?? null
    },
    async setHold (channel, until) {
      await schema()
      // Never shortened by a replica that saw an earlier answer.
      await pool.query(`INSERT INTO vigil_channel_hold (channel, until) VALUES ($1, $2)
        ON CONFLICT (channel) DO UPDATE SET until = GREATEST(vigil_channel_hold.until, EXCLUDED.until)`, [channel, until])
    },
    async acquireLease (name, holder, ttlMs, staleAfterMs) {
      await schema()
      await pool.query(ACQUIRE_LEASE, [name, holder, ttlMs, staleAfterMs])
      const { rows } = await pool.query<{ holder: string, last_cycle_at: Date }>('SELECT holder, last_cycle_at FROM vigil_lease WHERE name = $1', [name])
      const row = rows[0]
      return { held: row?.holder === holder, holder: row?.holder ?? null, lastCycleAt: row?.last_cycle_at.toISOString() ?? null }
    },
    async recordCycle (name, holder) {
      await schema()
      await pool.query('UPDATE vigil_lease SET last_cycle_at = now() WHERE name = $1 AND holder = $2', [name, holder])
    },
    async releaseLease (name, holder) {
      await schema()
      await pool.query('DELETE FROM vigil_lease WHERE name = $1 AND holder = $2', [name, holder])
    },
    async close () {
      if (ownsPool) await pool.end()
    }
  } satisfies Store
}
