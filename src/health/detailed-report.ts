import type { AlertState } from './alerts.js'
import type { ComponentState } from './component-registry.js'
import type { EnvironmentSummary } from './environment-board.js'
import type { RequestWindowSummary } from './request-window.js'
import { contribution, worstStatus, type Status } from './status.js'
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

/** The body of `GET /health/detailed`. */
export function buildDetailedReport (inputs: ReportInputs): Json & { status: Status } {
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
    components: componentsView(inputs.components),
    environments: inputs.environments,
    alerts: inputs.alerts
  }
}
