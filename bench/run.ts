import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { benchBigReads } from './big-reads.js'
import { benchHealthThroughput } from './health-throughput.js'
import { benchMassOutage } from './mass-outage.js'
import { benchMemory } from './memory.js'
import { benchScale } from './scale.js'
import { benchStartup } from './startup.js'
import { ROOT } from './support/server-process.js'

/** Runs a benchmark script in a process of its own (it starts its own servers and proxies). */
async function script (file: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: 'inherit' })
  const [code] = await once(child, 'exit') as [number | null]
  if (code !== 0) console.log(`${file} exited with ${String(code)}`)
}

// `npm run bench [name…]`: builds, then runs each benchmark and prints each figure next to its
// baseline or bar. Not part of the tests: the figures depend on the machine and its load.
const benches: Record<string, () => Promise<unknown>> = {
  'health-throughput': benchHealthThroughput,
  memory: benchMemory,
  startup: benchStartup,
  'readiness-under-hang': async () => { await script('bench/readiness-under-hang.ts') },
  redact: async () => { await script('bench/redact.ts') },
  'delivery-decoupling': async () => { await script('bench/delivery-decoupling.ts') },
  'railway-webhook': async () => { await script('bench/railway-webhook.ts') },
  // Issue 12: Vigil against blackbox_exporter on the same targets, and the big reads at 10,000 environments.
  scale: benchScale,
  'big-reads': benchBigReads,
  'mass-outage': benchMassOutage,
  // 10,000 events waiting on a GitHub that refuses connections: RSS, CPU and SIGTERM to exit.
  'outbox-idle': async () => { await script('bench/outbox-idle.ts') }
}
const only = process.argv.slice(2)
for (const [name, run] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue
  console.log(`\n# ${name}`)
  await run()
}
