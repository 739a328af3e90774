import type pg from 'pg'
import { coalesce } from '../delivery/coalesce.js'
import type { NewOutboxEntry, OutboxEntry } from '../delivery/types.js'
import type { EntryUpdate, OutboxStats } from './types.js'

interface EntryRow {
  id: string
  seq: string
  channel: string
  environment: string
  event: OutboxEntry['event']
  created_at: Date
  attempts: number
  not_before: Date
  state: OutboxEntry['state']
  last_error: string | null
  finished_at: Date | null
}

/** Finished entries older than this are deleted (the report shows the recent ones). */
const FINISHED_RETENTION = '7 days'

export function entryFromRow (row: EntryRow): OutboxEntry {
  return {
    id: row.id,
    seq: Number(row.seq),
    channel: row.channel,
    environment: row.environment,
    event: row.event,
    createdAt: row.created_at.toISOString(),
    attempts: row.attempts,
    notBefore: row.not_before.toISOString(),
    state: row.state,
    lastError: row.last_error,
    finishedAt: row.finished_at?.toISOString() ?? null
  }
}

/**
 * Appends entries inside the caller's transaction, coalescing against the pending entries of the
 * same channel and environment (locked FOR UPDATE, so replicas never coalesce the same rows at once).
 */
export async function appendEntries (client: pg.PoolClient, added: readonly NewOutboxEntry[], droppedAt: string): Promise<OutboxEntry[]> {
  const dropped: OutboxEntry[] = []
  for (const entry of added) {
    const { rows } = await client.query<EntryRow>(
      'SELECT * FROM vigil_outbox WHERE channel = $1 AND environment = $2 AND state = \'pending\' ORDER BY seq FOR UPDATE',
      [entry.channel, entry.environment])
    const plan = coalesce(rows.map(entryFromRow), entry)
    for (const { id, reason } of plan.drop) {
      const updated = await client.query<EntryRow>(
        'UPDATE vigil_outbox SET state = \'dropped\', last_error = $2, finished_at = $3 WHERE id = $1 RETURNING *', [id, reason, droppedAt])
      dropped.push(...updated.rows.map(entryFromRow))
    }
    const add = plan.insert
    if (add !== null) {
      await client.query(
        'INSERT INTO vigil_outbox (id, channel, environment, event, created_at, not_before) VALUES ($1, $2, $3, $4, $5, $6)',
        [add.id, add.channel, add.environment, JSON.stringify(add.event), add.createdAt, add.notBefore])
    }
  }
  await client.query(`DELETE FROM vigil_outbox WHERE state <> 'pending' AND finished_at < now() - interval '${FINISHED_RETENTION}'`)
  return dropped
}

/** The head pending entry of each environment of a channel, due or not, by seq. */
export async function pendingHeads (pool: pg.Pool, channel: string): Promise<OutboxEntry[]> {
  const { rows } = await pool.query<EntryRow>(
    'SELECT DISTINCT ON (environment) * FROM vigil_outbox WHERE channel = $1 AND state = \'pending\' ORDER BY environment, seq', [channel])
  return rows.map(entryFromRow).sort((a, b) => a.seq - b.seq)
}

const COLUMNS: Record<keyof Omit<EntryUpdate, 'id'>, string> = {
  attempts: 'attempts', notBefore: 'not_before', state: 'state', lastError: 'last_error', finishedAt: 'finished_at'
}

export async function updateEntry (pool: pg.Pool, update: EntryUpdate): Promise<void> {
  const sets: string[] = []
  const values: unknown[] = [update.id]
  for (const [field, column] of Object.entries(COLUMNS) as Array<[keyof typeof COLUMNS, string]>) {
    if (update[field] === undefined) continue
    values.push(update[field])
    sets.push(`${column} = $${values.length}`)
  }
  if (sets.length > 0) await pool.query(`UPDATE vigil_outbox SET ${sets.join(', ')} WHERE id = $1`, values)
}

export async function outboxStats (pool: pg.Pool, channel: string): Promise<OutboxStats> {
  const [pending, failures, delivered, dropped, byEnvironment] = await Promise.all([
    pool.query<{ count: string, oldest: Date | null }>('SELECT count(*) AS count, min(created_at) AS oldest FROM vigil_outbox WHERE channel = $1 AND state = \'pending\'', [channel]),
    pool.query<EntryRow>('SELECT * FROM vigil_outbox WHERE channel = $1 AND state = \'failed\' ORDER BY finished_at DESC, seq DESC LIMIT 10', [channel]),
    pool.query<EntryRow>('SELECT * FROM vigil_outbox WHERE channel = $1 AND state = \'delivered\' ORDER BY finished_at DESC, seq DESC LIMIT 1', [channel]),
    pool.query<EntryRow>('SELECT * FROM vigil_outbox WHERE channel = $1 AND state = \'dropped\' ORDER BY finished_at DESC, seq DESC LIMIT 10', [channel]),
    pool.query<{ environment: string, at: Date }>('SELECT environment, max(finished_at) AS at FROM vigil_outbox WHERE channel = $1 AND state = \'delivered\' GROUP BY environment', [channel])
  ])
  return {
    pending: Number(pending.rows[0]?.count ?? 0),
    oldestPendingAt: pending.rows[0]?.oldest?.toISOString() ?? null,
    recentFailures: failures.rows.map(entryFromRow),
    lastDelivered: delivered.rows[0] === undefined ? null : entryFromRow(delivered.rows[0]),
    recentDropped: dropped.rows.map(entryFromRow),
    lastDeliveredAt: Object.fromEntries(byEnvironment.rows.map((r) => [r.environment, r.at.toISOString()]))
  }
}
