import type { Pool } from 'pg'
import { inTransaction } from './pg-pool.js'

// Arbitrary constant: serialises schema creation when several replicas start at once.
const SCHEMA_LOCK_KEY = 7_351_001

const STATEMENTS = [
  // issue_* and pending are no longer written (the outbox and channel memory replaced them); kept
  // so that a database from an earlier version still loads.
  `CREATE TABLE IF NOT EXISTS vigil_environment_state (
    environment      text PRIMARY KEY,
    status           text NOT NULL,
    since            timestamptz NOT NULL,
    outage_since     timestamptz,
    last_failures    jsonb NOT NULL DEFAULT '[]',
    last_notified_at timestamptz,
    issue_number     integer,
    issue_url        text,
    issue_opened_at  timestamptz,
    pending          jsonb NOT NULL DEFAULT '[]',
    updated_at       timestamptz NOT NULL DEFAULT now()
  )`,
  'ALTER TABLE vigil_environment_state ADD COLUMN IF NOT EXISTS last_changed_at timestamptz',
  'ALTER TABLE vigil_environment_state ADD COLUMN IF NOT EXISTS failure_streak integer NOT NULL DEFAULT 0',
  'ALTER TABLE vigil_environment_state ADD COLUMN IF NOT EXISTS success_streak integer NOT NULL DEFAULT 0',
  'ALTER TABLE vigil_environment_state ADD COLUMN IF NOT EXISTS flaps integer NOT NULL DEFAULT 0',
  // Null for rows written before it was kept: their incidents were unhealthy ones (policy.ts peakOf).
  'ALTER TABLE vigil_environment_state ADD COLUMN IF NOT EXISTS peak_status text',
  `CREATE TABLE IF NOT EXISTS vigil_outbox (
    id          text PRIMARY KEY,
    seq         bigserial UNIQUE,
    channel     text NOT NULL,
    environment text NOT NULL,
    event       jsonb NOT NULL,
    created_at  timestamptz NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    not_before  timestamptz NOT NULL,
    state       text NOT NULL DEFAULT 'pending',
    last_error  text,
    finished_at timestamptz
  )`,
  'CREATE INDEX IF NOT EXISTS vigil_outbox_pending ON vigil_outbox (channel, environment, seq) WHERE state = \'pending\'',
  'CREATE INDEX IF NOT EXISTS vigil_outbox_finished ON vigil_outbox (channel, finished_at) WHERE state <> \'pending\'',
  `CREATE TABLE IF NOT EXISTS vigil_channel_memory (
    channel     text NOT NULL,
    environment text NOT NULL,
    value       jsonb NOT NULL,
    PRIMARY KEY (channel, environment)
  )`,
  'CREATE TABLE IF NOT EXISTS vigil_channel_hold (channel text PRIMARY KEY, until timestamptz NOT NULL)',
  `CREATE TABLE IF NOT EXISTS vigil_lease (
    name          text PRIMARY KEY,
    holder        text NOT NULL,
    expires_at    timestamptz NOT NULL,
    last_cycle_at timestamptz NOT NULL
  )`,
  // Check results for the status page (state/pg-history.ts); pruned past HISTORY_RETENTION.
  `CREATE TABLE IF NOT EXISTS vigil_check_history (
    environment      text NOT NULL,
    checked_at       timestamptz NOT NULL,
    status           text NOT NULL,
    response_time_ms integer,
    http_status      integer,
    tls_days_left    integer,
    PRIMARY KEY (environment, checked_at)
  )`,
  'CREATE INDEX IF NOT EXISTS vigil_check_history_checked_at ON vigil_check_history (checked_at)'
]

/** Creates or upgrades Vigil's tables; safe to run from every replica at every start. */
export async function ensureSchema (pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY])
    for (const statement of STATEMENTS) await client.query(statement)
  })
}
