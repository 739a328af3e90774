import type { DeployEvent } from './webhook-payload.js'

/** What the gate says of one delivery. */
export type GateVerdict = 'new' | 'duplicate' | 'stale'

export interface EventGate {
  /** Admits an event once: `duplicate` for a deployment id + type + timestamp seen before, `stale` when older than the newest of its service. */
  admit: (event: DeployEvent) => GateVerdict
}

/** Deliveries remembered for de-duplication, and services for ordering, at most (oldest forgotten first). */
export const DEFAULT_GATE_MEMORY = 1000

/** The service an event is about: environment and service, by id when the payload has one. */
export function serviceKey (event: DeployEvent): string {
  return `${event.environment.id ?? event.environment.name ?? '?'}/${event.service.id ?? event.service.name ?? '?'}`
}

/** Adds `key` as the newest entry of an insertion-ordered map, forgetting the oldest past `max`. */
function remember<V> (map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key)
  map.set(key, value)
  if (map.size > max) map.delete(map.keys().next().value!)
}

/**
 * Railway retries a delivery up to three times and does not order them: each deployment id + type
 * passes once per timestamp (a retry resends the same body; a second crash of one deployment comes
 * later and is news), and an event older than the newest admitted for its service is stale (a crash of a
 * deployment already replaced says nothing about the one serving). Memory is bounded: the oldest
 * entries are forgotten first, so a retry arriving after `max` newer deliveries passes again.
 */
export function createEventGate (max = DEFAULT_GATE_MEMORY): EventGate {
  const seen = new Map<string, true>()
  const newest = new Map<string, number>()
  return {
    admit (event) {
      // Railway resends the same body (same timestamp); a later crash of the same deployment is news.
      const id = `${event.deploymentId}\u0000${event.type}\u0000${event.timeMs}`
      if (seen.has(id)) return 'duplicate'
      const service = serviceKey(event)
      const latest = newest.get(service)
      if (latest !== undefined && event.timeMs < latest) return 'stale'
      remember(seen, id, true, max)
      remember(newest, service, Math.max(latest ?? event.timeMs, event.timeMs), max)
      return 'new'
    }
  }
}
