import { setImmediate as yieldToEventLoop } from 'node:timers/promises'

/** Items handled per slice by default: small enough that a slice of per-environment work stays well under 10 ms. */
export const DEFAULT_SLICE_SIZE = 500

/**
 * Runs `fn` over `items` in order, `sliceSize` at a time, letting the event loop run (a macrotask
 * turn: I/O, timers, `/health`) between slices, so that a pass over 10,000 environments never holds
 * the loop for long. Resolves when every item is done; an error thrown by `fn` rejects and stops.
 */
export async function forEachInSlices<T> (items: readonly T[], sliceSize: number, fn: (item: T, index: number) => void): Promise<void> {
  const size = Math.max(1, sliceSize)
  for (let start = 0; start < items.length; start += size) {
    if (start > 0) await yieldToEventLoop()
    const end = Math.min(items.length, start + size)
    for (let index = start; index < end; index++) fn(items[index]!, index)
  }
}
