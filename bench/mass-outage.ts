import { monitorEventLoopDelay } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import type { NewOutboxEntry } from '../src/delivery/types.js'
import { createMemoryStore } from '../src/state/memory-store.js'
import { createPgStore } from '../src/state/pg-store.js'
import type { EnvironmentState, Store } from '../src/state/types.js'
import { createTestDatabase } from '../test/support/pg-database.js'

// A mass outage without a state database: every environment opens an incident on every channel in
// one cycle, then all resolve in the next. Before the memory store indexed its outbox, each added
// entry scanned the whole outbox: 20,000 entries took 74 s (opened) and 111 s (resolved) with the
// event loop blocked throughout. The same with a state database (TEST_POSTGRES_URL, default the local
// `test` database; a scratch database is created and dropped): a statement per entry took 15.7 s
// and 19.7 s. Override the size with BENCH_OUTAGE_SIZE.
const SIZE = Number(process.env.BENCH_OUTAGE_SIZE ?? 10_000)
const CHANNELS = ['github', 'slack']
const AT = '2026-12-01T00:00:00.000Z'

function entries (kind: 'opened' | 'resolved'): NewOutboxEntry[] {
  const out: NewOutboxEntry[] = []
  for (let i = 0; i < SIZE; i++) {
    const environment = `env-${i}`
    for (const channel of CHANNELS) {
      out.push({
        id: `${channel}-${kind}-${i}`, channel, environment, createdAt: AT, notBefore: AT,
        event: { id: `${kind}-${i}`, kind, environment, incidentId: `${environment}@${AT}`, decidedAt: AT, outageSince: AT, result: null }
      })
    }
  }
  return out
}

/** Wall time (ms) and the longest event-loop block (ms) of one commit. */
async function timed (run: () => Promise<unknown>): Promise<{ ms: number, blockMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  const started = performance.now()
  await run()
  const ms = performance.now() - started
  await new Promise((resolve) => setImmediate(resolve))
  delay.disable()
  return { ms, blockMs: delay.max / 1e6 }
}

function states (status: 'unhealthy' | 'healthy'): EnvironmentState[] {
  return Array.from({ length: SIZE }, (_, i) => ({
    environment: `env-${i}`, status, since: AT, outageSince: status === 'healthy' ? null : AT, lastFailures: status === 'healthy' ? [] : ['HTTP 502 from /health'],
    lastNotifiedAt: AT, lastChangedAt: AT, failureStreak: status === 'healthy' ? 0 : 3, successStreak: status === 'healthy' ? 3 : 0, flaps: 0, peakStatus: status === 'healthy' ? null : 'unhealthy'
  }))
}

/**
 * Commits a `SIZE`-environment outage on two channels (states and outbox entries: opened, then
 * resolved, which coalesces away every untried opening) to the memory store and to a PostgreSQL
 * store, and prints the wall time and the longest event-loop block of each commit. Bar: each block ≤ 10 ms would be ideal; the figure to watch is the growth
 * with SIZE (linear, not quadratic).
 */
export async function benchMassOutage (): Promise<Array<{ store: string, kind: string, ms: number, blockMs: number }>> {
  const figures = []
  const teardowns: Array<() => Promise<void>> = []
  try {
    const stores: Array<[string, () => Promise<Store>]> = [
      ['memory store', async () => createMemoryStore()],
      ['PostgreSQL store', async () => {
        const store = await createPgStore({ connectionString: await createTestDatabase({ teardown: (fn) => { teardowns.push(fn) } }) })
        teardowns.unshift(async () => { await store.close() })
        return store
      }]
    ]
    for (const [name, make] of stores) {
      const store = await make()
      for (const kind of ['opened', 'resolved'] as const) {
        const added = entries(kind)
        const next = states(kind === 'opened' ? 'unhealthy' : 'healthy')
        const figure = await timed(async () => await store.commit(next, added, AT))
        figures.push({ store: name, kind, ...figure })
        console.log(`  ${name}, ${SIZE} environments × ${CHANNELS.length} channels ${kind}: commit ${figure.ms.toFixed(0)} ms, longest event-loop block ${figure.blockMs.toFixed(1)} ms`)
      }
    }
  } finally {
    for (const teardown of teardowns) await teardown()
  }
  return figures
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchMassOutage()
