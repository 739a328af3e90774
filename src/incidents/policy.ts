import type { CheckResult } from '../monitor/types.js'
import type { EnvironmentState } from '../state/types.js'

/** How often a lasting incident gets a reminder comment when nothing else was said. */
export const DAY_MS = 24 * 60 * 60 * 1000
/** Least time between two "what fails has changed" comments of one incident (the open counts as one). */
export const CHANGE_SPACING_MS = 60 * 60 * 1000

/** What the policy decided; the decider turns it into an incident event for every channel. */
export type PolicyAction =
  | { readonly type: 'open' }
  | { readonly type: 'changed', readonly previousFailures: readonly string[] }
  | { readonly type: 'reminder' }
  | { readonly type: 'resolve', readonly recoveredAt: string, readonly outageMs: number, readonly outageSince: string }

export interface Decision {
  readonly next: EnvironmentState
  readonly actions: readonly PolicyAction[]
}

export interface PolicyOptions {
  readonly reminderIntervalMs?: number
  readonly changeSpacingMs?: number
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i])

const since = (iso: string | null, now: Date): number => (iso === null ? Infinity : now.getTime() - Date.parse(iso))

/** The state an environment starts from before its first result. */
export function initialState (environment: string, at: Date): EnvironmentState {
  return { environment, status: 'healthy', since: at.toISOString(), outageSince: null, lastFailures: [], lastNotifiedAt: null, lastChangedAt: null }
}

/**
 * The incident state machine, pure: unhealthy opens (degraded never does); while it lasts, a change
 * in what fails is told at most once per `changeSpacingMs` (a flapping failure is told at that pace,
 * with what fails at the time), and a day without news brings a reminder; healthy or degraded after
 * unhealthy resolves.
 */
export function decide (previous: EnvironmentState, result: CheckResult, now: Date, options: PolicyOptions = {}): Decision {
  const reminderMs = options.reminderIntervalMs ?? DAY_MS
  const spacingMs = options.changeSpacingMs ?? CHANGE_SPACING_MS
  const checkedAt = result.checkedAt.toISOString()
  const nowIso = now.toISOString()
  const base = { ...previous, status: result.status, since: result.status === previous.status ? previous.since : checkedAt }

  if (result.status === 'unhealthy' && previous.outageSince === null) {
    return {
      next: { ...base, outageSince: checkedAt, lastFailures: [...result.failures], lastNotifiedAt: nowIso, lastChangedAt: nowIso },
      actions: [{ type: 'open' }]
    }
  }
  if (result.status === 'unhealthy') {
    if (!sameList(previous.lastFailures, result.failures) && since(previous.lastChangedAt, now) >= spacingMs) {
      return {
        next: { ...base, lastFailures: [...result.failures], lastNotifiedAt: nowIso, lastChangedAt: nowIso },
        actions: [{ type: 'changed', previousFailures: previous.lastFailures }]
      }
    }
    if (since(previous.lastNotifiedAt, now) >= reminderMs) {
      return { next: { ...base, lastNotifiedAt: nowIso }, actions: [{ type: 'reminder' }] }
    }
    return { next: base, actions: [] }
  }
  if (previous.outageSince !== null) {
    const outageMs = Math.max(0, result.checkedAt.getTime() - Date.parse(previous.outageSince))
    return {
      next: { ...base, outageSince: null, lastFailures: [], lastNotifiedAt: null, lastChangedAt: null },
      actions: [{ type: 'resolve', recoveredAt: checkedAt, outageMs, outageSince: previous.outageSince }]
    }
  }
  return { next: base, actions: [] }
}
