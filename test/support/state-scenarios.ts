import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { buildApp } from '../../src/app.js'
import { testConfig } from './config.js'
import type { GithubStandIn } from './github-stand-in.js'
import { PLANTED_TOKEN, QUICK_DELIVERY } from './incident-harness.js'

/** Writes a monitor file checking `staging` at `url` every second; returns its path. */
export function stagingMonitorFile (url: string, interval = '1s'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-scenario-')), 'monitor.yaml')
  writeFileSync(file, `interval: ${interval}\ngithub:\n  labels: [deployment-alert]\nenvironments:\n  - name: staging\n    url: ${url}\n    attempts: 1\n    timeout: 2s\n`)
  return file
}

/** The variables of a Vigil that files incidents on `standIn` and keeps its state in `stateUrl`. */
export function scenarioEnv (standIn: GithubStandIn, monitorFile: string, stateUrl: string): Record<string, string> {
  return {
    MONITOR_CONFIG: monitorFile,
    STATE_DATABASE_URL: stateUrl,
    GITHUB_TOKEN: PLANTED_TOKEN,
    GITHUB_REPOSITORY: standIn.repository,
    GITHUB_API_URL: standIn.url
  }
}

/** A wired app (buildApp, nothing injected but quick timing), ready; closed at teardown. */
export async function startScenarioApp (
  t: { teardown: (fn: () => Promise<void>) => void },
  env: Record<string, string>,
  leaseTtlMs = 1_500
): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(env), {
    monitor: {
      incidents: {
        delivery: QUICK_DELIVERY,
        leaseTtlMs,
        github: { retryDelayUnitMs: 1, writeSpacingMs: 0, requestTimeoutMs: 1_000, retries: 1 }
      }
    }
  })
  t.teardown(async () => { await app.close() })
  await app.ready()
  return app
}

/** `url` with its port replaced (to go through a fault proxy). */
export function throughPort (url: string, port: number): string {
  const through = new URL(url)
  through.port = String(port)
  return through.toString()
}

/** Runs `sql` on the database of `url` over a connection of the test's own. */
export async function query<R extends pg.QueryResultRow = pg.QueryResultRow> (url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'vigil-test' })
  await client.connect()
  try {
    return (await client.query<R>(sql, values)).rows
  } finally {
    await client.end()
  }
}

/** Ends every session Vigil's state store holds on the database of `url`; how many there were. */
export async function terminateStateSessions (url: string): Promise<number> {
  const rows = await query<{ pid: number }>(url,
    'SELECT pg_terminate_backend(pid), pid FROM pg_stat_activity WHERE application_name = \'vigil-state\' AND datname = current_database()')
  return rows.length
}

/** Vigil state sessions of the database of `url` waiting on a lock (inside a transaction the test blocks). */
export async function stateSessionsWaitingOnLock (url: string): Promise<number> {
  const rows = await query<{ n: string }>(url,
    'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = \'vigil-state\' AND datname = current_database() AND wait_event_type = \'Lock\'')
  return Number(rows[0]?.n ?? 0)
}

/**
 * Blocks writes to `table` (reads still pass) until the returned function is called: Vigil's
 * store then waits inside its transaction, with the client checked out of the pool.
 */
export async function blockWrites (url: string, table: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url, application_name: 'vigil-test' })
  await client.connect()
  await client.query('BEGIN')
  await client.query(`LOCK TABLE ${table} IN SHARE MODE`)
  let released = false
  return async () => {
    if (released) return
    released = true
    await client.query('ROLLBACK').catch(() => {})
    await client.end().catch(() => {})
  }
}

/** The value of one sample in a Prometheus text exposition, 0 when absent. */
export function sample (metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}

/** What a comment of Vigil's says, in one word (the rest of its text is the renderer's business). */
export function commentKind (body: string): string {
  if (body.includes('**Recovered.**')) return 'recovered'
  if (body.includes('**What fails has changed**')) return 'changed'
  if (body.includes('**Monitoring stopped.**')) return 'retired'
  return `other: ${body.slice(0, 80)}`
}

/** The stand-in's issues as the scenarios compare them. */
export function issuesOn (standIn: GithubStandIn) {
  return standIn.issues.map((i) => ({
    number: i.number,
    title: i.title,
    state: i.state,
    author: i.author,
    labels: i.labels,
    marker: i.body.includes(`<!-- vigil:environment=${i.title.split(' ')[0]!.toLowerCase()} -->`),
    comments: i.comments.map((c) => commentKind(c.body))
  }))
}

/** One closed staging incident with exactly one recovery comment: what every scenario ends with. */
export const ONE_STAGING_INCIDENT_RECOVERED = [{
  number: 1,
  title: 'Staging Deployment Health Check Failed',
  state: 'closed',
  author: 'vigil-bot',
  labels: ['deployment-alert'],
  marker: true,
  comments: ['recovered']
}]

/** One open staging incident, no comment yet. */
export const ONE_STAGING_INCIDENT_OPEN = [{ ...ONE_STAGING_INCIDENT_RECOVERED[0]!, state: 'open', comments: [] }]

/** One component of an app's /health/detailed report. */
export async function componentOf (app: FastifyInstance, name: string): Promise<{ status: string, error?: string, details?: Record<string, unknown> } | undefined> {
  return (await app.inject('/health/detailed')).json().components[name]
}

/** An app's count of cycles that ended `success`. */
export async function successfulCycles (app: FastifyInstance): Promise<number> {
  return sample((await app.inject('/metrics')).body, 'vigil_monitor_runs_total{result="success"}')
}

/** Whether every event in the outbox of the database of `url` is delivered (and there are `count`). */
export async function outboxDelivered (url: string, count: number): Promise<boolean> {
  const rows = await query<{ state: string }>(url, 'SELECT state FROM vigil_outbox')
  return rows.length === count && rows.every((r) => r.state === 'delivered')
}
