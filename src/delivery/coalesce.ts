import { sameFailures } from './snapshot.js'
import type { NewOutboxEntry, OutboxEntry } from './types.js'

/** What to do with one channel's pending entries for an environment when a new event arrives. */
export interface CoalescePlan {
  /** Pending entries to mark `dropped`, with the reason shown in the report. */
  readonly drop: ReadonlyArray<{ readonly id: string, readonly reason: string }>
  /** The entry to append (possibly merged), or null when the event cancels what was pending. */
  readonly insert: NewOutboxEntry | null
}

const isUpdate = (entry: OutboxEntry): boolean => entry.event.kind === 'changed' || entry.event.kind === 'reminder'
// Only entries never tried may vanish: a tried one may have reached the receiver.
const untried = (entry: OutboxEntry): boolean => entry.state === 'pending' && entry.attempts === 0

/**
 * The coalescing rules, pure (both stores apply them inside their write):
 * - an update (`changed`, `reminder`) replaces the untried updates of the same incident, keeping
 *   the oldest "before" so the comment still says what changed since people were last told;
 * - a `resolved` or `retired` whose incident was never tried (its `opened` untried) cancels the
 *   whole incident: nothing was ever sent, so nothing is sent now (it stays visible as dropped);
 *   otherwise it drops the incident's untried updates (the recovery says the latest).
 * Entries are only dropped or appended, so the order of what remains never changes.
 */
export function coalesce (pending: readonly OutboxEntry[], incoming: NewOutboxEntry): CoalescePlan {
  const kind = incoming.event.kind
  const sameIncident = pending.filter((e) => e.state === 'pending' && e.event.incidentId === incoming.event.incidentId)
  if (kind === 'changed' || kind === 'reminder') {
    const replaced = sameIncident.filter((e) => untried(e) && isUpdate(e))
    if (replaced.length === 0) return { drop: [], insert: incoming }
    const firstChange = replaced.find((e) => e.event.kind === 'changed')
    const merged: NewOutboxEntry = firstChange === undefined
      ? incoming
      : { ...incoming, event: { ...incoming.event, kind: 'changed', previousFailures: firstChange.event.previousFailures ?? [] } }
    const drop = replaced.map((e) => ({ id: e.id, reason: 'superseded by a later update before it was sent' }))
    // Changed and changed back before anyone was told: there is nothing to say.
    if (merged.event.kind === 'changed' && (merged.event.flaps ?? 0) === 0 && sameFailures(merged.event.previousFailures ?? [], merged.event.result?.failures ?? [])) {
      return { drop: drop.map((d) => ({ ...d, reason: 'changed back before it was sent' })), insert: null }
    }
    return { drop, insert: merged }
  }
  if (kind === 'resolved' || kind === 'retired') {
    const opened = sameIncident.find((e) => e.event.kind === 'opened')
    if (opened !== undefined && untried(opened)) {
      const reason = kind === 'resolved' ? 'the incident resolved before it was sent' : 'the environment was removed before it was sent'
      return { drop: sameIncident.filter(untried).map((e) => ({ id: e.id, reason })), insert: null }
    }
    return { drop: sameIncident.filter((e) => untried(e) && isUpdate(e)).map((e) => ({ id: e.id, reason: 'superseded by the recovery before it was sent' })), insert: incoming }
  }
  return { drop: [], insert: incoming }
}

/** Most environments a dropped-events log line names; the others are counted. */
export const DROPPED_NAMED = 10

/** The one log line for the entries one commit dropped (a burst): its fields and message. */
export interface DroppedSummary {
  readonly fields: {
    readonly dropped: number
    /** Entries dropped per reason (the reason as the report shows it). */
    readonly reasons: Readonly<Record<string, number>>
    /** Entries dropped per channel. */
    readonly channels: Readonly<Record<string, number>>
    /** The first DROPPED_NAMED environments, each once, in the order dropped. */
    readonly environments: readonly string[]
    /** How many more environments had events dropped. */
    readonly more_environments: number
  }
  readonly message: string
}

/**
 * One log line for a burst of dropped entries (what one commit dropped), with counts by reason
 * and channel and the first environments named, instead of a line per entry: an outage of 10,000
 * environments over before GitHub answered drops thousands at once. Undefined when none was
 * dropped. The metric (`vigil_incident_deliveries_total{result="dropped"}`) still counts each.
 */
export function droppedSummary (dropped: ReadonlyArray<Pick<OutboxEntry, 'environment' | 'channel' | 'lastError'>>): DroppedSummary | undefined {
  if (dropped.length === 0) return undefined
  const reasons: Record<string, number> = {}
  const channels: Record<string, number> = {}
  const environments = new Set<string>()
  for (const entry of dropped) {
    const reason = entry.lastError ?? 'unknown reason'
    reasons[reason] = (reasons[reason] ?? 0) + 1
    channels[entry.channel] = (channels[entry.channel] ?? 0) + 1
    environments.add(entry.environment)
  }
  const named = [...environments].slice(0, DROPPED_NAMED)
  const count = dropped.length
  return {
    fields: { dropped: count, reasons, channels, environments: named, more_environments: environments.size - named.length },
    message: `${count} incident event${count === 1 ? '' : 's'} dropped before delivery`
  }
}
