import type { Pool } from 'pg'

// Arbitrary constant: serialises schema creation when several replicas start at once.
const SCHEMA_LOCK_KEY = 7_351_001

const STATEMENTS = [
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
  )`
]

/** Creates Vigil's tables if they are missing; safe to run from every replica at every start. */
export async function ensureSchema (pool: Pool): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY])
    for (const statement of STATEMENTS) await client.query(statement)
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}
