import { coalesce } from '../delivery/coalesce.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'
import type { OutboxEntry } from '../delivery/types.js'
import { dueHeads, pairKey as key, statsOf } from './outbox-view.js'
import type { EnvironmentState, Store } from './types.js'

/** How many finished entries per channel the memory store keeps for the report. */
const FINISHED_KEPT = 200

/**
 * State kept in this process only (no STATE_DATABASE_URL): one replica, always the leader, lost on
 * restart — the GitHub channel then adopts Vigil's open issues again by their marker.
 */
export function createMemoryStore () {
  const states = new Map<string, EnvironmentState>()
  let entries: OutboxEntry[] = []
  // Indexes over `entries`, so a commit of 10,000 new incidents is linear, not quadratic (a scan
  // per added entry blocked the event loop for over a minute): where each entry sits, and the
  // pending entries of each channel and environment, in seq order.
  let positions = new Map<string, number>()
  const pendingIds = new Map<string, Set<string>>()
  const memory = new Map<string, unknown>()
  const holds = new Map<string, string>()
  let seq = 0
  let lease: { holder: string, expiresAt: number, lastCycleAt: string } | undefined

  const prune = (): void => {
    const finished = entries.filter((e) => e.state !== 'pending')
    if (finished.length <= FINISHED_KEPT) return
    const keep = new Set(finished.slice(-FINISHED_KEPT).map((e) => e.id))
    entries = entries.filter((e) => e.state === 'pending' || keep.has(e.id))
    positions = new Map(entries.map((e, index) => [e.id, index]))
  }
  const pendingOf = (channel: string, environment: string): OutboxEntry[] =>
    [...pendingIds.get(key(channel, environment)) ?? []].map((id) => entries[positions.get(id)!]!)
  /** Replaces the entry at its place; one that stops being pending leaves the pending index. */
  const replace = (updated: OutboxEntry): void => {
    entries[positions.get(updated.id)!] = updated
    if (updated.state === 'pending') return
    const ids = pendingIds.get(key(updated.channel, updated.environment))
    ids?.delete(updated.id)
    if (ids?.size === 0) pendingIds.delete(key(updated.channel, updated.environment))
  }
  const append = (entry: OutboxEntry): void => {
    positions.set(entry.id, entries.length)
    entries.push(entry)
    const k = key(entry.channel, entry.environment)
    const ids = pendingIds.get(k) ?? new Set<string>()
    pendingIds.set(k, ids.add(entry.id))
  }

  return {
    // Copies, as a database would hand out, a slice at a time (src/slices.ts): 10,000 environments
    // are one cycle's worth, and the event loop runs between slices.
    async loadStates () {
      const copy = new Map<string, EnvironmentState>()
      await forEachInSlices([...states.values()], DEFAULT_SLICE_SIZE, (state) => { copy.set(state.environment, structuredClone(state)) })
      return copy
    },
    async commit (next, added, droppedAt) {
      const copies: EnvironmentState[] = []
      await forEachInSlices(next, DEFAULT_SLICE_SIZE, (state) => { copies.push(structuredClone(state)) })
      for (const state of copies) states.set(state.environment, state)
      // Entries are copied and applied a slice at a time: a mass outage's 20,000 held the event loop
      // for over 100 ms in one go. A reader between slices (delivery, the report) sees the start of
      // the commit; at worst an event of this commit finds an earlier one of it already being sent,
      // and is then sent after it rather than coalesced with it, as if a cycle apart.
      const dropped: OutboxEntry[] = []
      await forEachInSlices(added, DEFAULT_SLICE_SIZE, (given) => {
        const entry = structuredClone(given)
        const plan = coalesce(pendingOf(entry.channel, entry.environment), entry)
        for (const { id, reason } of plan.drop) {
          const updated: OutboxEntry = { ...entries[positions.get(id)!]!, state: 'dropped', lastError: reason, finishedAt: droppedAt }
          replace(updated)
          dropped.push(updated)
        }
        if (plan.insert !== null) append({ ...plan.insert, seq: ++seq, attempts: 0, state: 'pending', lastError: null, finishedAt: null })
      })
      prune()
      return dropped
    },
    dueEntries: async (channel: string, now: Date, limit?: number) => dueHeads(entries.filter((e) => e.channel === channel), now, limit),
    async updateEntry (update) {
      const index = positions.get(update.id)
      if (index !== undefined) replace({ ...entries[index]!, ...update })
    },
    outboxStats: async (channel) => statsOf(entries.filter((e) => e.channel === channel)),
    pendingEnvironments: async () => new Set(entries.filter((e) => e.state === 'pending').map((e) => e.environment)),
    getChannelMemory: async (channel, environment) => structuredClone(memory.get(key(channel, environment))),
    async setChannelMemory (channel, environment, value) {
      if (value === undefined || value === null) memory.delete(key(channel, environment))
      else memory.set(key(channel, environment), structuredClone(value))
    },
    listChannelMemory: async (channel) => {
      const prefix = key(channel, '')
      return new Map([...memory]
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), structuredClone(v)]))
    },
    getHold: async (channel) => holds.get(channel) ?? null,
    async setHold (channel, until) {
      // Never shortened, as in PostgreSQL.
      const held = holds.get(channel)
      if (held === undefined || Date.parse(held) < Date.parse(until)) holds.set(channel, until)
    },
    async acquireLease (_name, holder, ttlMs, staleAfterMs) {
      const now = Date.now()
      const free = lease === undefined || lease.holder === holder || lease.expiresAt < now || Date.parse(lease.lastCycleAt) < now - staleAfterMs
      if (free) lease = { holder, expiresAt: now + ttlMs, lastCycleAt: lease?.holder === holder ? lease.lastCycleAt : new Date(now).toISOString() }
      return { held: lease!.holder === holder, holder: lease!.holder, lastCycleAt: lease!.lastCycleAt }
    },
    async recordCycle (_name, holder) {
      if (lease?.holder === holder) lease = { ...lease, lastCycleAt: new Date().toISOString() }
    },
    async releaseLease (_name, holder) {
      if (lease?.holder === holder) lease = undefined
    },
    close: async () => {}
  } satisfies Store
}
