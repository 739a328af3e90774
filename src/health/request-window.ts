/** Response-time percentiles (ms) and the share of 5xx answers over the window. */
export interface RequestWindowSummary {
  readonly count: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly errorRatePercent: number
}

export interface RequestWindow {
  /**
   * Records one answer. A 5xx counts as an error unless `designed` says it is the route's
   * designed answer (readiness and the detailed report answer 503 on purpose).
   */
  record: (durationMs: number, statusCode: number, designed?: boolean) => void
  summary: () => RequestWindowSummary
}

export interface RequestWindowOptions {
  windowMs?: number
  slots?: number
  now?: () => number
}

// Log-spaced bucket bounds from 10 µs to about 2 minutes, 20 % apart: constant memory at any rate.
const GROWTH = 1.2
const BOUNDS: number[] = []
for (let b = 0.01; b < 120_000; b *= GROWTH) BOUNDS.push(b)
BOUNDS.push(Infinity)

function bucketOf (ms: number): number {
  if (ms <= BOUNDS[0]!) return 0
  return Math.min(BOUNDS.length - 1, Math.ceil(Math.log(ms / BOUNDS[0]!) / Math.log(GROWTH)))
}

interface Slot { start: number, counts: Uint32Array, total: number, errors: number }

const round2 = (n: number): number => Math.round(n * 100) / 100

/**
 * A sliding window (5 minutes by default) of request timings held as per-slot histograms, so that
 * memory stays constant however many requests are served.
 */
export function createRequestWindow (options: RequestWindowOptions = {}): RequestWindow {
  const windowMs = options.windowMs ?? 300_000
  const slotCount = options.slots ?? 30
  const slotMs = windowMs / slotCount
  const now = options.now ?? Date.now
  const slots: Slot[] = Array.from({ length: slotCount }, () => ({ start: -Infinity, counts: new Uint32Array(BOUNDS.length), total: 0, errors: 0 }))

  let currentSlot = slots[0]!
  let currentEnd = -Infinity

  // Called on every request: the slot is only looked up again once the clock leaves it.
  function current (): Slot {
    const time = now()
    if (time < currentEnd && time >= currentSlot.start) return currentSlot
    const index = Math.floor(time / slotMs)
    const start = index * slotMs
    const slot = slots[index % slotCount]!
    if (slot.start !== start) { slot.start = start; slot.counts.fill(0); slot.total = 0; slot.errors = 0 }
    currentSlot = slot
    currentEnd = start + slotMs
    return slot
  }

  return {
    record (durationMs, statusCode, designed = false) {
      const slot = current()
      slot.counts[bucketOf(durationMs)]! += 1
      slot.total += 1
      if (statusCode >= 500 && !designed) slot.errors += 1
    },
    summary () {
      const oldest = now() - windowMs
      const merged = new Float64Array(BOUNDS.length)
      let total = 0
      let errors = 0
      for (const slot of slots) {
        if (slot.start + slotMs <= oldest) continue
        total += slot.total
        errors += slot.errors
        for (let i = 0; i < merged.length; i++) merged[i]! += slot.counts[i]!
      }
      const percentile = (q: number): number => {
        if (total === 0) return 0
        const rank = q * total
        let seen = 0
        for (let i = 0; i < merged.length; i++) {
          const inBucket = merged[i]!
          if (seen + inBucket >= rank && inBucket > 0) {
            const lower = i === 0 ? 0 : BOUNDS[i - 1]!
            const upper = Number.isFinite(BOUNDS[i]!) ? BOUNDS[i]! : lower
            return round2(lower + (upper - lower) * ((rank - seen) / inBucket))
          }
          seen += inBucket
        }
        return 0
      }
      return {
        count: total,
        p50: percentile(0.5),
        p95: percentile(0.95),
        p99: percentile(0.99),
        errorRatePercent: total === 0 ? 0 : round2((errors / total) * 100)
      }
    }
  }
}
