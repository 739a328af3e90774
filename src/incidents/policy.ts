import type { CheckResult } from '../monitor/types.js'
import type { EnvironmentState } from '../state/types.js'

/** How often a lasting incident with unchanged failures gets a reminder comment. */
export const DAY_MS = 24 * 60 * 60 * 1000

/** What the policy wants done on GitHub; the sink renders and executes it. */
export type PolicyAction =
  | { readonly type: 'open' }
  | { readonly type: 'comment', readonly reason: 'changed', readonly previousFailures: readonly string[] }
  | { readonly type: 'comment', readonly reason: 'reminder' }
  | { readonly type: 'resolve', readonly recoveredAt: string, readonly outageMs: number }

/** The part of the state the policy decides on (the issue and the queue belong to the sink). */
export type PolicyState = Pick<EnvironmentState, 'environment' | 'status' | 'since' | 'outageSince' | 'lastFailures' | 'lastNotifiedAt'>

export interface Decision<S extends PolicyState> {
  readonly next: S
  readonly actions: readonly PolicyAction[]
}

export interface PolicyOptions {
  readonly reminderIntervalMs?: number
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i])

/** The state an environment starts from before its first result. */
export function initialState (environment: string, at: Date): EnvironmentState {
  return { environment, status: 'healthy', since: at.toISOString(), outageSince: null, lastFailures: [], lastNotifiedAt: null, issue: null, pending: [] }
}

/**
 * The incident state machine, pure: unhealthy opens (degraded never does), a change in what fails
 * or a day without news comments, and healthy or degraded after unhealthy resolves.
 */
export function decide<S extends PolicyState> (previous: S, result: CheckResult, now: Date, options: PolicyOptions = {}): Decision<S> {
  const reminderMs = options.reminderIntervalMs ?? DAY_MS
  const checkedAt = result.checkedAt.toISOString()
  const since = result.status === previous.status ? previous.since : checkedAt
  const base = { ...previous, status: result.status, since }
  const inIncident = previous.outageSince !== null

  if (result.status === 'unhealthy' && !inIncident) {
    return {
      next: { ...base, outageSince: checkedAt, lastFailures: [...result.failures], lastNotifiedAt: now.toISOString() },
      actions: [{ type: 'open' }]
    }
  }
  if (result.status === 'unhealthy') {
    if (!sameList(previous.lastFailures, result.failures)) {
      return {
        next: { ...base, lastFailures: [...result.failures], lastNotifiedAt: now.toISOString() },
        actions: [{ type: 'comment', reason: 'changed', previousFailures: previous.lastFailures }]
      }
    }
    const last = previous.lastNotifiedAt === null ? 0 : Date.parse(previous.lastNotifiedAt)
    if (now.getTime() - last >= reminderMs) {
      return { next: { ...base, lastNotifiedAt: now.toISOString() }, actions: [{ type: 'comment', reason: 'reminder' }] }
    }
    return { next: base, actions: [] }
  }
  if (inIncident) {
    const outageMs = Math.max(0, result.checkedAt.getTime() - Date.parse(previous.outageSince))
    return {
      next: { ...base, outageSince: null, lastFailures: [], lastNotifiedAt: null },
      actions: [{ type: 'resolve', recoveredAt: checkedAt, outageMs }]
    }
  }
  return { next: base, actions: [] }
}
