import type { ComponentRegistry } from '../health/component-registry.js'
import type { Metrics } from '../metrics/create-metrics.js'
import type { Redactor } from '../redact.js'
import type { IncidentLog } from '../structured-log.js'
import { memoryCapacity, type ResultHistory } from './history.js'
import { createMemoryHistory } from './memory-history.js'
import type { HistoryOutcome } from './pg-history.js'

/** Component that shows whether the history store answers (only with STATE_DATABASE_URL). */
export const HISTORY_COMPONENT = 'history'

export interface HistoryChoice {
  /** STATE_DATABASE_URL: PostgreSQL when set, memory otherwise. */
  readonly stateDatabaseUrl: string | undefined
  readonly retentionMs: number
  /** The monitor's interval, which sizes the memory ring. */
  readonly intervalMs: number
  readonly components: ComponentRegistry
  /** `vigil_component_up{component="history"}` follows the component. */
  readonly metrics: Pick<Metrics, 'componentUp'>
  readonly redact: Redactor
  readonly log: Pick<IncidentLog, 'warn' | 'info'>
}

/**
 * The history of check results: PostgreSQL with a state database, memory otherwise. A failing
 * database never reaches detection: each failed write, read or pruning marks the optional
 * `history` component unhealthy (`/health/detailed`, `vigil_component_up{component="history"}`) and logs
 * a warning when it starts failing; the next success marks it healthy again. The PostgreSQL side
 * (and `pg`) is loaded only with a state database.
 */
export async function createResultHistory (choice: HistoryChoice): Promise<ResultHistory> {
  if (choice.stateDatabaseUrl === undefined) return createMemoryHistory(memoryCapacity(choice.retentionMs, choice.intervalMs))
  const { components, redact, log, metrics } = choice
  components.register({ name: HISTORY_COMPONENT, required: false })
  let failing = false
  const onOutcome = (outcome: HistoryOutcome): void => {
    if (outcome.ok) {
      if (failing) log.info({ module: 'history' }, 'the history store answers again')
      failing = false
      metrics.componentUp.set({ component: HISTORY_COMPONENT }, 1)
      components.record(HISTORY_COMPONENT, { status: 'healthy', latencyMs: outcome.latencyMs, details: { store: 'postgres' } })
      return
    }
    const error = `history ${outcome.operation} failed: ${redact(outcome.error instanceof Error ? outcome.error.message : String(outcome.error))}`
    if (!failing) log.warn({ module: 'history', operation: outcome.operation, error }, 'the history store failed; checks go on, the status page shows the latest results only')
    failing = true
    metrics.componentUp.set({ component: HISTORY_COMPONENT }, 0)
    components.record(HISTORY_COMPONENT, { status: 'unhealthy', latencyMs: outcome.latencyMs, error, details: { store: 'postgres' } })
  }
  const { createPgHistory } = await import('./pg-history.js')
  return createPgHistory({ connectionString: choice.stateDatabaseUrl, retentionMs: choice.retentionMs, onOutcome })
}
