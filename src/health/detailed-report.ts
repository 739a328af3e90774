import type { AlertState } from './alerts.js'
import type { ComponentState } from './component-registry.js'
import type { Redactor } from '../redact.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices, joinInSlices } from '../slices.js'
import type { EnvironmentBoard, EnvironmentSummary } from './environment-board.js'
import type { RequestWindowSummary } from './request-window.js'
import { STATUS_WORDS, contribution, worstStatus, type Status } from './status.js'
import type { SystemSnapshot } from './system-stats.js'

export interface ReportInputs {
  readonly version: string
  readonly environment: string
  readonly now: Date
  readonly uptimeSeconds: number
  readonly system: SystemSnapshot
  readonly eventLoopDelayMs: number
  readonly activeConnections: number
  readonly requests: RequestWindowSummary
  readonly components: readonly ComponentState[]
  readonly environments: Readonly<Record<string, EnvironmentSummary>>
  readonly alerts: readonly AlertState[]
}

type Json = Record<string, unknown>

const round1 = (n: number): number => Math.round(n * 10) / 10

// A component without a first result yet is shown as degraded: not failing, not confirmed.
const NOT_CHECKED = 'not checked yet'

function componentView (c: ComponentState): Json {
  return {
    status: c.status ?? 'degraded',
    required: c.required,
    latency_ms: c.latencyMs === undefined ? null : round1(c.latencyMs),
    checked_at: c.checkedAt?.toISOString() ?? null,
    last_success_at: c.lastSuccessAt?.toISOString() ?? null,
    consecutive_failures: c.consecutiveFailures,
    ...(c.status === undefined ? { error: NOT_CHECKED } : c.error === undefined ? {} : { error: c.error }),
    ...(c.details === undefined ? {} : { details: c.details })
  }
}

function componentsView (components: readonly ComponentState[]): Json {
  const view: Record<string, Json> = {}
  for (const c of components) {
    if (c.group === undefined) view[c.name] = componentView(c)
    else view[c.group] = { ...(view[c.group] ?? {}), [c.name]: componentView(c) }
  }
  return view
}

/** Overall status: required components count fully, optional ones and firing alerts as degraded. */
export function overallStatus (components: readonly ComponentState[], alerts: readonly AlertState[]): Status {
  return worstStatus([
    ...components.map((c) => contribution(c.status ?? 'degraded', c.required)),
    ...alerts.map((a): Status => (a.status === 'firing' ? 'degraded' : 'healthy'))
  ])
}

/** Everything in the report but its environments (the part built fresh for every request). */
export type ReportHead = Omit<ReportInputs, 'environments'>

function reportHead (inputs: ReportHead): Json & { status: Status } {
  return {
    status: overallStatus(inputs.components, inputs.alerts),
    version: inputs.version,
    environment: inputs.environment,
    timestamp: inputs.now.toISOString(),
    uptime_seconds: Math.floor(inputs.uptimeSeconds),
    metrics: {
      memory_mb: inputs.system.memoryMb,
      memory_percent: inputs.system.memoryPercent,
      cpu_percent: inputs.system.cpuPercent,
      event_loop_delay_ms: round1(inputs.eventLoopDelayMs),
      active_connections: inputs.activeConnections,
      response_time_ms: { p50: inputs.requests.p50, p95: inputs.requests.p95, p99: inputs.requests.p99 },
      error_rate_percent: inputs.requests.errorRatePercent
    },
    components: componentsView(inputs.components)
  }
}

/** The body of `GET /health/detailed` with every environment given (product.md's shape). */
export function buildDetailedReport (inputs: ReportInputs): Json & { status: Status } {
  return { ...reportHead(inputs), environments: inputs.environments, alerts: inputs.alerts }
}


/**
 * Above this many environments `/health/detailed` without a filter answers a summary (counts by
 * status, the environments not healthy, at most this many) instead of every environment: about the
 * most a person reads in a terminal, and it keeps the default answer near 30 KB (an environment is
 * about 190 bytes) whatever the fleet, where all 10,000 would be 1.9 MB. docs/runbook.md.
 */
export const SUMMARY_ABOVE = 100

/** Which environments a request asked for: `?environment=` names and `?status=` words (both optional). */
export interface EnvironmentFilter {
  readonly environments?: ReadonlySet<string>
  readonly statuses?: ReadonlySet<Status>
}

/** A query parameter as Fastify parses it: absent, once, or repeated. */
type QueryValue = string | readonly string[] | undefined

/** Values of a repeatable, comma-separated parameter: `a,b` and `a&…=b` alike; undefined when absent. */
function listValues (value: QueryValue): string[] | undefined {
  if (value === undefined) return undefined
  return (typeof value === 'string' ? [value] : value).flatMap((v) => v.split(',')).map((v) => v.trim())
}

const shownValue = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)

/**
 * Reads `?environment=` and `?status=` (each repeatable, values also comma-separated: names cannot
 * hold a comma). Both match regardless of case: environment names are unique that way, and status
 * words are three fixed words. `spelling` gives a name as Vigil monitors it (`PRODUCTION` →
 * `production`), or undefined for a name it does not monitor; the filter holds that spelling.
 * Returns the filter, or the message of a 400 for an empty, unknown or misspelt value.
 */
export function parseEnvironmentFilter (query: { environment?: QueryValue, status?: QueryValue }, spelling: (name: string) => string | undefined): EnvironmentFilter | { error: string } {
  const names = listValues(query.environment)
  const words = listValues(query.status)
  const environments = new Set<string>()
  for (const name of names ?? []) {
    if (name === '') return { error: 'environment: expected an environment name, got an empty value' }
    const monitored = spelling(name)
    if (monitored === undefined) return { error: `environment: ${shownValue(name)} is not a monitored environment` }
    environments.add(monitored)
  }
  const statuses = new Set<Status>()
  for (const word of words ?? []) {
    const status = STATUS_WORDS.find((known) => known === word.toLowerCase())
    if (status === undefined) return { error: `status: expected ${STATUS_WORDS.join(', ')}, got ${shownValue(word)}` }
    statuses.add(status)
  }
  return {
    ...(names === undefined ? {} : { environments }),
    ...(words === undefined ? {} : { statuses })
  }
}

/** How many environments are in each status, and what the summary left out. */
export interface EnvironmentCounts {
  total: number
  healthy: number
  degraded: number
  unhealthy: number
  /** Environments not healthy that the summary does not list (past SUMMARY_ABOVE). */
  omitted: number
}

const SUMMARY_NOTE = `more than ${SUMMARY_ABOVE} environments: only those not healthy are listed (at most ${SUMMARY_ABOVE}); ` +
  'filter with ?status=healthy|degraded|unhealthy or ?environment=<name>[,<name>…] (both repeatable) to see the others'

/**
 * The body of `GET /health/detailed`, redacted, as UTF-8 bytes. Each environment comes from the board's
 * cached, already redacted member (serialised once per change), gathered in slices that yield to
 * the event loop, so a report over 10,000 environments never holds the loop for long; only the
 * rest (a few KB) is serialised and redacted per request. With a filter, exactly the environments
 * it selects; without one, every environment up to SUMMARY_ABOVE, and past it a summary
 * (`environments_summary`) with the environments not healthy. The overall `status` does not depend
 * on the filter.
 */
export async function renderDetailedReport (head: ReportHead, board: EnvironmentBoard, filter: EnvironmentFilter, redact: Redactor): Promise<{ status: Status, body: Buffer }> {
  const names = board.names()
  const summarise = filter.environments === undefined && filter.statuses === undefined && names.length > SUMMARY_ABOVE
  const counts: EnvironmentCounts = { total: 0, healthy: 0, degraded: 0, unhealthy: 0, omitted: 0 }
  const members: string[] = []
  const add = (name: string): void => {
    const member = board.member(name, redact)
    if (member !== undefined) members.push(member)
  }
  await forEachInSlices(names, DEFAULT_SLICE_SIZE, (name) => {
    const summary = board.get(name)
    if (summary === undefined) return
    if (summarise) {
      counts.total++
      counts[summary.status]++
      if (summary.status === 'healthy') return
      if (members.length < SUMMARY_ABOVE) add(name)
      else counts.omitted++
      return
    }
    if (filter.environments !== undefined && !filter.environments.has(name)) return
    if (filter.statuses !== undefined && !filter.statuses.has(summary.status)) return
    add(name)
  })
  const report = reportHead(head)
  const summary = summarise ? `,"environments_summary":${JSON.stringify({ ...counts, note: SUMMARY_NOTE })}` : ''
  const start = redact(JSON.stringify(report).slice(0, -1))
  const end = redact(`${summary},"alerts":${JSON.stringify(head.alerts)}}`)
  const environments = await joinInSlices(members, ',')
  return { status: report.status, body: Buffer.concat([Buffer.from(`${start},"environments":{`), environments, Buffer.from(`}${end}`)]) }
}
