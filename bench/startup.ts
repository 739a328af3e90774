import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { writeMonitorFile } from './support/monitor-file.js'
import { deployedNodeOptions, ROOT } from './support/server-process.js'

// `npx tsx bench/startup.ts` (after `npm run build`) or `npm run bench -- startup`. Overrides:
// BENCH_STARTUP_RUNS (default 5), BENCH_STARTUP_MANY (default 10000), and BENCH_STARTUP_BASE, the
// server.js of another build (e.g. main's, built in its own worktree) started in turn with this
// one, run for run, so that the two are compared under the same load.
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5)
const PORT = 39_871
/** Environments of the large case (issue 12: start-up < 1 s with 10,000 environments). */
const MANY = Number(process.env.BENCH_STARTUP_MANY ?? 10_000)
const BASE = process.env.BENCH_STARTUP_BASE

interface StartupRun {
  /** From spawning `node dist/server.js` to its first 200 on /health. */
  readonly ms: number
  /** CPU time (user + system) the process had used by then, from /proc: steadier than wall time on a busy machine. */
  readonly cpuMs: number
}

function cpuMsOf (pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses; clock ticks of 10 ms.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

async function firstHealthy (env: Record<string, string>, server = 'dist/server.js'): Promise<StartupRun> {
  const started = performance.now()
  const child = spawn(process.execPath, [...(server === 'dist/server.js' ? deployedNodeOptions() : []), server], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' })
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${PORT}/health`)
        if (res.status === 200) return { ms: performance.now() - started, cpuMs: cpuMsOf(child.pid!) }
      } catch { /* not listening yet */ }
      if (performance.now() - started > 30_000) throw new Error('no 200 from /health within 30 s')
      await sleep(5)
    }
  } finally {
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await exited
  }
}

/** The check target (bench/support/target-server.mjs) in a process of its own; resolves with its port. */
async function startTarget (): Promise<{ child: ChildProcess, port: number }> {
  const child = spawn(process.execPath, ['bench/support/target-server.mjs'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(chunk.toString())
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('exit', (code) => { reject(new Error(`target server exited with ${String(code)}`)) })
  })
  return { child, port }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

function summary (runs: readonly StartupRun[]): string {
  return `median ${median(runs.map((r) => r.ms)).toFixed(0)} ms of ${runs.length} runs (${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms; CPU by then median ${median(runs.map((r) => r.cpuMs))} ms)`
}

async function measure (label: string, env: Record<string, string>): Promise<number> {
  const runs: StartupRun[] = []
  const baseRuns: StartupRun[] = []
  for (let i = 0; i < RUNS; i++) {
    if (BASE !== undefined) baseRuns.push(await firstHealthy(env, BASE))
    runs.push(await firstHealthy(env))
  }
  const ms = median(runs.map((r) => r.ms))
  console.log(`start-up to first 200 on /health, ${label}: ${summary(runs)} (bar < 1000) ${ms < 1000 ? 'PASS' : 'FAIL'}`)
  if (BASE !== undefined) console.log(`  the same, ${BASE} (alternating with the above): ${summary(baseRuns)}`)
  console.log(`  load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`)
  return ms
}

/**
 * Time from spawning `node dist/server.js` to its first 200 on /health (bar < 1 s), median of 5:
 * with no environments, and with 10,000 on distinct origins of a local target answering in 100 ms
 * (the first cycle starts during the measurement, as in production).
 */
export async function benchStartup (): Promise<{ medianMs: number, manyMedianMs: number }> {
  const medianMs = await measure('no environments', {})
  const target = await startTarget()
  try {
    const file = writeMonitorFile(MANY, target.port, { interval: '1h' })
    const manyMedianMs = await measure(`${MANY.toLocaleString('en')} environments`, { MONITOR_CONFIG: file })
    return { medianMs, manyMedianMs }
  } finally {
    const exited = once(target.child, 'exit')
    target.child.kill('SIGTERM')
    await exited
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchStartup()
