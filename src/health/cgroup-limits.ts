import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** What the container is allowed; undefined where no limit is set. */
export interface ResourceLimits {
  readonly memoryBytes: number | undefined
  readonly cpuCores: number | undefined
}

// cgroup v1 reports "no limit" as a huge page-aligned number rather than a word.
const UNLIMITED_V1 = 2 ** 60

function readText (path: string): string | undefined {
  try { return readFileSync(path, 'utf8').trim() } catch { return undefined }
}

function positive (value: number): number | undefined {
  return Number.isFinite(value) && value > 0 ? value : undefined
}

/**
 * Reads the memory and CPU limits of the current cgroup: v2 (`memory.max`, `cpu.max`) first,
 * v1 (`memory.limit_in_bytes`, `cpu.cfs_quota_us`) otherwise. `root` is for tests.
 */
export function readCgroupLimits (root = '/sys/fs/cgroup'): ResourceLimits {
  const memoryV2 = readText(join(root, 'memory.max'))
  const cpuV2 = readText(join(root, 'cpu.max'))
  if (memoryV2 !== undefined || cpuV2 !== undefined) {
    const [quota, period] = (cpuV2 ?? 'max').split(/\s+/)
    return {
      memoryBytes: memoryV2 === undefined || memoryV2 === 'max' ? undefined : positive(Number(memoryV2)),
      cpuCores: quota === 'max' || quota === undefined ? undefined : positive(Number(quota) / Number(period ?? 100000))
    }
  }
  const memoryV1 = Number(readText(join(root, 'memory', 'memory.limit_in_bytes')))
  const quotaV1 = Number(readText(join(root, 'cpu', 'cpu.cfs_quota_us')))
  const periodV1 = Number(readText(join(root, 'cpu', 'cpu.cfs_period_us')))
  return {
    memoryBytes: memoryV1 >= UNLIMITED_V1 ? undefined : positive(memoryV1),
    cpuCores: quotaV1 > 0 ? positive(quotaV1 / periodV1) : undefined
  }
}
