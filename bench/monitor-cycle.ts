// One monitor cycle over 1,000 environments that each answer after 100 ms, 100 at a time.
// Ideal: 10 waves of 100 ms = 1.0 s; the quality bar is 1.3x that. Run: npx tsx bench/monitor-cycle.ts
import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { Agent, request } from 'undici'
import { redactUrl } from '../src/redact.js'
import { runCycle } from '../src/monitor/run-cycle.js'
import type { EnvironmentTarget } from '../src/monitor/types.js'

const ENVIRONMENTS = 1000
const CONCURRENCY = 100
const ANSWER_MS = 100
const IDEAL_MS = (ENVIRONMENTS / CONCURRENCY) * ANSWER_MS
const LIMIT_RATIO = 1.3

// The target runs in its own thread so that its work does not count against the monitor's event loop.
const worker = new Worker(`
  const { createServer } = require('node:http')
  const { parentPort } = require('node:worker_threads')
  const server = createServer((_req, res) => {
    setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}') }, ${ANSWER_MS})
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))
  parentPort.on('message', () => server.close(() => process.exit(0)))
`, { eval: true })
const [port] = await once(worker, 'message') as [number]

// All environments share one origin here, so the pool must allow one connection per check in flight.
const dispatcher = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 })
const makeTargets = (count: number): EnvironmentTarget[] => Array.from({ length: count }, (_, i) => {
  const url = `http://127.0.0.1:${port}/env-${i}`
  return {
    name: `env-${i}`, url, displayUrl: redactUrl(url), healthPath: '/health', labels: [],
    timeoutMs: 10_000, attempts: 3, retryDelayMs: 10_000, maxResponseTimeMs: 5000, tlsMinDays: 14, checks: []
  }
})

// A short warm-up cycle: JIT and the connection pool, as in a long-running process.
await runCycle(makeTargets(CONCURRENCY * 2), { concurrency: CONCURRENCY })

// Baseline on the same host, same moment: bare undici GETs with the same pool, no checking logic.
// On a loaded machine it shows how much of the figure is the host rather than the monitor.
const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000
async function bareRequests (): Promise<number> {
  const start = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < ENVIRONMENTS) {
      next++
      const response = await request(`http://127.0.0.1:${port}/health`, { dispatcher })
      await response.body.text()
    }
  }))
  return performance.now() - start
}
const baselineCpu = process.cpuUsage()
const baselineMs = await bareRequests()
const baselineCpuMs = cpuMs(process.cpuUsage(baselineCpu))

const targets = makeTargets(ENVIRONMENTS)
const startCpu = process.cpuUsage()
const started = performance.now()
const results = await runCycle(targets, { concurrency: CONCURRENCY })
const elapsedMs = performance.now() - started
const cycleCpuMs = cpuMs(process.cpuUsage(startCpu))
const healthy = results.filter((r) => r.status === 'healthy').length
const ratio = elapsedMs / IDEAL_MS

console.log(`monitor cycle: ${ENVIRONMENTS} environments answering in ${ANSWER_MS} ms, concurrency ${CONCURRENCY}`)
console.log(`  healthy results: ${healthy}/${ENVIRONMENTS}`)
console.log(`  cycle time:      ${(elapsedMs / 1000).toFixed(3)} s (ideal ${(IDEAL_MS / 1000).toFixed(1)} s)`)
console.log(`  bare undici:     ${(baselineMs / 1000).toFixed(3)} s for the same 1,000 GETs (monitor overhead ${((elapsedMs / baselineMs - 1) * 100).toFixed(0)}%)`)
console.log(`  CPU (process, monitor and target threads): cycle ${cycleCpuMs.toFixed(0)} ms, bare undici ${baselineCpuMs.toFixed(0)} ms`)
console.log(`  ratio:           ${ratio.toFixed(3)}x (limit ${LIMIT_RATIO}x) ${ratio <= LIMIT_RATIO && healthy === ENVIRONMENTS ? 'PASS' : 'FAIL'}`)

await dispatcher.close()
worker.postMessage('close')
process.exitCode = ratio <= LIMIT_RATIO && healthy === ENVIRONMENTS ? 0 : 1
