import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'
import { historyEntry, type HistoryEntry, type ResultHistory } from './history.js'

/**
 * This replica's results in memory: a ring of at most `capacity` entries per environment (see
 * memoryCapacity), lost on restart. Every replica records its own results whatever its role.
 */
export function createMemoryHistory (capacity: number): ResultHistory {
  const rings = new Map<string, HistoryEntry[]>()
  const keep = (result: Parameters<typeof historyEntry>[0]): void => {
    let ring = rings.get(result.environment)
    if (ring === undefined) rings.set(result.environment, ring = [])
    ring.push(historyEntry(result))
    // Results arrive in order, one per environment per cycle: dropping from the front keeps it sorted.
    if (ring.length > capacity) ring.splice(0, ring.length - capacity)
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
      const found = new Map<string, HistoryEntry[]>()
      for (const [environment, ring] of rings) {
        const kept = ring.filter((entry) => entry.checkedAt.getTime() >= since.getTime())
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
