import { monitorEventLoopDelay } from 'node:perf_hooks'

/** The event-loop delay of the last sampling window. */
export interface EventLoopMonitor {
  /** Worst delay seen in the latest two windows, in ms. */
  delayMs: () => number
  /** True when the latest two windows saw a delay past the threshold. */
  stalled: () => boolean
  close: () => void
}

export interface EventLoopMonitorOptions {
  thresholdMs: number
  /** Window length; default the threshold, between 100 ms and 1 s. */
  sampleIntervalMs?: number
}

/**
 * Samples perf_hooks' event-loop delay histogram once per window and keeps the window's maximum.
 * A timer that fires late is a stall too (the histogram only sees it after the loop frees up),
 * so the lateness of the sampling timer itself is counted. A stall stays visible for two windows,
 * so the probe requests that queued up behind it (and the next ones) see it.
 */
export function createEventLoopMonitor ({ thresholdMs, sampleIntervalMs }: EventLoopMonitorOptions): EventLoopMonitor {
  const intervalMs = sampleIntervalMs ?? Math.min(1000, Math.max(100, thresholdMs))
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  let latestMs = 0
  let previousMs = 0
  let lastTick = performance.now()

  const timer = setInterval(() => {
    const now = performance.now()
    const lateMs = Math.max(0, now - lastTick - intervalMs)
    lastTick = now
    previousMs = latestMs
    latestMs = Math.max(histogram.max / 1e6 - 10, lateMs, 0)
    histogram.reset()
  }, intervalMs)
  timer.unref()

  return {
    delayMs: () => Math.max(latestMs, previousMs),
    stalled: () => Math.max(latestMs, previousMs) > thresholdMs,
    close: () => { clearInterval(timer); histogram.disable() }
  }
}
