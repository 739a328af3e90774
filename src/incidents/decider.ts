import { randomUUID } from 'node:crypto'
import type { IncidentEvent, NewOutboxEntry, OpenIncident } from '../delivery/types.js'
import type { CheckResult, CycleLeadership } from '../monitor/types.js'
import type { Redactor } from '../redact.js'
import type { EnvironmentState, Store } from '../state/types.js'
import type { IncidentLog } from '../structured-log.js'
import { decide, initialState, peakOf, type PolicyAction, type PolicyOptions } from './policy.js'
import { routeEvent, type ChannelRoute } from './routing.js'
import { snapshotOf } from '../delivery/snapshot.js'
import { droppedSummary } from '../delivery/coalesce.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'

export interface DeciderOptions {
  readonly store: Store
  readonly leadership: CycleLeadership
  /**
   * The channels an environment's events go to, in order, each with its least status (the record
   * channel first); for an environment no longer configured (`retired`), every channel.
   */
  readonly routes: (environment: string | undefined) => readonly ChannelRoute[]
  /** Names of the monitored environments at start: open incidents of any other are retired (see `setEnvironments`). */
  readonly environments: readonly string[]
  /** Incidents the record channel (GitHub) holds open, to adopt after lost state; once per leadership. */
  readonly openIncidents?: () => Promise<OpenIncident[]>
  readonly policy?: PolicyOptions
  /** Each environment's own thresholds (the monitor file's `failure_threshold`, `success_threshold`). */
  readonly thresholds?: (environment: string) => Pick<PolicyOptions, 'failureThreshold' | 'successThreshold'>
  readonly log: IncidentLog
  readonly redact: Redactor
  /** Called after decisions were stored, with how many entries coalescing dropped (delivery wakes). */
  readonly onCommitted?: (dropped: ReadonlyArray<{ channel: string, kind: string }>) => void
  /** Told after each attempt to store decisions (the `state` component). */
  readonly onStoreResult?: (result: { ok: boolean, error?: unknown }) => void
  /** How soon decisions that could not be stored (or taken: not the leader) are tried again. */
  readonly retryMs?: number
  readonly newId?: () => string
  readonly now?: () => Date
}

export interface Decider {
  /** Takes a cycle's results and returns at once: the decision runs in the background. */
  submit: (results: readonly CheckResult[], at: Date) => void
  /** Runs the pending decisions now, and waits for a listing of open incidents under way (tests); never throws. */
  drain: () => Promise<void>
  /**
   * Replaces the monitored environments (discovery refresh): the open incident of each one no
   * longer listed is retired by the next decision, like one found at start-up for an environment
   * not configured; results still arriving for it are dropped until it is listed again.
   */
  setEnvironments: (names: readonly string[]) => void
  close: () => Promise<void>
}

/** Pause before listing the record channel's open incidents again after a failure. */
const RECONCILE_RETRY_MS = 60_000

const KINDS: Record<PolicyAction['type'], IncidentEvent['kind']> = { open: 'opened', changed: 'changed', reminder: 'reminder', resolve: 'resolved' }

/**
 * Detection hands results to the decider and moves on. The leader decides (incidents/policy.ts) on
 * the latest results of each environment and stores the new states together with one outbox entry
 * per event and channel the environment notifies (routed by each channel's least status,
 * incidents/routing.ts), in one transaction; then delivery wakes. When the store fails or no
 * replica is known to lead, the results wait (only the newest per environment is kept) and are
 * decided on once it can: nothing decided is lost, and nothing is decided twice. A follower drops
 * them: the leader decides on its own, newer results.
 */
export function createDecider (options: DeciderOptions): Decider {
  const { store, leadership, log, redact } = options
  const newId = options.newId ?? randomUUID
  const now = options.now ?? (() => new Date())
  const retryMs = options.retryMs ?? 1_000
  let waiting = new Map<string, { result: CheckResult, at: Date }>()
  // Cycles' results being taken in, a slice at a time and one cycle after the other.
  let accepting: Promise<void> = Promise.resolve()
  let reconcile: 'todo' | 'listing' | 'done' = 'todo'
  let found: readonly OpenIncident[] | undefined
  let listing: Promise<void> | undefined
  let nextReconcileAt = 0
  // The latest result decided per environment: an incident adopted later is judged on it at once.
  // Kept only while an adoption may still come (the record channel's open incidents not yet
  // applied): past that, 10,000 whole results (~600 bytes each) would be kept for nothing.
  const lastDecided = new Map<string, { result: CheckResult, at: Date }>()
  const adoptionAhead = (): boolean => options.openIncidents !== undefined && (reconcile !== 'done' || found !== undefined)
  let running: Promise<void> | undefined
  let retry: NodeJS.Timeout | undefined
  let closed = false
  let configured = new Set(options.environments)
  // Environments removed at runtime whose open incident (if any) is still to be retired.
  const leaving = new Set<string>()

  // `peak`: the worst status the incident had reached before this event (incidents/routing.ts).
  const entriesFor = (event: IncidentEvent, peak: EnvironmentState['status'] | null, at: string, configured: boolean): NewOutboxEntry[] =>
    options.routes(configured ? event.environment : undefined).flatMap(({ channel, minStatus }) => {
      const routed = routeEvent(event, peak, minStatus, newId)
      return routed === null ? [] : [{ id: newId(), channel, environment: event.environment, event: routed, createdAt: at, notBefore: at }]
    })

  const eventOf = (action: PolicyAction, result: CheckResult, next: EnvironmentState, decidedAt: string): IncidentEvent => {
    const outageSince = action.type === 'resolve' ? action.outageSince : next.outageSince ?? result.checkedAt.toISOString()
    return {
      id: newId(),
      kind: KINDS[action.type],
      environment: result.environment,
      incidentId: `${result.environment}@${outageSince}`,
      decidedAt,
      outageSince,
      result: snapshotOf(result),
      ...(next.flaps > 0 ? { flaps: next.flaps } : {}),
      ...(action.type === 'changed' ? { previousFailures: action.previousFailures } : {}),
      ...(action.type === 'resolve' ? { recoveredAt: action.recoveredAt, outageMs: action.outageMs } : {})
    }
  }

  // After lost state (or a first start), the record channel's open incidents become the policy's:
  // configured environments adopt them, the others are retired. Listed in the background (a slow
  // GitHub never holds decisions), applied by the next decision, tried again a minute after a failure.
  function startReconcile (): void {
    if (reconcile !== 'todo' || options.openIncidents === undefined || Date.now() < nextReconcileAt) return
    reconcile = 'listing'
    listing = options.openIncidents().then((open) => {
      found = open
      reconcile = 'done'
      void drain()
    }, (error: unknown) => {
      reconcile = 'todo'
      nextReconcileAt = Date.now() + RECONCILE_RETRY_MS
      log.warn({ module: 'incidents', err: redact(String(error)) }, 'could not list open incidents to adopt; trying again in a minute')
    }).finally(() => { listing = undefined })
  }

  async function applyFound (states: Map<string, EnvironmentState>, at: Date): Promise<{ changed: EnvironmentState[], retired: Array<{ event: IncidentEvent, peak: EnvironmentState['status'] }> }> {
    const open = found
    found = undefined
    if (open === undefined) return { changed: [], retired: [] }
    // An environment with events still waiting is not adopted: its own events (a recovery, say) say more.
    const waitingFor = await store.pendingEnvironments()
    const changed: EnvironmentState[] = []
    const retired: Array<{ event: IncidentEvent, peak: EnvironmentState['status'] }> = []
    const iso = at.toISOString()
    for (const incident of open) {
      const known = states.get(incident.environment)
      if (!configured.has(incident.environment)) {
        const event: IncidentEvent = { id: newId(), kind: 'retired', environment: incident.environment, incidentId: `${incident.environment}@${known?.outageSince ?? incident.openedAt}`, decidedAt: iso, outageSince: known?.outageSince ?? incident.openedAt, result: null }
        // An issue on the record means the incident was unhealthy at some point.
        retired.push({ event, peak: (known === undefined ? null : peakOf(known)) ?? 'unhealthy' })
        if (known !== undefined) changed.push({ ...known, outageSince: null, lastFailures: [], lastNotifiedAt: null, lastChangedAt: null, peakStatus: null })
        continue
      }
      if (known?.outageSince != null || waitingFor.has(incident.environment)) continue
      log.info({ module: 'incidents', environment: incident.environment }, 'adopted an open incident found on GitHub')
      const adopted = { ...(known ?? initialState(incident.environment, at)), status: 'unhealthy' as const, outageSince: incident.openedAt, lastFailures: [], lastNotifiedAt: iso, lastChangedAt: iso, peakStatus: 'unhealthy' as const }
      states.set(incident.environment, adopted)
      changed.push(adopted)
    }
    return { changed, retired }
  }

  async function decideBatch (batch: Map<string, { result: CheckResult, at: Date }>): Promise<void> {
    const decidedAt = now()
    const states = await store.loadStates()
    const { changed, retired } = await applyFound(states, decidedAt)
    const retiring = [...leaving]
    for (const environment of retiring) {
      const known = states.get(environment)
      if (known?.outageSince == null || retired.some((r) => r.event.environment === environment)) continue
      const event: IncidentEvent = { id: newId(), kind: 'retired', environment, incidentId: `${environment}@${known.outageSince}`, decidedAt: decidedAt.toISOString(), outageSince: known.outageSince, result: null }
      retired.push({ event, peak: peakOf(known) ?? 'unhealthy' })
      changed.push({ ...known, outageSince: null, lastFailures: [], lastNotifiedAt: null, lastChangedAt: null, peakStatus: null })
      log.info({ module: 'incidents', environment }, 'retiring the open incident of an environment no longer monitored')
    }
    for (const state of changed) {
      const last = lastDecided.get(state.environment)
      if (state.outageSince !== null && last !== undefined && !batch.has(state.environment)) batch.set(state.environment, last)
    }
    const next = new Map(changed.map((s) => [s.environment, s]))
    const entries = retired.flatMap(({ event, peak }) => entriesFor(event, peak, decidedAt.toISOString(), false))
    // A cycle's worth of results (10,000 environments) is decided a slice at a time (src/slices.ts).
    await forEachInSlices([...batch.values()], DEFAULT_SLICE_SIZE, ({ result, at }) => {
      const previous = states.get(result.environment) ?? initialState(result.environment, result.checkedAt)
      const decision = decide(previous, result, at, { ...options.policy, ...options.thresholds?.(result.environment) })
      next.set(result.environment, decision.next)
      for (const action of decision.actions) entries.push(...entriesFor(eventOf(action, result, decision.next, decidedAt.toISOString()), peakOf(previous), decidedAt.toISOString(), true))
    })
    const dropped = await store.commit([...next.values()], entries, decidedAt.toISOString())
    for (const environment of retiring) { leaving.delete(environment); lastDecided.delete(environment) }
    if (adoptionAhead()) await forEachInSlices([...batch], DEFAULT_SLICE_SIZE, ([environment, item]) => { lastDecided.set(environment, item) })
    else lastDecided.clear()
    const droppedLine = droppedSummary(dropped)
    if (droppedLine !== undefined) log.info({ module: 'incidents', ...droppedLine.fields }, droppedLine.message)
    if (entries.length > 0) log.info({ module: 'incidents', events: entries.length, dropped: dropped.length }, 'incident events stored for delivery')
    options.onCommitted?.(dropped.map((e) => ({ channel: e.channel, kind: e.event.kind })))
  }

  const scheduleRetry = (): void => {
    if (closed || retry !== undefined) return
    retry = setTimeout(() => { retry = undefined; void drain() }, retryMs)
    retry.unref()
  }

  async function drainNow (): Promise<void> {
    while ((waiting.size > 0 || found !== undefined || leaving.size > 0) && !closed) {
      const role = leadership.role()
      // Another replica leads and checks every environment itself: results this one checked before
      // (while cut off from the store, say) are older than the leader's and must never be decided
      // on later, when this replica takes over. The leader retires what its own list dropped.
      if (role === 'follower') { waiting.clear(); leaving.clear(); return }
      if (role !== 'leader') { scheduleRetry(); return }
      startReconcile()
      // Taken whole (10,000 environments are not copied): what arrives meanwhile waits in a new map.
      const batch = waiting
      waiting = new Map()
      try {
        await decideBatch(batch)
        options.onStoreResult?.({ ok: true })
      } catch (error) {
        // Newer results that arrived meanwhile win; the rest waits for the next try.
        for (const [environment, item] of batch) if (!waiting.has(environment)) waiting.set(environment, item)
        options.onStoreResult?.({ ok: false, error })
        log.warn({ module: 'incidents', err: redact(String(error)), waiting: waiting.size }, 'could not store incident decisions; they wait and are tried again')
        scheduleRetry()
        return
      }
    }
  }

  function drain (): Promise<void> {
    running ??= drainNow().catch(() => {}).finally(() => { running = undefined })
    return running
  }

  return {
    submit (results, at) {
      accepting = accepting.then(async () => {
        await forEachInSlices(results, DEFAULT_SLICE_SIZE, (result) => { if (!leaving.has(result.environment)) waiting.set(result.environment, { result, at }) })
        void drain()
      })
    },
    setEnvironments (names) {
      const next = new Set(names)
      for (const environment of configured) if (!next.has(environment)) { leaving.add(environment); waiting.delete(environment) }
      for (const environment of next) leaving.delete(environment)
      configured = next
      void drain()
    },
    drain: async () => {
      await accepting
      await running
      await drain()
      // A listing of open incidents under way is part of what waits (tests settle on it).
      if (listing !== undefined) {
        await listing
        await running
        await drain()
      }
    },
    async close () {
      closed = true
      clearTimeout(retry)
      await accepting
      await running
    }
  }
}
