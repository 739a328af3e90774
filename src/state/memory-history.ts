import { historyEntry, type HistoryEntry, type ResultHistory } from './history.js'

/**
 * This replica's results in memory: a ring of at most `capacity` entries per environment (see
 * memoryCapacity), lost on restart. Every replica records its own results whatever its role.
 */
export function createMemoryHistory (capacity: number): ResultHistory {
  const rings = new Map<string, HistoryEntry[]>()
  return {
    kind: 'memory',
    record (results) {
      for (const result of results) {
        let ring = rings.get(result.environment)
        if (ring === undefined) rings.set(result.environment, ring = [])
        ring.push(historyEntry(result))
        // Results arrive in order, one per environment per cycle: dropping from the front keeps it sorted.
        if (ring.length > capacity) ring.splice(0, ring.length - capacity)
      }
    },
    async read (since) {
      const found = new Map<string, HistoryEntry[]>()
      for (const [environment, ring] of rings) {
        const kept = ring.filter((entry) => entry.checkedAt.getTime() >= since.getTime())
        if (kept.length > 0) found.set(environment, kept)
      }
      return found
    },
    async close () { rings.clear() }
  }
}
