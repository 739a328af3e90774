import { sameFailures } from '../delivery/snapshot.js'
import type { CheckResult } from '../monitor/types.js'
import type { EnvironmentState } from '../state/types.js'

/** How often a lasting incident gets a reminder comment when nothing else was said. */
export const DAY_MS = 24 * 60 * 60 * 1000
/** Least time between two "what fails has changed" comments of one incident (the open counts as one). */
export const CHANGE_SPACING_MS = 60 * 60 * 1000
/** Recoveries cut short within one incident after which it is reported as flapping. */
export const FLAPPING_AFTER = 2

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
  /** Consecutive unhealthy results before an incident opens (default 1). */
  readonly failureThreshold?: number
  /** Consecutive healthy or degraded results before it resolves (default 1 here; the monitor file's default is 2). */
  readonly successThreshold?: number
  /**
   * The least status that opens an incident (default `unhealthy`): `degraded` when a channel of the
   * environment has `min_status: degraded`. Then degraded counts as failing and only healthy as
   * recovered.
   */
  readonly openOn?: 'degraded' | 'unhealthy'
}

const RANK: Record<CheckResult['status'], number> = { healthy: 0, degraded: 1, unhealthy: 2 }

const since = (iso: string | null, now: Date): number => (iso === null ? Infinity : now.getTime() - Date.parse(iso))

/** The state an environment starts from before its first result. */
export function initialState (environment: string, at: Date): EnvironmentState {
  return {
    environment, status: 'healthy', since: at.toISOString(), outageSince: null, lastFailures: [], lastNotifiedAt: null,
    lastChangedAt: null, failureStreak: 0, successStreak: 0, flaps: 0, peakStatus: null
  }
}

/** The worst status the state's incident reached; incidents stored before it was kept were unhealthy ones. */
export function peakOf (state: EnvironmentState): CheckResult['status'] | null {
  if (state.outageSince === null) return null
  return state.peakStatus ?? 'unhealthy'
}

/**
 * The incident state machine, pure. An incident opens after `failureThreshold` unhealthy results in
 * a row (degraded opens one only with `openOn: 'degraded'`) and resolves after `successThreshold`
 * healthy or degraded ones (healthy only, with `openOn: 'degraded'`); getting worse than the
 * incident ever was is a change told at once;
 * a recovery cut short by a new failure counts as a flap, and from FLAPPING_AFTER flaps on the
 * incident is told it is flapping, instead of being closed and reopened each time. While it lasts, a
 * change in what fails is told at most once per `changeSpacingMs`, and a day without news brings a
 * reminder.
 */
export function decide (previous: EnvironmentState, result: CheckResult, now: Date, options: PolicyOptions = {}): Decision {
  const reminderMs = options.reminderIntervalMs ?? DAY_MS
  const spacingMs = options.changeSpacingMs ?? CHANGE_SPACING_MS
  const checkedAt = result.checkedAt.toISOString()
  const nowIso = now.toISOString()
  const openAt = RANK[options.openOn ?? 'unhealthy']
  const unhealthy = RANK[result.status] >= openAt
  const base: EnvironmentState = {
    ...previous,
    status: result.status,
    since: result.status === previous.status ? previous.since : checkedAt,
    failureStreak: unhealthy ? previous.failureStreak + 1 : 0,
    successStreak: unhealthy ? 0 : previous.successStreak + 1
  }

  // A result that answers a Railway deploy event (monitor/types.ts DeployNote) is news: a crash or a
  // failed verification opens the incident at once, and is told on one already open.
  const deployNews = unhealthy && result.deploy !== undefined
  if (previous.outageSince === null) {
    if (!unhealthy || (base.failureStreak < (options.failureThreshold ?? 1) && !deployNews)) return { next: base, actions: [] }
    // The outage began with the first failure of the streak.
    const outageSince = RANK[previous.status] >= openAt ? previous.since : checkedAt
    return {
      next: { ...base, outageSince, lastFailures: [...result.failures], lastNotifiedAt: nowIso, lastChangedAt: nowIso, flaps: 0, peakStatus: result.status },
      actions: [{ type: 'open' }]
    }
  }
  if (unhealthy) {
    const flaps = previous.successStreak > 0 ? previous.flaps + 1 : previous.flaps
    const startsFlapping = flaps === FLAPPING_AFTER && previous.flaps < FLAPPING_AFTER
    const peak = peakOf(previous) ?? result.status
    // Getting worse (degraded → unhealthy) is told at once, whatever the spacing: it is what pages.
    const escalates = RANK[result.status] > RANK[peak]
    const withFlaps = { ...base, flaps, peakStatus: escalates ? result.status : peak }
    const changed = !sameFailures(previous.lastFailures, result.failures) || startsFlapping || escalates
    if (escalates || deployNews || (changed && since(previous.lastChangedAt, now) >= spacingMs)) {
      return {
        next: { ...withFlaps, lastFailures: [...result.failures], lastNotifiedAt: nowIso, lastChangedAt: nowIso },
        actions: [{ type: 'changed', previousFailures: previous.lastFailures }]
      }
    }
    if (since(previous.lastNotifiedAt, now) >= reminderMs) {
      return { next: { ...withFlaps, lastNotifiedAt: nowIso }, actions: [{ type: 'reminder' }] }
    }
    return { next: withFlaps, actions: [] }
  }
  if (base.successStreak < (options.successThreshold ?? 1)) return { next: base, actions: [] }
  const outageMs = Math.max(0, result.checkedAt.getTime() - Date.parse(previous.outageSince))
  return {
    next: { ...base, outageSince: null, lastFailures: [], lastNotifiedAt: null, lastChangedAt: null, flaps: 0, peakStatus: null },
    actions: [{ type: 'resolve', recoveredAt: checkedAt, outageMs, outageSince: previous.outageSince }]
  }
}
