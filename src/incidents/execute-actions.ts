import type { Redactor } from '../redact.js'
import type { EnvironmentState, PendingAction, Store } from '../state/types.js'
import { actionMarker } from './render.js'
import type { IncidentLog, IncidentTracker } from './tracker.js'

export interface RunPendingDeps {
  readonly tracker: IncidentTracker
  readonly store: Store
  readonly log: IncidentLog
  readonly redact: Redactor
}

async function execute (state: EnvironmentState, action: PendingAction, tracker: IncidentTracker, log: IncidentLog): Promise<EnvironmentState> {
  const environment = state.environment
  if (action.kind === 'open') {
    if (state.issue !== null) return state
    // A create whose answer was lost may have worked: adopting by marker is what prevents a duplicate.
    const issue = await tracker.findOpen(environment) ?? await tracker.open(environment, action.title, action.body, action.labels)
    log.info({ module: 'incidents', environment, issue: issue.number }, 'incident issue open')
    return { ...state, issue }
  }
  const issue = state.issue ?? await tracker.findOpen(environment)
  if (issue === null) {
    log.warn({ module: 'incidents', environment, action: action.kind }, 'no open incident issue to act on; action skipped')
    return { ...state, issue: null }
  }
  if (action.kind === 'close') {
    await tracker.close(issue.number)
    log.info({ module: 'incidents', environment, issue: issue.number }, 'incident issue closed')
    return { ...state, issue: null }
  }
  // Tried before: the comment may have been posted although the answer never came back.
  if (action.attempts > 1 && await tracker.hasComment(issue.number, actionMarker(action.id))) return { ...state, issue }
  await tracker.comment(issue.number, action.body)
  return { ...state, issue }
}

/**
 * Runs an environment's pending GitHub writes in order, persisting after each. The first failure
 * stops the queue (later actions depend on earlier ones) and leaves it for the next cycle.
 */
export async function runPending (initial: EnvironmentState, deps: RunPendingDeps): Promise<EnvironmentState> {
  let state = initial
  while (state.pending.length > 0) {
    const [head, ...rest] = state.pending as [PendingAction, ...PendingAction[]]
    // Counted before the call, so a crash in the middle is seen as a possible partial success.
    const action = { ...head, attempts: head.attempts + 1 }
    state = { ...state, pending: [action, ...rest] }
    await deps.store.put(state)
    try {
      state = { ...(await execute(state, action, deps.tracker, deps.log)), pending: rest }
    } catch (error) {
      deps.log.warn({ module: 'incidents', environment: state.environment, action: action.kind, attempts: action.attempts, err: deps.redact(String(error)) }, 'GitHub refused an incident action; kept for the next cycle')
      return state
    }
    await deps.store.put(state)
  }
  return state
}
