import type { CycleLock, CycleSink } from './types.js'

/** A sink for when no incident side is wired in: results are shown, nothing is filed. */
export function createNoopSink (): CycleSink {
  return {
    handle: async () => ({}),
    close: async () => {}
  }
}

/** A lock for a single replica: every cycle runs here. */
export function createLocalLock (): CycleLock {
  return {
    runExclusive: async (fn) => ({ ran: true, value: await fn() }),
    close: async () => {}
  }
}
