import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { CycleLeadership, LeadershipRole } from '../monitor/types.js'
import type { LeaseView, Store } from './types.js'

/** Name of the lease row of the monitor's leader. */
export const LEADER_LEASE = 'monitor-leader'
/** Longest wait for the lease release at shutdown. */
const RELEASE_BOUND_MS = 2_000

export interface LeadershipOptions {
  readonly store: Store
  /** Lease length; renewed every third of it (more often when `staleAfterMs` is short). */
  readonly ttlMs: number
  /** A holder that has finished no cycle for this long loses the lease (two monitor intervals and the longest cycle); `setStaleAfter` changes it. */
  readonly staleAfterMs: number
  /** This replica's name in the lease; host, pid and a random part by default. */
  readonly holder?: string
  /** Told after every exchange with the store: the `state` component's probe. */
  readonly onStoreResult?: (result: { ok: boolean, latencyMs: number, error?: unknown }) => void
  /** Told when this replica becomes or stops being the leader. */
  readonly onRoleChange?: (role: LeadershipRole) => void
}

export interface Leadership extends CycleLeadership {
  /** Tries to take or renew the lease now; resolves with the role that follows. */
  refresh: () => Promise<LeadershipRole>
  /** Starts renewing in the background (first try at once). */
  start: () => void
  /** A new limit for `staleAfterMs` (ms), from the next renewal on: the targets changed, and with them the longest a cycle can take. */
  setStaleAfter: (ms: number) => void
  readonly holder: string
}

/**
 * Leadership through a lease row with an expiry (state/pg-store.ts), renewed in the background.
 * It needs no session to stay alive: a replica cut off from the database stops believing it leads
 * once its own copy of the lease runs out (measured on the monotonic clock from before the
 * request), and the row expires by itself for the others, so nothing waits for TCP keepalive.
 */
export function createLeadership (options: LeadershipOptions): Leadership {
  const { store, ttlMs } = options
  let staleAfterMs = options.staleAfterMs
  const holder = options.holder ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  // Believe the lease a little less long than it runs, for clock drift and the request's own time.
  const trustMs = ttlMs * 0.8
  // A third of the lease, and often enough that a follower's view of the leader's last cycle is
  // never older than half an interval: otherwise, with intervals shorter than the lease, a healthy
  // leader would look stale to its followers between two renewals.
  const renewEvery = (): number => Math.max(50, Math.min(ttlMs / 3, staleAfterMs / 4))
  let view: LeaseView | undefined
  let viewAt = -Infinity
  let heldUntil = -Infinity
  let lastRole: LeadershipRole = 'unknown'
  let timer: NodeJS.Timeout | undefined
  let closed = false
  let inFlight: Promise<LeadershipRole> | undefined

  const role = (): LeadershipRole => {
    const now = performance.now()
    if (now < heldUntil) return 'leader'
    if (view !== undefined && !view.held && now < viewAt + trustMs) return 'follower'
    return 'unknown'
  }

  const noteRole = (): LeadershipRole => {
    const current = role()
    if (current !== lastRole) {
      lastRole = current
      options.onRoleChange?.(current)
    }
    return current
  }

  const tryOnce = async (): Promise<LeadershipRole> => {
    const sentAt = performance.now()
    try {
      const seen = await store.acquireLease(LEADER_LEASE, holder, ttlMs, staleAfterMs)
      view = seen
      viewAt = sentAt
      heldUntil = seen.held ? sentAt + trustMs : -Infinity
      options.onStoreResult?.({ ok: true, latencyMs: performance.now() - sentAt })
    } catch (error) {
      options.onStoreResult?.({ ok: false, latencyMs: performance.now() - sentAt, error })
    }
    return noteRole()
  }

  const refresh = async (): Promise<LeadershipRole> => {
    inFlight ??= tryOnce().finally(() => { inFlight = undefined })
    return await inFlight
  }

  const schedule = (): void => {
    if (closed) return
    timer = setTimeout(() => { refresh().finally(schedule).catch(() => {}) }, renewEvery())
    timer.unref()
  }

  return {
    holder,
    role: () => noteRole(),
    leader: () => ({ holder: view?.holder ?? null, lastCycleAt: view?.lastCycleAt ?? null }),
    cycleFinished () {
      if (role() !== 'leader') return
      store.recordCycle(LEADER_LEASE, holder).catch(() => { /* seen by the next renewal */ })
    },
    refresh,
    setStaleAfter (ms) { staleAfterMs = ms },
    confirm: async () => await refresh() === 'leader',
    start () {
      refresh().finally(schedule).catch(() => {})
    },
    async close () {
      closed = true
      clearTimeout(timer)
      if (performance.now() < heldUntil) {
        heldUntil = -Infinity
        // Handing over at once rather than after the lease runs out; best effort, and bounded so
        // that a hanging state database never holds up shutdown.
        const bound = new Promise<void>((resolve) => { setTimeout(resolve, RELEASE_BOUND_MS).unref() })
        await Promise.race([store.releaseLease(LEADER_LEASE, holder).catch(() => {}), bound])
      }
    }
  }
}
