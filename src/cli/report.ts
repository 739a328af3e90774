import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { Config } from '../config/config.js'
import { loadConfig } from '../config/load-config.js'
import { ConfigError } from '../errors.js'
import { environmentSummary } from '../monitor/environment-summary.js'
import { runCycle } from '../monitor/run-cycle.js'
import { createRedactor, type Redactor } from '../redact.js'
import { historyEntry, type HistoryEntry, type ResultHistory } from '../state/history.js'
import { createPgHistory } from '../state/pg-history.js'
import { issuesLink } from '../status/links.js'
import { loadSnapshot } from '../status/load-snapshot.js'
import { parsePeriod } from '../status/period.js'
import { renderMarkdownReport } from '../status/report-markdown.js'
import type { StatusSnapshot } from '../status/status-snapshot.js'

/** Where the command writes and what it reads; `process.stdout`, `process.stderr` and `process.env` fit. */
export interface ReportIo {
  readonly stdout: { write: (text: string) => unknown }
  readonly stderr: { write: (text: string) => unknown }
  readonly env: Readonly<Record<string, string | undefined>>
}

/** Longest wait for a running Vigil's `/status.json`. */
export const FETCH_TIMEOUT_MS = 15_000

const USAGE = `Usage: vigil report [--out FILE] [--since 24h] [--url URL]

Writes the markdown health report: time, each environment's status, uptime (24h, 7d, 30d),
response-time percentiles, TLS days left, incidents in the period with links and durations,
components and quick links (docs/status-page.md).

  --url URL     read a running Vigil's /status.json (STATUS_PAGE_TOKEN is sent as a bearer token
                when set); the report is that instance's view, components included
  (no --url)    check every configured environment once now (the configuration of \`vigil check\`)
                and add the history from STATE_DATABASE_URL when it is set; no components
  --since D     the period of percentiles and incidents (default 24h; 7d, 30m, …)
  --out FILE    write the report to FILE instead of standard output
  --help        this text

Exit status: 0 report written, 2 it could not be made (usage, configuration, no answer).
`

/** Exit statuses: 0 written, 2 the report could not be made (as every vigil command's 2). */
const EXIT = { ok: 0, usage: 2 } as const

class ReportFailure extends Error {}

/** The snapshot from a running Vigil's `/status.json`. */
async function remoteSnapshot (base: string, since: string, token: string | undefined): Promise<StatusSnapshot> {
  const url = new URL('status.json', base.endsWith('/') ? base : `${base}/`)
  url.searchParams.set('since', since)
  let response: Response
  try {
    response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
  } catch (error) {
    throw new ReportFailure(`${url.origin} did not answer: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`)
  }
  if (!response.ok) throw new ReportFailure(`${url.origin}${url.pathname} answered HTTP ${response.status}${response.status === 401 ? (token === undefined ? ' (set STATUS_PAGE_TOKEN)' : ' (STATUS_PAGE_TOKEN is not the token of that Vigil)') : ''}`)
  const body = await response.json().catch(() => undefined) as StatusSnapshot | undefined
  if (body === undefined || !Array.isArray(body.environments)) throw new ReportFailure(`${url.origin}${url.pathname} did not answer with a status snapshot`)
  return body
}

/** One cycle now, with the shared history when there is one: what `vigil report` sees without --url. */
async function localSnapshot (config: Config, redact: Redactor, periodMs: number): Promise<StatusSnapshot> {
  const targets = config.monitor.environments
  if (targets.length === 0) throw new ReportFailure('no environments are configured (MONITOR_CONFIG, RAILWAY_DOMAIN) and no --url was given')
  const results = await runCycle(targets, { concurrency: config.monitor.concurrency, redact })
  const stored = config.stateDatabaseUrl === undefined ? undefined : createPgHistory({ connectionString: config.stateDatabaseUrl, retentionMs: config.statusPage.historyRetentionMs })
  // The stored results (a reader never writes: only the leading replica does), then this run's.
  const history: Pick<ResultHistory, 'read' | 'latest' | 'kind'> = {
    kind: stored?.kind ?? 'memory',
    read: async (since, environments) => {
      const found = new Map<string, HistoryEntry[]>(stored === undefined ? [] : await stored.read(since, environments))
      const asked = environments === undefined ? undefined : new Set(environments)
      for (const result of results) {
        if (asked === undefined || asked.has(result.environment)) found.set(result.environment, [...(found.get(result.environment) ?? []), historyEntry(result)])
      }
      return found
    },
    latest: async (since, environments) => {
      const found = new Map<string, HistoryEntry>(stored === undefined ? [] : await stored.latest(since, environments))
      const asked = new Set(environments)
      for (const result of results) if (asked.has(result.environment)) found.set(result.environment, historyEntry(result))
      return found
    }
  }
  try {
    return await loadSnapshot({
      environments: targets.map((t) => t.name),
      board: Object.fromEntries(results.map((r) => [r.environment, environmentSummary(r, undefined)])),
      components: [],
      history,
      intervalMs: config.monitor.intervalMs,
      refreshMs: config.statusPage.refreshMs,
      retentionMs: config.statusPage.historyRetentionMs,
      links: {
        status_page: null,
        railway_dashboard: config.statusPage.railwayDashboardUrl ?? null,
        issues: issuesLink(config.github.apiUrl, config.github.repository, config.monitor.githubLabels)
      },
      redact
    }, new Date(), periodMs)
  } finally {
    await stored?.close()
  }
}

/**
 * `vigil report [--out FILE] [--since 24h] [--url URL]`: the markdown health report, from a
 * running Vigil (`--url`) or from one cycle run now plus the PostgreSQL history. Every byte
 * written passes through the redactor. Never throws for bad input; returns the exit status.
 */
export async function runReport (argv: readonly string[], io: ReportIo): Promise<number> {
  let values: { out?: string, since?: string, url?: string, help?: boolean }
  try {
    values = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: { out: { type: 'string' }, since: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean' } } }).values
  } catch (error) {
    io.stderr.write(`vigil report: ${(error as Error).message.split('. ')[0] ?? 'invalid arguments'}\n\n${USAGE}`)
    return EXIT.usage
  }
  if (values.help === true) { io.stdout.write(USAGE); return EXIT.ok }

  let config: Config
  try {
    config = loadConfig(io.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    io.stderr.write(`vigil report: invalid configuration (${error.problems.length} ${error.problems.length === 1 ? 'problem' : 'problems'})\n${error.problems.join('\n')}\n`)
    return EXIT.usage
  }
  const redact = createRedactor(config.secrets)
  const since = values.since ?? '24h'
  const periodMs = parsePeriod(since, config.statusPage.historyRetentionMs)
  if (periodMs === undefined) { io.stderr.write(`vigil report: --since: expected a duration such as 24h or 7d, got ${JSON.stringify(since)}\n`); return EXIT.usage }
  if (values.url !== undefined && !URL.canParse(values.url)) { io.stderr.write(`vigil report: --url: expected an http or https URL, got ${JSON.stringify(redact(values.url))}\n`); return EXIT.usage }

  try {
    const snapshot = values.url === undefined
      ? await localSnapshot(config, redact, periodMs)
      : await remoteSnapshot(values.url, since, config.statusPage.token)
    const report = redact(renderMarkdownReport(snapshot))
    if (values.out === undefined) io.stdout.write(report)
    else await writeFile(values.out, report)
    return EXIT.ok
  } catch (error) {
    if (!(error instanceof ReportFailure) && !(error instanceof Error && 'code' in error)) throw error
    io.stderr.write(`vigil report: ${redact(error.message)}\n`)
    return EXIT.usage
  }
}
