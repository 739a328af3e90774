import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { readCgroupLimits } from '../../src/health/cgroup-limits.js'

function cgroupRoot (files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-cgroup-'))
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

t.test('cgroup v2 limits are read from memory.max and cpu.max', async (t) => {
  const limits = readCgroupLimits(cgroupRoot({ 'memory.max': '536870912\n', 'cpu.max': '150000 100000\n' }))
  t.same(limits, { memoryBytes: 536_870_912, cpuCores: 1.5 })
})

t.test('cgroup v2 "max" means no limit', async (t) => {
  t.same(readCgroupLimits(cgroupRoot({ 'memory.max': 'max\n', 'cpu.max': 'max 100000\n' })), { memoryBytes: undefined, cpuCores: undefined })
})

t.test('cgroup v1 limits are read from the memory and cpu controllers', async (t) => {
  const limits = readCgroupLimits(cgroupRoot({
    'memory/memory.limit_in_bytes': '1073741824\n',
    'cpu/cpu.cfs_quota_us': '200000\n',
    'cpu/cpu.cfs_period_us': '100000\n'
  }))
  t.same(limits, { memoryBytes: 1_073_741_824, cpuCores: 2 })
})

t.test('cgroup v1 unlimited values and a missing hierarchy mean no limit', async (t) => {
  t.same(readCgroupLimits(cgroupRoot({ 'memory/memory.limit_in_bytes': '9223372036854771712\n', 'cpu/cpu.cfs_quota_us': '-1\n', 'cpu/cpu.cfs_period_us': '100000\n' })), { memoryBytes: undefined, cpuCores: undefined })
  t.same(readCgroupLimits(cgroupRoot({})), { memoryBytes: undefined, cpuCores: undefined })
})
