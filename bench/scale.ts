import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { alternatingRounds, median } from './health-throughput.js'
import { distinctOrigin, monitorFileText } from './support/monitor-file.js'
import { procCpuMs, procStatusMb, ROOT, startServerProcess, type ServerProcess } from './support/server-process.js'

// Vigil against Prometheus' blackbox_exporter on the same local targets (issue 12). Overrides for
// quick runs: BENCH_SCALE_SIZES=1000 (cycle and memory sizes), BENCH_SCALE_IDLE_SIZE=0 (skip the
// 10,000 idle run), BENCH_SCALE_HEALTH=0 (skip /health), BENCH_SCALE_SETTLE_MS, BENCH_ROUNDS.
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '1000,5000').split(',').map(Number).filter((n) => n > 0)
const IDLE_SIZE = Number(process.env.BENCH_SCALE_IDLE_SIZE ?? 10_000)
const HEALTH_SIZE = Number(process.env.BENCH_SCALE_HEALTH ?? 1000)
const HEALTH_INTERVAL = process.env.BENCH_SCALE_HEALTH_INTERVAL ?? '15s'
const HEALTH_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6)
const CONCURRENCY = 100
const ANSWER_MS = 100
const SETTLE_MS = Number(process.env.BENCH_SCALE_SETTLE_MS ?? 5000)
const MEMORY_BAR = 1.5
const CYCLE_BAR = 1.1
// product.md: a cycle over N environments answering in 100 ms, 100 at a time, within 1.3× the ideal N/100 waves of 100 ms.
const IDEAL_BAR = 1.3
const IDLE_BAR_MB = 150
const IDLE_NONE_BAR_MB = 79.5
const HEALTH_BAR = 0.9

const verdict = (pass: boolean): string => pass ? 'PASS' : 'FAIL'
const mb = (x: number): string => `${x.toFixed(1)} MB`

interface Cycle { durationMs: number, cpuMs: number, unhealthy: number }

interface Vigil {
  readonly server: ServerProcess
  /** "monitor cycle finished" lines so far, with Vigil's CPU time when each was read. */
  readonly cycles: Cycle[]
  readonly waitForCycles: (count: number, timeoutMs: number) => Promise<void>
}

/** Vigil (`node dist/server.js`) monitoring `count` environments on the target (none: no monitor file); stdout piped and read. */
async function startVigil (dir: string, count: number, targetPort: number, interval: string): Promise<Vigil> {
  const env: Record<string, string> = {}
  if (count > 0) {
    const file = join(dir, `monitor-${count}.yml`)
    writeFileSync(file, monitorFileText(count, targetPort, { concurrency: CONCURRENCY }))
    Object.assign(env, { MONITOR_CONFIG: file, MONITOR_INTERVAL: interval })
  }
  const server = await startServerProcess('dist/server.js', env)
  const cycles: Cycle[] = []
  let unhealthy = 0
  let partial = ''
  server.child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop()!
    for (const line of lines) {
      if (line.includes('"msg":"environment ')) unhealthy++
      if (!line.includes('monitor cycle finished')) continue
      const entry = JSON.parse(line) as { duration_ms: number }
      cycles.push({ durationMs: entry.duration_ms, cpuMs: server.cpuMs(), unhealthy })
      unhealthy = 0
    }
  })
  const waitForCycles = async (wanted: number, timeoutMs: number): Promise<void> => {
    const deadline = performance.now() + timeoutMs
    while (cycles.length < wanted) {
      if (performance.now() > deadline) throw new Error(`Vigil with ${count} environments: ${cycles.length} of ${wanted} cycles within ${timeoutMs / 1000} s`)
      await sleep(50)
    }
  }
  return { server, cycles, waitForCycles }
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

const onPath = (names: readonly string[]): string | undefined => {
  for (const name of names) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir !== '' && existsSync(join(dir, name))) return join(dir, name)
  }
  return undefined
}

/**
 * The blackbox_exporter binary: on PATH, or installed from Debian's package when this runs as root.
 * Undefined (and says which figures are therefore absent) when neither.
 */
function findBlackbox (): string | undefined {
  const names = ['prometheus-blackbox-exporter', 'blackbox_exporter']
  const found = onPath(names)
  if (found !== undefined) return found
  if (process.getuid?.() === 0) {
    console.log('blackbox_exporter not on PATH: installing Debian\'s prometheus-blackbox-exporter (apt-get install -y)')
    const run = spawnSync('apt-get', ['install', '-y', 'prometheus-blackbox-exporter'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    const installed = onPath(names)
    if (installed !== undefined) return installed
    console.log(`  apt-get exited with ${String(run.status)} and no binary appeared`)
  }
  const why = process.getuid?.() === 0 ? 'not on PATH, and installing prometheus-blackbox-exporter failed' : 'not on PATH, and not root to install prometheus-blackbox-exporter'
  console.log(`blackbox_exporter is missing (${why}): the peer figures (memory ratio a, cycle ratio b, blackbox CPU c) are absent; Vigil's own figures follow`)
  return undefined
}

interface Blackbox { readonly child: ChildProcess, readonly port: number, readonly stop: () => Promise<void> }

/** blackbox_exporter with one module `http_2xx` (prober http, timeout 10 s, IPv4) on a free local port; resolves once it answers. */
async function startBlackbox (binary: string, dir: string): Promise<Blackbox> {
  const config = join(dir, 'blackbox.yml')
  writeFileSync(config, 'modules:\n  http_2xx:\n    prober: http\n    timeout: 10s\n    http:\n      preferred_ip_protocol: ip4\n      ip_protocol_fallback: false\n')
  const port = await freePort()
  const child = spawn(binary, [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.resume()
  child.stderr!.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-2000) })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const started = performance.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`blackbox_exporter exited with ${child.exitCode}: ${output}`)
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break
    } catch { /* not listening yet */ }
    if (performance.now() - started > 10_000) throw new Error(`blackbox_exporter not answering within 10 s: ${output}`)
    await sleep(50)
  }
  return { child, port, stop: async () => { child.kill('SIGTERM'); await exited } }
}

/**
 * One round of `targets.length` probes through blackbox's /probe, `CONCURRENCY` in flight, as
 * Prometheus scrapes it (with its scrape-timeout header). Wall time in ms; throws unless every
 * probe reports probe_success 1.
 */
async function probeRound (blackbox: Blackbox, targets: readonly string[]): Promise<number> {
  let next = 0
  const failed: string[] = []
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const target = targets[next++]!
      const res = await fetch(`http://127.0.0.1:${blackbox.port}/probe?module=http_2xx&target=${encodeURIComponent(target)}`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '10' } })
      if (!/^probe_success 1$/m.test(await res.text())) failed.push(target)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const wallMs = performance.now() - started
  if (failed.length > 0) throw new Error(`blackbox: ${failed.length} of ${targets.length} probes without probe_success 1 (first ${failed[0]!})`)
  return wallMs
}

/**
 * The interval for a cycle-timing run: long enough that a cycle of `count` never overruns it, and
 * at least 10 s so that no connection of cycle 1 is still kept alive (the target's 5 s) for cycle 2:
 * every check connects afresh, as a blackbox probe does and as checks minutes apart do.
 */
const cycleInterval = (count: number): string => `${Math.max(10, Math.ceil(count / 1000) * 4)}s`

interface SizeFigures {
  count: number
  vigil: { peakMb: number, workMb: number, cycleMs: number, cpuMs: number, unhealthy: number }
  blackbox?: { freshMb: number, peakMb: number, workMb: number, wallMs: number, cpuMs: number }
}

async function measureSize (dir: string, count: number, targetPort: number, noneMb: number, binary: string | undefined): Promise<SizeFigures> {
  const vigil = await startVigil(dir, count, targetPort, cycleInterval(count))
  let figures: SizeFigures
  try {
    await vigil.waitForCycles(2, 300_000)
    const [first, second] = vigil.cycles as [Cycle, Cycle]
    const peakMb = vigil.server.peakRssMb()
    figures = { count, vigil: { peakMb, workMb: peakMb - noneMb, cycleMs: second.durationMs, cpuMs: second.cpuMs - first.cpuMs, unhealthy: first.unhealthy + second.unhealthy } }
  } finally {
    await vigil.server.stop()
  }
  if (binary === undefined) return figures
  const blackbox = await startBlackbox(binary, dir)
  try {
    await sleep(SETTLE_MS)
    const freshMb = procStatusMb(blackbox.child.pid, 'VmRSS')
    const targets = Array.from({ length: count }, (_, i) => `${distinctOrigin(i, targetPort)}/health`)
    await probeRound(blackbox, targets)
    const cpuBefore = procCpuMs(blackbox.child.pid)
    const wallMs = await probeRound(blackbox, targets)
    const cpuMs = procCpuMs(blackbox.child.pid) - cpuBefore
    const peakMb = procStatusMb(blackbox.child.pid, 'VmHWM')
    figures.blackbox = { freshMb, peakMb, workMb: peakMb - freshMb, wallMs, cpuMs }
  } finally {
    await blackbox.stop()
  }
  return figures
}

function printSize (f: SizeFigures, noneMb: number): void {
  const { vigil: v, blackbox: b } = f
  console.log(`${f.count} environments (distinct origins, fresh connections, ${ANSWER_MS} ms answers, ${CONCURRENCY} at a time; both warm: second cycle/round measured):`)
  if (v.unhealthy > 0) console.log(`  WARNING: Vigil logged ${v.unhealthy} unhealthy results over its two cycles: the targets did not all answer`)
  const memory = `  a. memory of the work: Vigil peak ${mb(v.peakMb)} − ${mb(noneMb)} with none = ${mb(v.workMb)}`
  if (b === undefined) console.log(`${memory}; blackbox figure absent`)
  else {
    const ratio = v.workMb / b.workMb
    console.log(`${memory}; blackbox peak ${mb(b.peakMb)} − fresh ${mb(b.freshMb)} = ${mb(b.workMb)}; ratio ${ratio.toFixed(2)} (bar ≤ ${MEMORY_BAR}) ${verdict(ratio <= MEMORY_BAR)}`)
  }
  const idealMs = (f.count / CONCURRENCY) * ANSWER_MS
  const cycle = `  b. cycle wall time: Vigil ${(v.cycleMs / 1000).toFixed(2)} s (${(v.cycleMs / idealMs).toFixed(2)}× the ideal ${(idealMs / 1000).toFixed(1)} s; product bar ≤ ${IDEAL_BAR}× ${verdict(v.cycleMs / idealMs <= IDEAL_BAR)})`
  if (b === undefined) console.log(`${cycle}; blackbox figure absent`)
  else {
    const ratio = v.cycleMs / b.wallMs
    console.log(`${cycle}; blackbox ${(b.wallMs / 1000).toFixed(2)} s; ratio ${ratio.toFixed(2)} (bar ≤ ${CYCLE_BAR}) ${verdict(ratio <= CYCLE_BAR)}`)
  }
  const cpu = `  c. CPU per cycle: Vigil ${v.cpuMs.toFixed(0)} ms (from the end of cycle 1 to the end of cycle 2)`
  console.log(b === undefined ? `${cpu}; blackbox figure absent` : `${cpu}; blackbox ${b.cpuMs.toFixed(0)} ms (second round); ratio ${(v.cpuMs / b.cpuMs).toFixed(2)} (for information)`)
}

/** Idle RSS of Vigil with `count` environments: after its first cycle, settled SETTLE_MS. */
async function idleWith (dir: string, count: number, targetPort: number): Promise<{ idleMb: number, peakMb: number, cycleMs: number, unhealthy: number }> {
  const vigil = await startVigil(dir, count, targetPort, '30m')
  try {
    await vigil.waitForCycles(1, 300_000)
    await sleep(SETTLE_MS)
    return { idleMb: vigil.server.rssMb(), peakMb: vigil.server.peakRssMb(), cycleMs: vigil.cycles[0]!.durationMs, unhealthy: vigil.cycles[0]!.unhealthy }
  } finally {
    await vigil.server.stop()
  }
}

/** /health ÷ a bare Fastify route while Vigil monitors `count` environments, cycles running through the measurement. */
async function healthWhileCycling (dir: string, count: number, targetPort: number): Promise<{ ratio: number, cycles: number, busy: number }> {
  const bare = await startServerProcess('bench/bare-server.mjs')
  const vigil = await startVigil(dir, count, targetPort, HEALTH_INTERVAL)
  try {
    await vigil.waitForCycles(1, 300_000)
    const before = vigil.cycles.length
    const started = performance.now()
    const rounds = await alternatingRounds(vigil.server, '/health', bare, HEALTH_ROUNDS)
    const wallMs = performance.now() - started
    const during = vigil.cycles.slice(before)
    const ratio = median(rounds.map((r) => r.vigil.rps / r.bare.rps))
    const busy = during.reduce((sum, c) => sum + c.durationMs, 0) / wallMs
    console.log(`  e. /health ÷ bare Fastify with ${count} environments, MONITOR_INTERVAL=${HEALTH_INTERVAL}: median ${median(rounds.map((r) => r.vigil.rps)).toFixed(0)} vs ${median(rounds.map((r) => r.bare.rps)).toFixed(0)} req/s; ratio (median of ${HEALTH_ROUNDS} alternating rounds) ${ratio.toFixed(3)} (bar ≥ ${HEALTH_BAR}) ${verdict(ratio >= HEALTH_BAR)}; per round ${rounds.map((r) => (r.vigil.rps / r.bare.rps).toFixed(2)).join(', ')}`)
    console.log(`     ${during.length} cycles finished during the ${(wallMs / 1000).toFixed(0)} s measurement (cycling ${(busy * 100).toFixed(0)} % of it; median cycle ${(median(during.map((c) => c.durationMs)) / 1000).toFixed(2)} s); CPU per request /health ${median(rounds.map((r) => r.vigil.cpuUsPerRequest)).toFixed(1)} µs, bare ${median(rounds.map((r) => r.bare.cpuUsPerRequest)).toFixed(1)} µs; capacity ratio ${median(rounds.map((r) => r.bare.cpuUsPerRequest / r.vigil.cpuUsPerRequest)).toFixed(3)} (bare CPU ÷ /health CPU, which includes the cycles' CPU)`)
    return { ratio, cycles: during.length, busy }
  } finally {
    await vigil.server.stop()
    await bare.stop()
  }
}

/**
 * The scale benchmark (issue 12), one run: Vigil (`node dist/server.js`, built) and blackbox_exporter
 * on the same targets (bench/support/target-server.mjs, 100 ms answers, a distinct origin each),
 * at BENCH_SCALE_SIZES (default 1,000 and 5,000) environments, 100 at a time. Prints and returns
 * a. memory of the work (peak RSS − RSS with nothing to do; bar ≤ 1.5× blackbox's), b. the second
 * cycle's wall time (bar ≤ 1.1× blackbox's second round), c. CPU per cycle, d. idle RSS with none
 * (bar ≤ 79.5 MB) and with 10,000 (bar < 150 MB), e. /health ÷ bare Fastify while 1,000
 * environments cycle (bar ≥ 0.9). A missing blackbox leaves its figures out, not the bench.
 */
export async function benchScale (): Promise<{ sizes: SizeFigures[], noneMb: number, idleMb?: number, healthRatio?: number }> {
  if (!existsSync(join(ROOT, 'dist/server.js'))) throw new Error('dist/server.js is missing: npm run build first')
  const binary = findBlackbox()
  const load = (): string => loadavg().map((x) => x.toFixed(1)).join(', ')
  console.log(`load average at start: ${load()} (timing figures are ratios within this run; a busy machine moves them)`)
  const dir = mkdtempSync(join(tmpdir(), 'vigil-scale-'))
  const target = await startServerProcess('bench/support/target-server.mjs', { ANSWER_MS: String(ANSWER_MS) })
  const targetPort = Number(new URL(target.url).port)
  try {
    // Three fresh processes side by side (memory does not contend), median: one moves by ±4 MB.
    const nones = await Promise.all([0, 1, 2].map(async () => await startVigil(dir, 0, targetPort, '15m')))
    await sleep(SETTLE_MS)
    const noneSamples = nones.map((none) => none.server.rssMb())
    const noneMb = median(noneSamples)
    await Promise.all(nones.map(async (none) => { await none.server.stop() }))
    const sizes: SizeFigures[] = []
    for (const count of SIZES) {
      const figures = await measureSize(dir, count, targetPort, noneMb, binary)
      printSize(figures, noneMb)
      sizes.push(figures)
    }
    console.log(`  d. idle RSS with no environments: ${mb(noneMb)} (median of 3 fresh processes: ${noneSamples.map((x) => x.toFixed(1)).join(', ')}; ${SETTLE_MS / 1000} s after start; bar ≤ ${IDLE_NONE_BAR_MB}) ${verdict(noneMb <= IDLE_NONE_BAR_MB)}`)
    let idleMb: number | undefined
    if (IDLE_SIZE > 0) {
      const idle = await idleWith(dir, IDLE_SIZE, targetPort)
      idleMb = idle.idleMb
      console.log(`     idle RSS with ${IDLE_SIZE} environments: ${mb(idle.idleMb)} (${SETTLE_MS / 1000} s after the first cycle, which took ${(idle.cycleMs / 1000).toFixed(1)} s, peak ${mb(idle.peakMb)}; bar < ${IDLE_BAR_MB}) ${verdict(idle.idleMb < IDLE_BAR_MB)}${idle.unhealthy > 0 ? `; WARNING: ${idle.unhealthy} unhealthy results` : ''}`)
    }
    let healthRatio: number | undefined
    if (HEALTH_SIZE > 0) healthRatio = (await healthWhileCycling(dir, HEALTH_SIZE, targetPort)).ratio
    console.log(`load average at the end: ${load()}`)
    return { sizes, noneMb, idleMb, healthRatio }
  } finally {
    await target.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchScale()
