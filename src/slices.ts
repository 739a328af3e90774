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

/**
 * `items` cut into consecutive arrays of at most `sliceSize` (the last may be shorter; none when
 * `items` is empty). For work that yields between slices by itself, such as one database statement
 * per slice: the driver serialises a statement's parameters in one go.
 */
export function slicesOf<T> (items: readonly T[], sliceSize: number = DEFAULT_SLICE_SIZE): T[][] {
  const size = Math.max(1, sliceSize)
  const slices: T[][] = []
  for (let start = 0; start < items.length; start += size) slices.push(items.slice(start, start + size))
  return slices
}

/** Parts encoded per slice by joinInSlices by default: 2,000 exposition lines are about 120 KB. */
export const JOIN_SLICE_SIZE = 2000

/**
 * `[...parts].join(separator)` as UTF-8 bytes, built `sliceSize` parts at a time with a turn of the
 * event loop between slices: joining and encoding a multi-megabyte body (/metrics, /health/detailed
 * at 10,000 environments) in one go held the loop for tens of milliseconds. `parts` is any iterable,
 * read once and lazily (a generator writes each line only when its slice comes). The result is one
 * Buffer, so the answer keeps its Content-Length.
 */
export async function joinInSlices (parts: Iterable<string>, separator: string, sliceSize = JOIN_SLICE_SIZE): Promise<Buffer> {
  const size = Math.max(1, sliceSize)
  const chunks: Buffer[] = []
  let slice: string[] = []
  const flush = (): void => {
    const text = slice.join(separator)
    chunks.push(Buffer.from(chunks.length === 0 ? text : separator + text))
    slice = []
  }
  for (const part of parts) {
    slice.push(part)
    if (slice.length === size) {
      flush()
      await yieldToEventLoop()
    }
  }
  if (slice.length > 0) flush()
  return Buffer.concat(chunks)
}
