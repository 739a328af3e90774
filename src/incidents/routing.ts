import type { MinStatus } from '../config/channel-settings.js'
import type { IncidentEvent } from '../delivery/types.js'
import type { Status } from '../health/status.js'

/** One channel an environment's incidents go to, and the least status it is told of. */
export interface ChannelRoute {
  readonly channel: string
  readonly minStatus: MinStatus
}

const RANK: Record<Status, number> = { healthy: 0, degraded: 1, unhealthy: 2 }
const reaches = (status: Status | null | undefined, min: MinStatus): boolean => status != null && RANK[status] >= RANK[min]

/**
 * What one channel is told of an event, pure (docs/architecture.md, "Routing"): `peak` is the worst
 * status the incident had reached before this event (null for an opening). A channel is told of an
 * incident once its status reaches the channel's `minStatus`: the `opened` when it opens that bad,
 * otherwise the first `changed` that gets there, delivered as its `opened` (with an id of its own
 * from `openedId`, so a receiver that de-duplicates by event id never mistakes it for the change). Its
 * updates and its end (`resolved`, `retired`) go only to channels that were told of the opening.
 * Null: nothing for this channel.
 */
export function routeEvent (event: IncidentEvent, peak: Status | null, minStatus: MinStatus, openedId: () => string): IncidentEvent | null {
  const told = reaches(peak, minStatus)
  const status = event.result?.status
  switch (event.kind) {
    case 'opened':
      return reaches(status, minStatus) ? event : null
    case 'changed':
      if (told) return event
      if (!reaches(status, minStatus)) return null
      return { id: openedId(), kind: 'opened', environment: event.environment, incidentId: event.incidentId, decidedAt: event.decidedAt, outageSince: event.outageSince, result: event.result, ...(event.flaps === undefined ? {} : { flaps: event.flaps }) }
    default:
      return told ? event : null
  }
}

/** The status that opens an incident for an environment: the least `minStatus` among its routes. */
export function openingStatus (routes: readonly ChannelRoute[]): MinStatus {
  return routes.some((r) => r.minStatus === 'degraded') ? 'degraded' : 'unhealthy'
}
