import { createComponentRegistry } from '../../src/health/component-registry.js'
import { createEnvironmentBoard } from '../../src/health/environment-board.js'
import { createMetrics } from '../../src/metrics/create-metrics.js'
import type { MonitorOptions } from '../../src/monitor/create-monitor.js'
import type { EnvironmentTarget } from '../../src/monitor/types.js'
import { createRedactor } from '../../src/redact.js'

/** A logger that says nothing. */
export const quietLog = { info: () => {}, warn: () => {}, error: () => {} }

/**
 * What createMonitor needs around it, fresh: `targets` at a 1-minute interval, their own metrics,
 * board and component registry, a redactor without secrets and a quiet log; `overrides` replace any.
 */
export function monitorParts<O extends Partial<MonitorOptions>> (targets: readonly EnvironmentTarget[], overrides: O = {} as O) {
  return {
    targets,
    intervalMs: 60_000,
    metrics: createMetrics(),
    environments: createEnvironmentBoard(),
    components: createComponentRegistry(),
    redact: createRedactor([]),
    log: quietLog,
    ...overrides
  }
}
