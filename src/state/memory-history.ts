import type { Status } from '../health/status.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'
import { historyEntry, type HistoryEntry, type ResultHistory } from './history.js'

const STATUSES: readonly Status[] = ['healthy', 'degraded', 'unhealthy']
const STATUS_CODE: Readonly<Record<Status, number>> = { healthy: 0, degraded: 1, unhealthy: 2 }
// Nulls in the integer columns: no response time or HTTP status is negative; TLS days left can be.
const NO_NUMBER = -1
const NO_TLS_DAYS = -2_147_483_648
/** Slots a ring starts with; it doubles as results arrive, up to its capacity. */
const FIRST_SIZE = 8

/**
 * One environment's results as columns, oldest at `start`: 19 bytes a result instead of an object
 * and a Date (~130 bytes), which matters at 10,000 environments × thousands of results.
 */
interface Ring {
  start: number
  length: number
  checkedAt: Float64Array
  status: Uint8Array
  responseTimeMs: Int32Array
  httpStatus: Int16Array
  tlsDaysLeft: Int32Array
}

function newRing (size: number): Ring {
  return {
    start: 0,
    length: 0,
    checkedAt: new Float64Array(size),
    status: new Uint8Array(size),
    responseTimeMs: new Int32Array(size),
    httpStatus: new Int16Array(size),
    tlsDaysLeft: new Int32Array(size)
  }
}

/** The same results in a ring of `size` slots (larger), oldest first at slot 0. */
function grown (ring: Ring, size: number): Ring {
  const next = newRing(size)
  const slots = ring.checkedAt.length
  for (let i = 0; i < ring.length; i++) {
    const from = (ring.start + i) % slots
    next.checkedAt[i] = ring.checkedAt[from]!
    next.status[i] = ring.status[from]!
    next.responseTimeMs[i] = ring.responseTimeMs[from]!
    next.httpStatus[i] = ring.httpStatus[from]!
    next.tlsDaysLeft[i] = ring.tlsDaysLeft[from]!
  }
  next.length = ring.length
  return next
}

/**
 * Results the memory history keeps in all environments together: 1,000,000 × 19 bytes ≈ 19 MB. With
 * 10,000 environments at a 15-minute interval, 30 days would be 2,880 results each (550 MB); the
 * budget keeps 100 each (a day) instead. STATE_DATABASE_URL keeps the whole retention.
 */
export const MEMORY_HISTORY_BUDGET = 1_000_000

/**
 * This replica's results in memory: a ring of at most `capacity` results per environment (see
 * memoryCapacity) and at most `budget` results in all (each environment's share: budget ÷ the
 * environments seen), lost on restart. Every replica records its own results whatever its role.
 * Rings start small and double as results arrive, so a young process holds only what it has seen.
 */
export function createMemoryHistory (capacity: number, budget = MEMORY_HISTORY_BUDGET): ResultHistory {
  const rings = new Map<string, Ring>()
  const keep = (result: Parameters<typeof historyEntry>[0]): void => {
    let ring = rings.get(result.environment)
    if (ring === undefined) rings.set(result.environment, ring = newRing(Math.min(capacity, FIRST_SIZE)))
    // Each environment's share of the budget shrinks as environments are added.
    const limit = Math.max(1, Math.min(capacity, Math.floor(budget / rings.size)))
    const slots = ring.checkedAt.length
    if (ring.length === slots && slots < limit) {
      ring = grown(ring, Math.min(limit, slots * 2))
      rings.set(result.environment, ring)
    }
    const entry = historyEntry(result)
    const size = ring.checkedAt.length
    // Results arrive in order, one per environment per cycle: a full ring (or one past its share)
    // drops its oldest.
    while (ring.length >= Math.min(size, limit)) {
      ring.start = (ring.start + 1) % size
      ring.length -= 1
    }
    const slot = (ring.start + ring.length) % size
    ring.length += 1
    ring.checkedAt[slot] = entry.checkedAt.getTime()
    ring.status[slot] = STATUS_CODE[entry.status]
    ring.responseTimeMs[slot] = entry.responseTimeMs ?? NO_NUMBER
    ring.httpStatus[slot] = entry.httpStatus ?? NO_NUMBER
    ring.tlsDaysLeft[slot] = entry.tlsDaysLeft ?? NO_TLS_DAYS
  }
  // A cycle's results are kept a slice at a time (src/slices.ts), one cycle after the other, so
  // 10,000 environments never hold the event loop; `read` waits for what is under way.
  let recording: Promise<void> = Promise.resolve()
  return {
    kind: 'memory',
    record (results) {
      recording = recording.then(async () => { await forEachInSlices(results, DEFAULT_SLICE_SIZE, keep) })
    },
    async read (since) {
      await recording
      const from = since.getTime()
      const found = new Map<string, HistoryEntry[]>()
      for (const [environment, ring] of rings) {
        const size = ring.checkedAt.length
        const kept: HistoryEntry[] = []
        for (let i = 0; i < ring.length; i++) {
          const slot = (ring.start + i) % size
          const at = ring.checkedAt[slot]!
          if (at < from) continue
          const responseTimeMs = ring.responseTimeMs[slot]!
          const httpStatus = ring.httpStatus[slot]!
          const tlsDaysLeft = ring.tlsDaysLeft[slot]!
          kept.push({
            environment,
            checkedAt: new Date(at),
            status: STATUSES[ring.status[slot]!]!,
            responseTimeMs: responseTimeMs === NO_NUMBER ? null : responseTimeMs,
            httpStatus: httpStatus === NO_NUMBER ? null : httpStatus,
            tlsDaysLeft: tlsDaysLeft === NO_TLS_DAYS ? null : tlsDaysLeft
          })
        }
        if (kept.length > 0) found.set(environment, kept)
      }
      return found
    },
    async close () {
      await recording
      rings.clear()
    }
  }
}
