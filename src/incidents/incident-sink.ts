import { randomUUID } from 'node:crypto'
import type { Metrics } from '../metrics/create-metrics.js'
import type { CheckResult, CycleSink, EnvironmentTarget, IncidentLink } from '../monitor/types.js'
import type { Redactor } from '../redact.js'
import type { EnvironmentState, PendingAction, Store } from '../state/types.js'
import { runPending } from './execute-actions.js'
import { decide, initialState, type PolicyAction } from './policy.js'
import { incidentLabels, incidentTitle, renderChangeComment, renderIssueBody, renderRecoveryComment, renderReminderComment } from './render.js'
import { silentLog, type IncidentLog, type IncidentTracker } from './tracker.js'

export interface IncidentSinkOptions {
  readonly store: Store
  readonly redact: Redactor
  /** Where incidents are filed; without one the sink only keeps state (GitHub not configured). */
  readonly tracker?: IncidentTracker
  /** `github.labels`; default `deployment-alert`. */
  readonly labels?: readonly string[]
  /** The monitored environments, for their own labels. */
  readonly targets?: ReadonlyArray<Pick<EnvironmentTarget, 'name' | 'labels'>>
  readonly log?: IncidentLog
  readonly metrics?: Pick<Metrics, 'incidentsOpen'>
  readonly reminderIntervalMs?: number
  /** Whether close() closes the store too (default true). */
  readonly ownsStore?: boolean
  readonly newId?: () => string
}

/**
 * Turns each cycle's results into incident issues: state is loaded, the policy decides, the intended
 * GitHub writes are persisted, then executed in order. The first handle() reconciles with GitHub.
 */
export function createIncidentSink (options: IncidentSinkOptions) {
  const { store, redact, tracker } = options
  const log = options.log ?? silentLog
  const newId = options.newId ?? randomUUID
  const toReconcile = new Set<string>()
  let started = false
  let queue: Promise<unknown> = Promise.resolve()

  const labelsFor = (environment: string): string[] =>
    incidentLabels(environment, options.targets?.find((t) => t.name === environment)?.labels ?? [], options.labels)

  function render (action: PolicyAction, result: CheckResult, before: EnvironmentState): PendingAction[] {
    const id = newId()
    switch (action.type) {
      case 'open':
        return [{ id, kind: 'open', title: incidentTitle(result.environment), body: renderIssueBody(result, redact), labels: labelsFor(result.environment), attempts: 0 }]
      case 'comment':
        return [{
          id,
          kind: 'comment',
          attempts: 0,
          body: action.reason === 'changed'
            ? renderChangeComment(result, action.previousFailures, id, redact)
            : renderReminderComment(result, before.outageSince ?? result.checkedAt.toISOString(), id, redact)
        }]
      case 'resolve':
        return [
          { id, kind: 'comment', attempts: 0, body: renderRecoveryComment(result, action.recoveredAt, action.outageMs, id, redact) },
          { id: newId(), kind: 'close', attempts: 0 }
        ]
    }
  }

  // Adopts an open issue GitHub already has for this environment (restart, lost state, other replica).
  async function reconcile (state: EnvironmentState, result: CheckResult, at: Date): Promise<EnvironmentState> {
    if (tracker === undefined || !toReconcile.has(state.environment)) return state
    if (state.issue !== null || state.pending.some((a) => a.kind === 'open')) {
      toReconcile.delete(state.environment)
      return state
    }
    try {
      const found = await tracker.findOpen(state.environment)
      toReconcile.delete(state.environment)
      if (found === null) return state
      log.info({ module: 'incidents', environment: state.environment, issue: found.number }, 'adopted open incident issue')
      const known = state.outageSince !== null
      return {
        ...state,
        issue: found,
        outageSince: state.outageSince ?? found.openedAt,
        lastFailures: known ? state.lastFailures : (result.status === 'unhealthy' ? [...result.failures] : []),
        lastNotifiedAt: state.lastNotifiedAt ?? at.toISOString()
      }
    } catch (error) {
      log.warn({ module: 'incidents', environment: state.environment, err: redact(String(error)) }, 'could not look for open incident issues; will try next cycle')
      return state
    }
  }

  async function processResult (result: CheckResult, at: Date): Promise<EnvironmentState> {
    const loaded = await store.get(result.environment) ?? initialState(result.environment, result.checkedAt)
    const before = await reconcile(loaded, result, at)
    const { next, actions } = decide(before, result, at, { reminderIntervalMs: options.reminderIntervalMs })
    if (tracker === undefined) {
      for (const action of actions) log.info({ module: 'incidents', environment: result.environment, action: action.type }, 'GitHub is not configured: incident action not filed')
      const state = { ...next, pending: [] }
      await store.put(state)
      return state
    }
    // The intent is stored before GitHub is called: a crash or a refusal leaves it pending, not lost.
    const state = { ...next, pending: [...next.pending, ...actions.flatMap((a) => render(a, result, before))] }
    await store.put(state)
    return await runPending(state, { tracker, store, log, redact })
  }

  async function handleNow (results: readonly CheckResult[], at: Date): Promise<Record<string, IncidentLink>> {
    if (!started) {
      started = true
      for (const result of results) toReconcile.add(result.environment)
    }
    const links: Record<string, IncidentLink> = {}
    const failed: unknown[] = []
    for (const result of results) {
      try {
        const state = await processResult(result, at)
        options.metrics?.incidentsOpen.set({ environment: result.environment }, state.issue === null ? 0 : 1)
        if (state.issue !== null) links[result.environment] = { issue_url: state.issue.url, opened_at: state.issue.openedAt }
      } catch (error) {
        failed.push(error)
        log.error({ module: 'incidents', environment: result.environment, err: redact(String(error)) }, 'incident handling failed')
      }
    }
    if (failed.length > 0) throw new AggregateError(failed, `incident handling failed for ${failed.length} environment(s)`)
    return links
  }

  return {
    // One cycle at a time, even if a caller overlaps them.
    handle: async (results, at) => {
      const run = queue.then(() => handleNow(results, at))
      queue = run.catch(() => {})
      return await run
    },
    close: async () => {
      await queue
      if (options.ownsStore ?? true) await store.close()
    }
  } satisfies CycleSink
}
