import type { ComponentState } from './component-registry.js'
import type { Lifecycle } from './lifecycle.js'

export interface Readiness {
  readonly ready: boolean
  /** Why the service is not ready, one short phrase each; empty when ready. */
  readonly reasons: readonly string[]
}

/**
 * Ready when not draining, start-up work is done and no required component is unhealthy or
 * still without a result. A degraded required component still takes traffic.
 */
export function evaluateReadiness (components: readonly ComponentState[], lifecycle: Lifecycle): Readiness {
  const reasons: string[] = []
  if (lifecycle.draining) reasons.push('shutting down')
  for (const task of lifecycle.pendingStartupTasks()) reasons.push(`${task}: start-up not finished`)
  for (const component of components) {
    if (!component.required) continue
    if (component.status === undefined) reasons.push(`${component.name}: not checked yet`)
    else if (component.status === 'unhealthy') reasons.push(`${component.name}: ${component.error ?? 'unhealthy'}`)
  }
  return { ready: reasons.length === 0, reasons }
}
