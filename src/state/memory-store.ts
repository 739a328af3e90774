import { coalesce } from '../delivery/coalesce.js'
import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'
import type { OutboxEntry } from '../delivery/types.js'
import { dueHeads, statsOf } from './outbox-view.js'
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
  const memory = new Map<string, unknown>()
  const holds = new Map<string, string>()
  let seq = 0
  let lease: { holder: string, expiresAt: number, lastCycleAt: string } | undefined
  const key = (channel: string, environment: string): string => `${channel}\u0000${environment}`

  const prune = (): void => {
    const finished = entries.filter((e) => e.state !== 'pending')
    if (finished.length <= FINISHED_KEPT) return
    const keep = new Set(finished.slice(-FINISHED_KEPT).map((e) => e.id))
    entries = entries.filter((e) => e.state === 'pending' || keep.has(e.id))
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
      // Applied at once after the copies, so a commit is still seen whole or not at all.
      for (const state of copies) states.set(state.environment, state)
      const dropped: OutboxEntry[] = []
      for (const entry of added) {
        const same = entries.filter((e) => e.channel === entry.channel && e.environment === entry.environment && e.state === 'pending')
        const plan = coalesce(same, entry)
        for (const { id, reason } of plan.drop) {
          const index = entries.findIndex((e) => e.id === id)
          const updated: OutboxEntry = { ...entries[index]!, state: 'dropped', lastError: reason, finishedAt: droppedAt }
          entries[index] = updated
          dropped.push(updated)
        }
        if (plan.insert !== null) entries.push({ ...structuredClone(plan.insert), seq: ++seq, attempts: 0, state: 'pending', lastError: null, finishedAt: null })
      }
      prune()
      return dropped
    },
    dueEntries: async (channel, now) => dueHeads(entries.filter((e) => e.channel === channel), now),
    async updateEntry (update) {
      const index = entries.findIndex((e) => e.id === update.id)
      if (index >= 0) entries[index] = { ...entries[index]!, ...update }
    },
    outboxStats: async (channel) => statsOf(entries.filter((e) => e.channel === channel)),
    pendingEnvironments: async () => new Set(entries.filter((e) => e.state === 'pending').map((e) => e.environment)),
    getChannelMemory: async (channel, environment) => structuredClone(memory.get(key(channel, environment))),
    async setChannelMemory (channel, environment, value) {
      if (value === undefined || value === null) memory.delete(key(channel, environment))
      else memory.set(key(channel, environment), structuredClone(value))
    },
    listChannelMemory: async (channel) => new Map([...memory]
      .filter(([k]) => k.startsWith(`${channel}\u0000`))
      .map(([k, v]) => [k.slice(channel.length + 1), structuredClone(v)])),
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
