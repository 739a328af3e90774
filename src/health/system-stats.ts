import os from 'node:os'
import { readCgroupLimits, type ResourceLimits } from './cgroup-limits.js'

export interface SystemSnapshot {
  readonly memoryMb: number
  /** RSS against the container's memory limit, or the host's memory when unlimited. */
  readonly memoryPercent: number
  /** CPU used by this process against the cores it is allowed, over the last sample window. */
  readonly cpuPercent: number
}

export interface SystemStats {
  snapshot: () => SystemSnapshot
  close: () => void
}

const round1 = (n: number): number => Math.round(n * 10) / 10

/** Samples CPU use once per window; memory is read on demand. */
export function createSystemStats (options: { limits?: ResourceLimits, sampleIntervalMs?: number } = {}): SystemStats {
  const limits = options.limits ?? readCgroupLimits()
  const memoryLimit = Math.min(limits.memoryBytes ?? Infinity, os.totalmem())
  const cores = Math.min(limits.cpuCores ?? Infinity, os.availableParallelism())
  let lastUsage = process.cpuUsage()
  let lastAt = performance.now()
  let cpuPercent = 0

  const timer = setInterval(() => {
    const usage = process.cpuUsage(lastUsage)
    const now = performance.now()
    const elapsedUs = (now - lastAt) * 1000
    cpuPercent = elapsedUs > 0 ? ((usage.user + usage.system) / elapsedUs / cores) * 100 : 0
    lastUsage = process.cpuUsage()
    lastAt = now
  }, options.sampleIntervalMs ?? 1000)
  timer.unref()

  return {
    snapshot () {
      const rss = process.memoryUsage.rss()
      return {
        memoryMb: round1(rss / 1024 / 1024),
        memoryPercent: round1((rss / memoryLimit) * 100),
        cpuPercent: round1(Math.min(100, cpuPercent))
      }
    },
    close: () => { clearInterval(timer) }
  }
}
