// Longest event-loop block during and after one 10,000-environment cycle, app built in-process with a fake check.
// Usage: ROOT=/work/main N=10000 UNHEALTHY=1 npx tsx /tmp/cycle/loop-block.ts
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
const root = process.env.ROOT ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '')
const n = Number(process.env.N ?? 10000)
const unhealthy = process.env.UNHEALTHY !== '0'
const { buildApp } = await import(`${root}/src/app.ts`)
const { loadConfig } = await import(`${root}/src/config/load-config.ts`)
const dir = mkdtempSync(join(tmpdir(), 'vigil-post-cycle-'))
const lines = ['interval: 1h', 'environments:']
for (let i = 0; i < n; i++) lines.push(`  - name: env-${i}\n    url: http://127.0.${Math.floor(i / 250)}.${i % 250 + 1}:9/`)
writeFileSync(`${dir}/monitor.yml`, lines.join('\n') + '\n')
const config = loadConfig({ LOG_LEVEL: 'info', MONITOR_CONFIG: `${dir}/monitor.yml` })
let logBytes = 0
const check = async (target: { name: string, displayUrl: string }) => {
  await tick()
  const bad = unhealthy
  return { environment: target.name, displayUrl: target.displayUrl, status: bad ? 'unhealthy' : 'healthy', checkedAt: new Date(), httpStatus: bad ? 502 : 200, responseTimeMs: 12, tlsDaysLeft: null, tlsExpiresAt: null, failures: bad ? ['/health: HTTP 502'] : [], attempts: [], paths: [] }
}
const app = await buildApp(config, { logDestination: { write: (l: string) => { logBytes += l.length } }, monitor: { cycle: { check } } })
let longest = 0; let longestAt = ''
let phase = 'ready'
let last = performance.now()
const gaps: Array<[number, number]> = []
const timer = setInterval(() => { const now = performance.now(); const gap = now - last; if (gap > 30) gaps.push([Number(process.hrtime.bigint() / 1000n) - gap * 1000, Number(process.hrtime.bigint() / 1000n)]); last = now; if (gap > longest) { longest = gap; longestAt = phase } }, 1)
const h = monitorEventLoopDelay({ resolution: 1 }); h.enable()
const t0 = performance.now()
await app.ready()
phase = 'cycle'
const { Session } = await import('node:inspector/promises'); const session = new Session(); session.connect(); if (process.env.PROF) { await session.post('Profiler.enable'); await session.post('Profiler.start') }
const runs = app.vigil.metrics.monitorRuns
while (((await runs.get()).values.reduce((s: number, v: { value: number }) => s + v.value, 0)) < 1) await sleep(5)
const cycleEnd = performance.now()
phase = 'after-cycle'
await sleep(3000)
h.disable(); clearInterval(timer)
if (process.env.PROF) { const { profile } = await session.post('Profiler.stop'); (await import('node:fs')).writeFileSync(process.env.PROF, JSON.stringify({ ...profile, gaps })) }
console.log(JSON.stringify({ root, n, unhealthy, cycle_ms: Math.round(cycleEnd - t0), longest_gap_ms: Math.round(longest), longest_in: longestAt, eld_max_ms: Math.round(h.max / 1e6), eld_p99_ms: Math.round(h.percentile(99) / 1e6), log_bytes: logBytes }))
await app.close()
