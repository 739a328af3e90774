// What Vigil's heap holds per environment (issue 12, memory per environment): starts the built
// server (`node dist/server.js`) with N environments (default 10,000) on bench/support/target-server.mjs,
// waits for its first cycle and BENCH_HEAP_SETTLE_MS (default 8000), prints its RSS, takes a heap
// snapshot (--heapsnapshot-signal) and prints the retained heap by kind: self size summed by node
// type and constructor, the largest BENCH_HEAP_TOP (default 20).
// Usage: npm run build && npx tsx bench/heap-by-kind.ts   (BENCH_HEAP_SIZE=5000 for another size)
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { monitorFileText } from './support/monitor-file.js'
import { deployedNodeOptions, procStatusMb, ROOT, startServerProcess } from './support/server-process.js'

const SIZE = Number(process.env.BENCH_HEAP_SIZE ?? 10_000)
const SETTLE_MS = Number(process.env.BENCH_HEAP_SETTLE_MS ?? 8000)
const TOP = Number(process.env.BENCH_HEAP_TOP ?? 20)

interface Snapshot {
  snapshot: { meta: { node_fields: string[], node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

/** Self size (bytes) and count by `type:constructor` (objects) or `(type)` (strings, arrays, code…). */
function byKind (snapshot: Snapshot): Map<string, { bytes: number, count: number }> {
  const fields = snapshot.snapshot.meta.node_fields
  const types = snapshot.snapshot.meta.node_types[0]
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number]
  const kinds = new Map<string, { bytes: number, count: number }>()
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!
    const kind = type === 'object' ? `object:${snapshot.strings[snapshot.nodes[i + nameAt]!]}` : `(${type})`
    const sum = kinds.get(kind) ?? { bytes: 0, count: 0 }
    sum.bytes += snapshot.nodes[i + sizeAt]!
    sum.count++
    kinds.set(kind, sum)
  }
  return kinds
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-heap-'))
const target = await startServerProcess('bench/support/target-server.mjs')
try {
  const file = join(dir, 'monitor.yml')
  writeFileSync(file, monitorFileText(SIZE, Number(new URL(target.url).port), { concurrency: 100 }))
  const child = spawn(process.execPath, [`--diagnostic-dir=${dir}`, '--heapsnapshot-signal=SIGUSR2', ...deployedNodeOptions(), 'dist/server.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', MONITOR_CONFIG: file, MONITOR_INTERVAL: '1h' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  try {
    await new Promise<void>((resolve, reject) => {
      let tail = ''
      child.stdout.on('data', (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-4096)
        if (tail.includes('monitor cycle finished')) resolve()
      })
      child.once('exit', (code) => { reject(new Error(`dist/server.js exited with ${String(code)}`)) })
    })
    await sleep(SETTLE_MS)
    console.log(`${SIZE} environments, ${SETTLE_MS / 1000} s after the first cycle: RSS ${procStatusMb(child.pid, 'VmRSS').toFixed(1)} MB (peak ${procStatusMb(child.pid, 'VmHWM').toFixed(1)} MB)`)
    child.kill('SIGUSR2')
    // Written synchronously by the server: complete once its size stops changing.
    let path: string | undefined
    let size = -1
    for (let i = 0; i < 600; i++) {
      await sleep(1000)
      const name = readdirSync(dir).find((n) => n.endsWith('.heapsnapshot'))
      if (name === undefined) continue
      const now = statSync(join(dir, name)).size
      if (now > 0 && now === size) { path = join(dir, name); break }
      size = now
    }
    if (path === undefined) throw new Error('no heap snapshot written within 10 minutes')
    const kinds = byKind(JSON.parse(readFileSync(path, 'utf8')) as Snapshot)
    const total = [...kinds.values()].reduce((sum, kind) => sum + kind.bytes, 0)
    console.log(`retained heap (snapshot, self sizes): ${(total / 1e6).toFixed(1)} MB, ${(total / SIZE).toFixed(0)} bytes per environment (runtime included)`)
    for (const [kind, { bytes, count }] of [...kinds].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, TOP)) {
      console.log(`${(bytes / 1e6).toFixed(2).padStart(8)} MB ${String(count).padStart(8)}  ${kind}`)
    }
  } finally {
    child.kill('SIGTERM')
  }
} finally {
  await target.stop()
  rmSync(dir, { recursive: true, force: true })
}
