import type { ComponentRegistry } from '../health/component-registry.js'
import type { IncidentLog } from '../structured-log.js'
import type { Metrics } from '../metrics/create-metrics.js'
import type { CycleLeadership, IncidentLink } from '../monitor/types.js'
import type { Redactor } from '../redact.js'
import type { Store } from '../state/types.js'
import { backoffMs } from './backoff.js'
import { channelHealth } from './channel-health.js'
import { DeliveryError, type Channel, type ChannelMemory, type ChannelVerdict, type OutboxEntry } from './types.js'

/** Delivery tuning; the defaults are documented in docs/architecture.md. */
export interface DeliveryTiming {
  /** How often the outbox is looked at besides the wake-ups after each decision. Default 1 s. */
  readonly pollMs?: number
  /** The channel's pause after a retryable failure, doubled per failure in a row (its next try is one probe). Default 5 s. */
  readonly backoffBaseMs?: number
  /** Longest retry delay. Default 5 min. */
  readonly backoffMaxMs?: number
  /** Least delay before retrying a write whose answer was lost (it may have happened). Default 60 s. */
  readonly lostAnswerDelayMs?: number
  /** A retryable event older than this is given up and shown as a failed delivery. Default 24 h. */
  readonly maxAgeMs?: number
  /** A pending event older than this makes the channel degraded. Default 5 min. */
  readonly staleAfterMs?: number
}

export interface DeliveryWorkerOptions<T> {
  readonly channel: Channel<T>
  readonly store: Store
  readonly leadership: CycleLeadership
  readonly log: IncidentLog
  readonly redact: Redactor
  readonly metrics: Pick<Metrics, 'incidentDeliveries' | 'incidentActionsPending' | 'incidentOldestPendingAge'>
  readonly components: ComponentRegistry
  readonly timing?: DeliveryTiming
  /** Called after the links were read again. */
  readonly onLinks?: () => void
  readonly now?: () => Date
}

export interface DeliveryWorker {
  /** Looks at the outbox soon (after decisions were stored). */
  wake: () => void
  /** No write before `until`: the receiver said so, to any request (stored for the other replicas too). */
  hold: (until: Date) => void
  /** One pass: deliver what is due (when leading), then refresh the figures. Never throws. */
  tick: () => Promise<void>
  start: () => void
  /** The channel's open incident links as last read from its memory. */
  links: () => Readonly<Record<string, IncidentLink>>
  close: () => Promise<void>
}

/** Whether two link maps hold the same environments with the same issue and opening. */
function sameLinks (a: Readonly<Record<string, IncidentLink>>, b: Readonly<Record<string, IncidentLink>>): boolean {
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((k) => b[k] !== undefined && a[k]!.issue_url === b[k].issue_url && a[k]!.opened_at === b[k].opened_at)
}

const toDeliveryError = (error: unknown): DeliveryError =>
  error instanceof DeliveryError ? error : new DeliveryError('retryable', error instanceof Error ? error.message : String(error), { cause: error })

/**
 * Drains one channel's outbox: per environment strictly in order, one try at a time, the try counted
 * in the store before it is made (so a crash mid-write is seen as "maybe done" and checked before
 * the next try). Retryable failures back off; a rate limit holds the whole channel until the time
 * the receiver asked for (stored, so it holds across restarts and replicas); a permanent failure is
 * recorded with its reason and never blocks the events after it. Only the leader delivers.
 */
export function createDeliveryWorker<T> (options: DeliveryWorkerOptions<T>): DeliveryWorker {
  const { channel, store, leadership, log, redact, metrics, components } = options
  const timing = {
    pollMs: 1_000, backoffBaseMs: 5_000, backoffMaxMs: 300_000, lostAnswerDelayMs: 60_000, maxAgeMs: 86_400_000, staleAfterMs: 300_000, ...options.timing
  }
  const now = options.now ?? (() => new Date())
  const name = channel.name
  const memory: ChannelMemory<T> = {
    get: async (environment) => await store.getChannelMemory(name, environment) as T | undefined,
    set: async (environment, value) => { await store.setChannelMemory(name, environment, value) }
  }
  let verdict: ChannelVerdict | undefined
  let retrying: { environment: string, kind: string, reason: string } | null = null
  // Why the receiver gave no answer to the access check, until it answers (channel-health.ts).
  let unanswered: string | null = null
  let heldUntil: string | null = null
  // After a retryable failure the receiver is likely down for every environment: the whole
  // channel pauses for the backoff, so one pass never spends a timeout on each environment. The
  // backoff is the channel's, from its failures in a row (`down`), not the entry's tries: after a
  // pause one probe is tried (whichever entry is first due), and only once it is delivered does
  // the channel go through the rest. 10,000 events waiting on a refusing receiver cost one try per
  // step of the backoff, up to `backoffMaxMs` apart.
  let pausedUntil = 0
  let down = 0
  let links: Record<string, IncidentLink> = {}
  let running: Promise<void> | undefined
  let again = false
  let timer: NodeJS.Timeout | undefined
  let verifyTimer: NodeJS.Timeout | undefined
  let closed = false

  components.register({ name, required: false })
  const count = (entry: OutboxEntry, result: string): void => { metrics.incidentDeliveries.inc({ channel: name, kind: entry.event.kind, result }) }
  const context = (entry: OutboxEntry) => ({ module: 'delivery', channel: name, environment: entry.environment, event: entry.event.kind, attempts: entry.attempts + 1 })

  // The one way a hold is taken: this replica pauses at once, the store tells the others.
  async function holdWrites (until: Date): Promise<void> {
    pausedUntil = Math.max(pausedUntil, until.getTime())
    if (heldUntil === null || Date.parse(heldUntil) < until.getTime()) heldUntil = until.toISOString()
    await store.setHold(name, until.toISOString())
  }

  async function attempt (entry: OutboxEntry): Promise<'next' | 'stop'> {
    const attempts = entry.attempts + 1
    await store.updateEntry({ id: entry.id, attempts })
    try {
      await channel.deliver(entry, memory, entry.attempts > 0)
      await store.updateEntry({ id: entry.id, state: 'delivered', lastError: null, finishedAt: now().toISOString() })
      count(entry, 'delivered')
      if (retrying?.environment === entry.environment) retrying = null
      unanswered = null
      down = 0
      log.info(context(entry), `${name}: ${entry.event.kind} delivered`)
      return 'next'
    } catch (error) {
      const failure = toDeliveryError(error)
      const reason = redact(failure.message)
      const at = now()
      if (failure.failure === 'permanent') {
        down = 0
        await store.updateEntry({ id: entry.id, state: 'failed', lastError: reason, finishedAt: at.toISOString() })
        count(entry, 'failed')
        log.error({ ...context(entry), reason }, `${name}: ${entry.event.kind} could not be delivered and will not be retried`)
        return 'next'
      }
      if (failure.failure === 'rate-limited') {
        const until = (failure.retryAt ?? new Date(at.getTime() + 60_000)).toISOString()
        await holdWrites(new Date(until))
        await store.updateEntry({ id: entry.id, notBefore: until, lastError: reason })
        count(entry, 'rate_limited')
        log.warn({ ...context(entry), reason, until }, `${name}: rate limited; no write before ${until}`)
        return 'stop'
      }
      if (at.getTime() - Date.parse(entry.createdAt) > timing.maxAgeMs) {
        const final = `gave up after ${attempts} tries: ${reason}`
        await store.updateEntry({ id: entry.id, state: 'failed', lastError: final, finishedAt: at.toISOString() })
        count(entry, 'failed')
        log.error({ ...context(entry), reason: final }, `${name}: ${entry.event.kind} given up`)
        return 'next'
      }
      // A write whose answer was lost may have happened: the check before the next try needs the
      // receiver to show it (GitHub's listing lags a fresh create by seconds).
      down += 1
      const backoff = backoffMs(Math.max(down, attempts), timing.backoffBaseMs, timing.backoffMaxMs)
      const delay = Math.max(backoff, timing.lostAnswerDelayMs)
      pausedUntil = at.getTime() + backoff
      await store.updateEntry({ id: entry.id, notBefore: new Date(at.getTime() + delay).toISOString(), lastError: reason })
      retrying = { environment: entry.environment, kind: entry.event.kind, reason }
      count(entry, 'retry')
      log.warn({ ...context(entry), reason, retry_in_ms: delay }, `${name}: ${entry.event.kind} not delivered; retried later`)
      return 'stop'
    }
  }

  async function deliverDue (): Promise<void> {
    if (leadership.role() !== 'leader' || now().getTime() < pausedUntil) return
    heldUntil = await store.getHold(name)
    if (heldUntil !== null && Date.parse(heldUntil) > now().getTime()) return
    const probing = down > 0
    for (const entry of await store.dueEntries(name, now(), probing ? 1 : undefined)) {
      if (now().getTime() < pausedUntil) return
      // Confirmed with the store right before each write, so a replica deposed a moment ago (its
      // lease taken by another) never writes: the window for two writers is one delivery at most.
      if (closed || !(await leadership.confirm())) return
      if (await attempt(entry) === 'stop') return
    }
    // The probe went through: the receiver is back, the rest is delivered in this same run.
    if (probing && down === 0) again = true
  }

  async function refreshFigures (): Promise<void> {
    const stats = await store.outboxStats(name)
    heldUntil ??= await store.getHold(name)
    metrics.incidentActionsPending.set({ channel: name }, stats.pending)
    const oldest = stats.oldestPendingAt === null ? 0 : Math.max(0, (now().getTime() - Date.parse(stats.oldestPendingAt)) / 1000)
    metrics.incidentOldestPendingAge.set({ channel: name }, oldest)
    components.record(name, channelHealth({ stats, verdict, heldUntil, retrying, unanswered, staleAfterMs: timing.staleAfterMs, now: now() }))
    if (channel.link !== undefined) {
      const next: Record<string, IncidentLink> = {}
      for (const [environment, held] of await store.listChannelMemory(name)) {
        const link = channel.link(held as T)
        if (link !== undefined) next[environment] = link
      }
      // Told only of a change: a listener redraws every environment (10,000 each second otherwise).
      if (sameLinks(links, next)) return
      links = next
      options.onLinks?.()
    }
  }

  // Delivery and figures run apart: a pass stuck on a hanging receiver never freezes the report.
  async function deliverNow (): Promise<void> {
    do {
      again = false
      try {
        await deliverDue()
      } catch (error) {
        log.warn({ module: 'delivery', channel: name, err: redact(String(error)) }, `${name}: the outbox could not be read or written; trying again`)
      }
      // Figures read after what this pass did, not ones a timer started reading before it.
      await refresh(true)
    } while (again && !closed)
  }

  let refreshing: Promise<void> | undefined
  const refresh = async (fresh = false): Promise<void> => {
    if (fresh && refreshing !== undefined) await refreshing
    refreshing ??= refreshFigures()
      .catch((error: unknown) => {
        components.record(name, { status: 'degraded', latencyMs: 0, error: `delivery state unavailable: ${redact(error instanceof Error ? error.message : String(error))}` })
      })
      .finally(() => { refreshing = undefined })
    await refreshing
  }

  const tick = async (): Promise<void> => {
    if (running !== undefined) {
      again = true
      await refresh()
      return await running
    }
    running = deliverNow().finally(() => { running = undefined })
    await running
  }

  // A verification that got no answer (GitHub down at start-up) is no verdict: asked again with backoff.
  const verifyAccess = (verify: () => Promise<ChannelVerdict>, tries: number): void => {
    verify().then((v) => {
      verdict = v
      unanswered = null
      log[v.ok ? 'info' : 'error']({ module: 'delivery', channel: name }, `${name}: ${v.message}`)
    }).catch((error: unknown) => {
      if (closed) return
      const delay = backoffMs(tries, timing.backoffBaseMs, timing.backoffMaxMs)
      unanswered = redact(toDeliveryError(error).message)
      log.warn({ module: 'delivery', channel: name, reason: unanswered, retry_in_ms: delay }, `${name}: could not verify access yet; trying again`)
      verifyTimer = setTimeout(() => { verifyAccess(verify, tries + 1) }, delay)
      verifyTimer.unref()
    })
  }

  const schedule = (): void => {
    if (closed) return
    timer = setTimeout(() => {
      schedule()
      tick().catch(() => {})
    }, timing.pollMs)
    timer.unref()
  }

  return {
    wake: () => { void tick() },
    hold (until) {
      holdWrites(until).catch(() => { /* this replica holds anyway; the next rate limit stores it */ })
    },
    tick,
    start () {
      if (channel.verify !== undefined) verifyAccess(channel.verify, 1)
      schedule()
      void tick()
    },
    links: () => links,
    async close () {
      closed = true
      clearTimeout(timer)
      clearTimeout(verifyTimer)
      channel.close?.()
      await running
      await refreshing
    }
  }
}
