import type { Status } from '../health/status.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'
import { historyEntry, type HistoryEntry, type ResultHistory } from './history.js'

const STATUSES: readonly Status[] = ['healthy', 'degraded', 'unhealthy']
const STATUS_CODE: Readonly<Record<Status, number>> = { healthy: 0, degraded: 1, unhealthy: 2 }
// Nulls in the integer columns: no response time or HTTP status is negative; TLS days left can be.
const NO_NUMBER = -1
const NO_TLS_DAYS = -2_147_483_648
/** Slots a ring starts with; it doubles as results arrive, up to its capacity. */
const FIRST_SIZE = 2
const TWO_32 = 2 ** 32

/*
 * One environment's results in one Int32Array: two header words (the oldest slot, how many are
 * kept) and then WORDS per result, oldest at `start`: the check time in ms as its high and low 32
 * bits, the status with the HTTP status (status + 4 × (HTTP status + 1)), the response time and the
 * TLS days left. 20 bytes a result instead of an object and a Date (~130 bytes); and one array per
 * environment, not five: at 10,000 environments a typed array's own objects (~200 bytes with its
 * ArrayBuffer) cost more than a young ring's results. A ring of FIRST_SIZE slots (48 bytes) sits in
 * V8's heap, with no separate backing store.
 */
type Ring = Int32Array
const START = 0
const LENGTH = 1
const HEADER = 2
const WORDS = 5

const newRing = (size: number): Ring => new Int32Array(HEADER + size * WORDS)
const slotsOf = (ring: Ring): number => (ring.length - HEADER) / WORDS

/** The same results in a ring of `size` slots (larger), oldest first at slot 0. */
function grown (ring: Ring, size: number): Ring {
  const next = newRing(size)
  const slots = slotsOf(ring)
  const length = ring[LENGTH]!
  for (let i = 0; i < length; i++) {
    const from = HEADER + ((ring[START]! + i) % slots) * WORDS
    next.set(ring.subarray(from, from + WORDS), HEADER + i * WORDS)
  }
  next[LENGTH] = length
  return next
}

/** Writes `entry` into the slot at word `at`. */
function write (ring: Ring, at: number, entry: HistoryEntry): void {
  const ms = entry.checkedAt.getTime()
  const high = Math.floor(ms / TWO_32)
  ring[at] = high
  ring[at + 1] = ms - high * TWO_32 // stored as int32, read back with >>> 0
  ring[at + 2] = STATUS_CODE[entry.status] + 4 * ((entry.httpStatus ?? NO_NUMBER) + 1)
  ring[at + 3] = entry.responseTimeMs ?? NO_NUMBER
  ring[at + 4] = entry.tlsDaysLeft ?? NO_TLS_DAYS
}

/** The check time (ms) of the slot at word `at`. */
const checkedAtOf = (ring: Ring, at: number): number => ring[at]! * TWO_32 + (ring[at + 1]! >>> 0)

/** The entry in the slot at word `at`. */
function read (ring: Ring, at: number, environment: string): HistoryEntry {
  const packed = ring[at + 2]!
  const httpStatus = Math.floor(packed / 4) - 1
  const responseTimeMs = ring[at + 3]!
  const tlsDaysLeft = ring[at + 4]!
  return {
    environment,
    checkedAt: new Date(checkedAtOf(ring, at)),
    status: STATUSES[packed & 3]!,
    responseTimeMs: responseTimeMs === NO_NUMBER ? null : responseTimeMs,
    httpStatus: httpStatus === NO_NUMBER ? null : httpStatus,
    tlsDaysLeft: tlsDaysLeft === NO_TLS_DAYS ? null : tlsDaysLeft
  }
}

/**
 * Results the memory history keeps in all environments together: 1,000,000 × 20 bytes ≈ 20 MB. With
 * 10,000 environments at a 15-minute interval, 30 days would be 2,880 results each (550 MB); the
 * budget keeps 100 each (a day) instead. STATE_DATABASE_URL keeps the whole retention.
 */
export const MEMORY_HISTORY_BUDGET = 1_000_000

/** Results `read` turns into entries between two turns of the event loop (about 1–2 ms of work). */
const READ_SLICE_ENTRIES = 5_000

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
    if (ring[LENGTH] === slotsOf(ring) && slotsOf(ring) < limit) {
      ring = grown(ring, Math.min(limit, slotsOf(ring) * 2))
      rings.set(result.environment, ring)
    }
    const size = slotsOf(ring)
    // Results arrive in order, one per environment per cycle: a full ring (or one past its share)
    // drops its oldest.
    while (ring[LENGTH]! >= Math.min(size, limit)) {
      ring[START] = (ring[START]! + 1) % size
      ring[LENGTH]! -= 1
    }
    write(ring, HEADER + ((ring[START]! + ring[LENGTH]!) % size) * WORDS, historyEntry(result))
    ring[LENGTH]! += 1
  }
  // A cycle's results are kept a slice at a time (src/slices.ts), one cycle after the other, so
  // 10,000 environments never hold the event loop; `read` waits for what is under way.
  let recording: Promise<void> = Promise.resolve()
  return {
    kind: 'memory',
    record (results) {
      recording = recording.then(async () => { await forEachInSlices(results, DEFAULT_SLICE_SIZE, keep) })
    },
    async read (since, environments) {
      await recording
      const from = since.getTime()
      const names = environments ?? [...rings.keys()]
      // A slice holds about READ_SLICE_ENTRIES results, whatever the rings' lengths.
      let longest = 1
      for (const name of names) longest = Math.max(longest, rings.get(name)?.[LENGTH] ?? 0)
      const found = new Map<string, HistoryEntry[]>()
      await forEachInSlices(names, Math.max(1, Math.floor(READ_SLICE_ENTRIES / longest)), (environment) => {
        const ring = rings.get(environment)
        if (ring === undefined || found.has(environment)) return
        const size = slotsOf(ring)
        const kept: HistoryEntry[] = []
        for (let i = 0; i < ring[LENGTH]!; i++) {
          const at = HEADER + ((ring[START]! + i) % size) * WORDS
          if (checkedAtOf(ring, at) >= from) kept.push(read(ring, at, environment))
        }
        if (kept.length > 0) found.set(environment, kept)
      })
      return found
    },
    async latest (since, environments) {
      await recording
      const from = since.getTime()
      const found = new Map<string, HistoryEntry>()
      await forEachInSlices(environments, DEFAULT_SLICE_SIZE, (environment) => {
        const ring = rings.get(environment)
        if (ring === undefined || ring[LENGTH] === 0) return
        const at = HEADER + ((ring[START]! + ring[LENGTH]! - 1) % slotsOf(ring)) * WORDS
        if (checkedAtOf(ring, at) >= from) found.set(environment, read(ring, at, environment))
      })
      return found
    },
    async close () {
      await recording
      rings.clear()
    }
  }
}
