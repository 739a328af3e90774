/**
 * Detection never waits on delivery: monitor cycle time with GitHub hanging ÷ cycle time with
 * GitHub answering, 100 environments of which 10 failing; the bar is 1.1. Also prints how old the
 * report's `last_checked_at` gets while GitHub hangs.
 *
 *   npx tsx bench/delivery-decoupling.ts
 *
 * Vigil runs as the real process (src/server.ts: variables and a monitor file in, buildApp wires
 * the monitor and the incident side), so its event loop is its own; the GitHub stand-in of the
 * tests runs in this process and the targets in a worker thread. Only loopback traffic.
 */
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { startGithubStandIn, type GithubStandIn } from '../test/support/github-stand-in.js'
import { startServerProcess, type ServerProcess } from './support/server-process.js'

const ENVIRONMENTS = 100
const FAILING = 10
const ANSWER_MS = 100
const INTERVAL_MS = 1000
const WARMUP_CYCLES = 2
const MEASURED_CYCLES = 5
// Answering and hanging alternate, the second round in the other order, so that a drift in the
// machine's load falls on both sides alike.
const ORDER: Side[] = ['answering', 'hanging', 'hanging', 'answering']
const LIMIT_RATIO = 1.1
const POLL_MS = 100
const STOP_WITHIN_MS = 15_000
const TOKEN = 'ghp_benchTokenForTheLocalStandIn000000000'

type Side = 'answering' | 'hanging'

// The targets run in their own thread so that their timers and sockets do not share this process's
// event loop with the stand-in. Every path answers after ANSWER_MS; /env-<i>/… with i below the
// failing count answers 500.
const targets = new Worker(`
  const { createServer } = require('node:http')
  const { parentPort } = require('node:worker_threads')
  let failing = 0
  const server = createServer((req, res) => {
    const index = Number(/^\\/env-(\\d+)\\//.exec(req.url)?.[1] ?? -1)
    const code = index >= 0 && index < failing ? 500 : 200
    setTimeout(() => { res.writeHead(code, { 'content-type': 'application/json' }).end(code === 200 ? '{"status":"ok"}' : '{"error":"boom"}') }, ${ANSWER_MS})
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))
  parentPort.on('message', (message) => {
    if (message === 'close') server.close(() => process.exit(0))
    else { failing = message; parentPort.postMessage('set') }
  })
`, { eval: true })
const [targetPort] = await once(targets, 'message') as [number]
async function setFailing (count: number): Promise<void> {
  targets.postMessage(count)
  await once(targets, 'message')
}

const directory = mkdtempSync(join(tmpdir(), 'vigil-bench-'))
const monitorFile = join(directory, 'monitor.json')
// One attempt per check: the default 3 attempts 10 s apart would make a failing environment take
// 20 s a cycle on both sides alike and hide nothing but time.
writeFileSync(monitorFile, JSON.stringify({
  interval: `${INTERVAL_MS}ms`,
  github: { labels: ['deployment-alert'] },
  environments: Array.from({ length: ENVIRONMENTS }, (_, i) => ({ name: `env-${i}`, url: `http://127.0.0.1:${targetPort}/env-${i}`, attempts: 1, timeout: '5s' }))
}, null, 2))

interface Cycle { at: number, durationMs: number, result: string }
interface Detailed {
  timestamp: string
  components: Record<string, { status: string, error?: string, details?: Record<string, unknown> }>
  environments: Record<string, { status: string, last_checked_at: string }>
}
interface Run {
  side: Side
  cycles: Cycle[]
  /** Age of the oldest `last_checked_at` in each report read during the measured cycles, in ms. */
  staleness: number[]
  last: Detailed
  githubRequests: number
  issues: number
  stopMs: number
  exitCode: number | null
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const seconds = (ms: number): string => (ms / 1000).toFixed(3)

async function detailed (vigil: ServerProcess): Promise<Detailed> {
  // 503 while environments are unhealthy; the body is the same report.
  return await (await fetch(`${vigil.url}/health/detailed`)).json() as Detailed
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_WITHIN_MS; the time it took and its exit status. */
async function stop (vigil: ServerProcess): Promise<{ stopMs: number, exitCode: number | null }> {
  const started = performance.now()
  const exited = once(vigil.child, 'exit') as Promise<[number | null]>
  vigil.child.kill('SIGTERM')
  const timer = setTimeout(() => { vigil.child.kill('SIGKILL') }, STOP_WITHIN_MS)
  const [exitCode] = await exited
  clearTimeout(timer)
  return { stopMs: performance.now() - started, exitCode }
}

async function run (side: Side): Promise<Run> {
  await setFailing(0)
  const github: GithubStandIn = await startGithubStandIn('acme/platform')
  const vigil = await startServerProcess('src/server.ts', {
    MONITOR_CONFIG: monitorFile, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/platform', GITHUB_API_URL: github.url
  })
  try {
    // Cycles as Vigil logs them ("monitor cycle finished", with the duration it measured itself).
    const cycles: Cycle[] = []
    let pending = ''
    vigil.child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) {
        if (!line.includes('"monitor cycle finished"')) continue
        const entry = JSON.parse(line) as { time: number, duration_ms: number, result: string }
        cycles.push({ at: entry.time, durationMs: entry.duration_ms, result: entry.result })
      }
    })
    const cyclesSeen = async (count: number): Promise<void> => {
      const deadline = Date.now() + (count + 5) * INTERVAL_MS + 10_000
      while (cycles.length < count) {
        if (Date.now() > deadline) throw new Error(`${side}: only ${cycles.length} of ${count} cycles finished in time`)
        await sleep(10)
      }
    }

    // Warm-up with every environment healthy and GitHub answering: start-up check, adoption of open
    // issues (none) and the first decisions are done before either side's measured cycles.
    await cyclesSeen(WARMUP_CYCLES)
    const listed = Date.now() + 10_000
    while (!github.requests.some((r) => r.operationId === 'issues/list-for-repo')) {
      if (Date.now() > listed) throw new Error(`${side}: Vigil never listed the open issues on the stand-in`)
      await sleep(10)
    }
    // Right after a cycle has finished, so the next one sees the new state whole.
    const seen = cycles.length
    await cyclesSeen(seen + 1)
    if (side === 'hanging') github.failAll('hang')
    await setFailing(FAILING)
    const requestsBefore = github.requests.length
    const first = cycles.length

    // The 10 incidents are decided after the first measured cycle and delivered (or hung) during
    // the rest. The report is read every POLL_MS meanwhile, on both sides alike.
    const staleness: number[] = []
    let last = await detailed(vigil)
    while (cycles.length < first + MEASURED_CYCLES) {
      last = await detailed(vigil)
      const oldest = Math.min(...Object.values(last.environments).map((e) => Date.parse(e.last_checked_at)))
      staleness.push(Date.parse(last.timestamp) - oldest)
      await sleep(POLL_MS)
      if (Date.now() - cycles[first - 1]!.at > (MEASURED_CYCLES + 5) * INTERVAL_MS + 10_000) throw new Error(`${side}: cycles stopped`)
    }
    const during = github.requests.slice(requestsBefore)
    const { stopMs, exitCode } = await stop(vigil)
    return {
      side,
      cycles: cycles.slice(first, first + MEASURED_CYCLES),
      staleness,
      last,
      githubRequests: during.length,
      issues: github.issues.length,
      stopMs,
      exitCode
    }
  } finally {
    if (vigil.child.exitCode === null && vigil.child.signalCode === null) await stop(vigil)
    // Also ends the connections the hang left open.
    await github.close()
  }
}

const load = loadavg()[0]!
const runs: Run[] = []
try {
  for (const side of ORDER) runs.push(await run(side))
} finally {
  targets.postMessage('close')
  rmSync(directory, { recursive: true, force: true })
}

const of = (side: Side): Run[] => runs.filter((r) => r.side === side)
const durations = (side: Side): number[] => of(side).flatMap((r) => r.cycles.map((c) => c.durationMs))
const gaps = (side: Side): number[] => of(side).flatMap((r) => r.cycles.slice(1).map((c, i) => c.at - r.cycles[i]!.at))
const answering = median(durations('answering'))
const hanging = median(durations('hanging'))
const ratio = hanging / answering
const allSucceeded = runs.every((r) => r.cycles.every((c) => c.result === 'success'))
const failingShown = runs.every((r) => Object.values(r.last.environments).filter((e) => e.status === 'unhealthy').length === FAILING)
const pass = ratio <= LIMIT_RATIO && allSucceeded && failingShown

console.log(`detection while GitHub hangs: ${ENVIRONMENTS} environments answering in ${ANSWER_MS} ms, ${FAILING} of them 500; interval ${INTERVAL_MS / 1000} s`)
console.log(`  load average ${load.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end (${String(availableParallelism())} CPUs)`)
console.log(`  ${MEASURED_CYCLES} cycles per run after ${WARMUP_CYCLES}+ warm-up cycles; runs in the order ${ORDER.join(', ')}`)
for (const side of ['answering', 'hanging'] as const) {
  const list = durations(side)
  const stale = of(side).flatMap((r) => r.staleness)
  const github = of(side).map((r) => {
    const component = r.last.components.github
    const pendingNow = component?.details?.pending ?? '?'
    return `${r.githubRequests} requests${side === 'hanging' ? ' (none answered)' : ''}, ${r.issues} issues; report: github ${component?.status ?? '?'}, ${String(pendingNow)} pending`
  })
  console.log(`  GitHub ${side}:`.padEnd(22) + `cycle median ${seconds(median(list))} s (${list.map((d) => seconds(d)).join(', ')})`)
  console.log(`    cycles finished every ${seconds(Math.min(...gaps(side)))}–${seconds(Math.max(...gaps(side)))} s; results ${[...new Set(of(side).flatMap((r) => r.cycles.map((c) => c.result)))].join(', ')}; monitor ${of(side).map((r) => r.last.components.monitor?.status ?? '?').join(', ')}`)
  console.log(`    oldest last_checked_at: median ${seconds(median(stale))} s, max ${seconds(Math.max(...stale))} s over ${stale.length} reports`)
  console.log(`    GitHub during the measured cycles: ${github.join('; ')}`)
  console.log(`    shutdown (SIGTERM to exit): ${of(side).map((r) => `${seconds(r.stopMs)} s (status ${String(r.exitCode)})`).join(', ')}`)
}
console.log(`  ratio:              ${ratio.toFixed(3)}x (hanging ÷ answering, medians; limit ${LIMIT_RATIO}x) ${pass ? 'PASS' : 'FAIL'}`)
process.exitCode = pass ? 0 : 1
