import type { OutboxEntry } from '../delivery/types.js'
import type { OutboxStats } from './types.js'

/** The key of one channel and environment pair in the stores' maps (a NUL cannot occur in either name). */
export const pairKey = (channel: string, environment: string): string => `${channel}\u0000${environment}`

/** Of one channel's entries (any order): the head pending entry of each environment that is due, by seq; the first `limit` when given. */
export function dueHeads (entries: readonly OutboxEntry[], now: Date, limit?: number): OutboxEntry[] {
  const heads = new Map<string, OutboxEntry>()
  for (const entry of entries) {
    if (entry.state !== 'pending') continue
    const head = heads.get(entry.environment)
    if (head === undefined || entry.seq < head.seq) heads.set(entry.environment, entry)
  }
  const due = [...heads.values()].filter((e) => Date.parse(e.notBefore) <= now.getTime()).sort((a, b) => a.seq - b.seq)
  return limit === undefined ? due : due.slice(0, limit)
}

/** Delivery figures of one channel's entries. */
export function statsOf (entries: readonly OutboxEntry[]): OutboxStats {
  const pending = entries.filter((e) => e.state === 'pending')
  const finished = (state: OutboxEntry['state']): OutboxEntry[] => entries
    .filter((e) => e.state === state && e.finishedAt !== null)
    .sort((a, b) => Date.parse(b.finishedAt!) - Date.parse(a.finishedAt!) || b.seq - a.seq)
  return {
    pending: pending.length,
    oldestPendingAt: pending.reduce<string | null>((oldest, e) => (oldest === null || e.createdAt < oldest ? e.createdAt : oldest), null),
    recentFailures: finished('failed').slice(0, 10),
    recentDropped: finished('dropped').slice(0, 10),
    lastDeliveredAt: Object.fromEntries([...finished('delivered')].reverse().map((e) => [e.environment, e.finishedAt!])),
    lastDelivered: finished('delivered')[0] ?? null
  }
}
