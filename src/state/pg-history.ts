import type pg from 'pg'
import type { Status } from '../health/status.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices, slicesOf } from '../slices.js'
import { historyEntry, type HistoryEntry, type ResultHistory } from './history.js'
import { createStatePool } from './pg-pool.js'
import { ensureSchema } from './pg-schema.js'

/** Time between two prunings of results past the retention. */
export const DEFAULT_PRUNE_EVERY_MS = 3_600_000
/** Rows one DELETE removes; a pruning runs at most DEFAULT_PRUNE_BATCHES of them, so it never holds the table long. */
export const DEFAULT_PRUNE_BATCH = 5_000
export const DEFAULT_PRUNE_BATCHES = 20
/** Results kept waiting while the database does not answer; past it the oldest are dropped. */
export const MAX_PENDING_RESULTS = 10_000

/** How an exchange with the database went, for the `history` component and the log. */
export interface HistoryOutcome {
  readonly operation: 'open' | 'write' | 'read' | 'prune'
  readonly ok: boolean
  readonly latencyMs: number
  readonly error?: unknown
  /** Rows removed (prune), or results dropped because too many were waiting (write). */
  readonly count?: number
}

export interface PgHistoryOptions {
  /** STATE_DATABASE_URL; ignored when `pool` is given. */
  readonly connectionString?: string
  readonly pool?: pg.Pool
  /** HISTORY_RETENTION: results older than this are pruned. */
  readonly retentionMs: number
  readonly pruneEveryMs?: number
  readonly pruneBatch?: number
  readonly pruneBatches?: number
  readonly onOutcome?: (outcome: HistoryOutcome) => void
}

interface HistoryRow {
  environment: string
  checked_at: Date
  status: Status
  response_time_ms: number | null
  http_status: number | null
  tls_days_left: number | null
}

// One statement per batch of results; a result written twice (two leaders for a moment) is kept once.
const INSERT = `INSERT INTO vigil_check_history (environment, checked_at, status, response_time_ms, http_status, tls_days_left)
  SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::integer[], $5::integer[], $6::integer[])
  ON CONFLICT DO NOTHING`
const SELECT = 'SELECT environment, checked_at, status, response_time_ms, http_status, tls_days_left FROM vigil_check_history'
/**
 * The statements of `read(since, environments)` and `latest` ($1 since, $2 a name or names),
 * exported for their plans' test. One environment's rows are a range scan of the primary key
 * (environment, checked_at), however long the table; an environment per statement, because the
 * driver handles a statement's rows in bursts that grow with them (a page's 25 environments of 30
 * days at 15 minutes, 72,000 rows, in one statement held the event loop 40–60 ms; one each, 5–10 ms).
 * The newest row of each name: one backward step of the primary key (a nested loop over the
 * names), where DISTINCT ON would read every row of the period; LATEST_NAMES names a statement.
 */
export const READ_ONE = `${SELECT} WHERE environment = $2 AND checked_at >= $1 ORDER BY checked_at`
export const LATEST = `SELECT h.* FROM unnest($2::text[]) AS e(name) CROSS JOIN LATERAL (
  ${SELECT} WHERE environment = e.name AND checked_at >= $1 ORDER BY checked_at DESC LIMIT 1) h`
const LATEST_NAMES = 1_000
/** Rows turned into entries between two turns of the event loop. */
const READ_SLICE_ROWS = 5_000

const entryOf = (row: HistoryRow): HistoryEntry =>
  ({ environment: row.environment, checkedAt: row.checked_at, status: row.status, responseTimeMs: row.response_time_ms, httpStatus: row.http_status, tlsDaysLeft: row.tls_days_left })

// The cut-off comes from the database's clock, the same for every replica.
const PRUNE = `DELETE FROM vigil_check_history WHERE ctid = ANY(ARRAY(
  SELECT ctid FROM vigil_check_history WHERE checked_at < now() - $1 * interval '1 millisecond' LIMIT $2))`

/**
 * Results in PostgreSQL (table `vigil_check_history`), shared by replicas: only the leader writes
 * (every replica checks, so writing from all would store each cycle once per replica) and prunes;
 * any replica reads. Writes are queued and sent one batch at a time in the background, so a slow or
 * unreachable database never holds a cycle; at most MAX_PENDING_RESULTS wait, the oldest dropped.
 */
export function createPgHistory (options: PgHistoryOptions) {
  const ownsPool = options.pool === undefined
  const pool = options.pool ?? createStatePool(options.connectionString, 2)
  const report = options.onOutcome ?? (() => {})
  const pruneBatch = options.pruneBatch ?? DEFAULT_PRUNE_BATCH
  const pruneBatches = options.pruneBatches ?? DEFAULT_PRUNE_BATCHES
  let ready: Promise<void> | undefined
  const schema = async (): Promise<void> => {
    ready ??= ensureSchema(pool).catch((error: unknown) => { ready = undefined; throw error })
    await ready
  }
  let pending: HistoryEntry[] = []
  let writing: Promise<void> | undefined
  // Results being converted for the queue, one cycle after the other.
  let converting: Promise<void> = Promise.resolve()
  let leads = false
  let closed = false

  const timed = async <T>(operation: HistoryOutcome['operation'], fn: () => Promise<T>, count?: (value: T) => number): Promise<T> => {
    const started = Date.now()
    try {
      const value = await fn()
      report({ operation, ok: true, latencyMs: Date.now() - started, ...(count === undefined ? {} : { count: count(value) }) })
      return value
    } catch (error) {
      report({ operation, ok: false, latencyMs: Date.now() - started, error })
      throw error
    }
  }

  const writeBatch = async (batch: readonly HistoryEntry[]): Promise<void> => {
    await schema()
    await pool.query(INSERT, [
      batch.map((e) => e.environment),
      batch.map((e) => e.checkedAt),
      batch.map((e) => e.status),
      batch.map((e) => e.responseTimeMs),
      batch.map((e) => e.httpStatus),
      batch.map((e) => e.tlsDaysLeft)
    ])
  }

  // One write in flight; what arrives meanwhile is written right after it. A failed batch goes
  // back to the front of the queue and is tried again with the next cycle's results (no retry
  // loop against a database that is down).
  const flush = (): void => {
    if (writing !== undefined || pending.length === 0 || closed) return
    const batch = pending
    pending = []
    writing = timed('write', async () => { await writeBatch(batch) })
      .then(() => true, () => { requeue(batch); return false })
      .then((ok) => { writing = undefined; if (ok) flush() })
  }
  const requeue = (batch: readonly HistoryEntry[]): void => {
    pending = [...batch, ...pending]
    const excess = pending.length - MAX_PENDING_RESULTS
    if (excess > 0) {
      pending = pending.slice(excess)
      report({ operation: 'write', ok: false, latencyMs: 0, error: new Error(`${excess} results dropped: the state database has not taken them`), count: excess })
    }
  }

  const prune = async (): Promise<number> => {
    let removed = 0
    await timed('prune', async () => {
      await schema()
      for (let i = 0; i < pruneBatches; i++) {
        const { rowCount } = await pool.query(PRUNE, [options.retentionMs, pruneBatch])
        removed += rowCount ?? 0
        if ((rowCount ?? 0) < pruneBatch) break
      }
      return removed
    }, (n) => n)
    return removed
  }

  // Tried at once, so every replica (followers write nothing) learns whether the store answers.
  timed('open', schema).catch(() => { /* reported; tried again by the next operation */ })

  const timer = setInterval(() => {
    if (leads && !closed) prune().catch(() => { /* reported; tried again at the next tick */ })
  }, options.pruneEveryMs ?? DEFAULT_PRUNE_EVERY_MS)
  timer.unref()

  return {
    kind: 'postgres',
    record (results, role) {
      leads = role === 'leader'
      if (!leads || closed) return
      // Converted a slice at a time (src/slices.ts), one cycle after the other, then queued.
      const entries: HistoryEntry[] = []
      converting = converting.then(async () => {
        await forEachInSlices(results, DEFAULT_SLICE_SIZE, (result) => { entries.push(historyEntry(result)) })
        if (closed) return
        requeue(entries)
        flush()
      })
    },
    async read (since: Date, environments?: readonly string[]) {
      const found = new Map<string, HistoryEntry[]>()
      const keep = (row: HistoryRow): void => {
        let list = found.get(row.environment)
        if (list === undefined) found.set(row.environment, list = [])
        list.push(entryOf(row))
      }
      await timed('read', async () => {
        await schema()
        if (environments === undefined) {
          const { rows } = await pool.query<HistoryRow>(`${SELECT} WHERE checked_at >= $1 ORDER BY environment, checked_at`, [since])
          await forEachInSlices(rows, READ_SLICE_ROWS, keep)
          return
        }
        for (const environment of new Set(environments)) {
          const { rows } = await pool.query<HistoryRow>({ name: 'vigil-history-read-one', text: READ_ONE, values: [since, environment] })
          await forEachInSlices(rows, READ_SLICE_ROWS, keep)
        }
      })
      return found
    },
    async latest (since, environments) {
      const found = new Map<string, HistoryEntry>()
      await timed('read', async () => {
        await schema()
        for (const names of slicesOf(environments, LATEST_NAMES)) {
          const { rows } = await pool.query<HistoryRow>({ name: 'vigil-history-latest', text: LATEST, values: [since, names] })
          await forEachInSlices(rows, READ_SLICE_ROWS, (row) => { found.set(row.environment, entryOf(row)) })
        }
      })
      return found
    },
    /** Removes results past the retention now (the timer does it every `pruneEveryMs` on the leader); resolves with the rows removed. */
    prune,
    /** Resolves once nothing is being written (tests). */
    async settled () {
      await converting
      while (writing !== undefined) await writing
    },
    async close () {
      await converting
      closed = true
      clearInterval(timer)
      await writing
      if (ownsPool) await pool.end()
    }
  } satisfies ResultHistory & Record<string, unknown>
}
