/**
 * PostgreSQL accepts connections but never answers (a hanging proxy in front of it) while
 * `/health/readiness` and `/health/detailed` take 1,000 requests/s for 10 s each. Prints p99 for
 * each, and how many queries reached PostgreSQL against the probe schedule.
 *
 *   npx tsx bench/readiness-under-hang.ts
 *
 * Vigil runs in a child process so the load generator does not share its event loop.
 */
import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { startFaultProxy, type FaultProxy } from '../test/support/fault-proxy.js'

const INTERVAL = '1s'
const TIMEOUT = '500ms'
const RATE = 1000
const SECONDS = 10

async function serve (): Promise<void> {
  const { loadConfig } = await import('../src/config/load-config.js')
  const { buildApp } = await import('../src/app.js')
  const app = await buildApp(loadConfig(process.env))
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  // The noise floor of this machine: a bare route in the same process.
  const { default: Fastify } = await import('fastify')
  const bare = Fastify()
  bare.get('/bare', async () => ({ status: 'ok' }))
  const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' })
  process.stdout.write(`${JSON.stringify({ address, bareAddress })}\n`)
  process.on('SIGTERM', () => { void Promise.all([app.close(), bare.close()]).then(() => process.exit(0)) })
}

interface Served { address: string, bareAddress: string }

async function startVigil (proxy: FaultProxy): Promise<Served & { child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'warn', PROBE_INTERVAL: INTERVAL, PROBE_TIMEOUT: TIMEOUT, DATABASE_URL: `postgres://postgres:bench-password@127.0.0.1:${proxy.port}/test` },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const [line] = await once(child.stdout!, 'data') as [Buffer]
  return { child, ...(JSON.parse(line.toString()) as Served) }
}

/** Probe runs of `database` so far, from Vigil's own counter. */
async function probeRuns (address: string): Promise<number> {
  const text = await (await fetch(`${address}/metrics`)).text()
  let runs = 0
  for (const match of text.matchAll(/^vigil_probe_results_total\{component="database",status="\w+"\} (\d+)/gm)) runs += Number(match[1])
  return runs
}

async function load (address: string, path: string): Promise<string> {
  // overallRate sends at a fixed rate; latencies are corrected for coordinated omission.
  const result = await autocannon({ url: `${address}${path}`, duration: SECONDS, connections: 10, overallRate: RATE })
  const codes = `${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`
  return `${path.padEnd(18)} ${result.requests.total} requests (${codes}); latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`
}

async function phase (name: string, proxy: FaultProxy, address: string): Promise<void> {
  const start = { runs: await probeRuns(address), received: proxy.queriesReceived, forwarded: proxy.queriesForwarded, connections: proxy.connections, at: Date.now() }
  console.log(`\n${name}`)
  for (const path of ['/health/readiness', '/health/detailed']) console.log(`  ${await load(address, path)}`)
  const seconds = (Date.now() - start.at) / 1000
  const requests = Math.round(seconds * RATE)
  const runs = (await probeRuns(address)) - start.runs
  console.log(`  over ${seconds.toFixed(1)} s: ${runs} probe runs (schedule: one per ${INTERVAL}, about ${Math.round(seconds)}), ` +
    `${proxy.connections - start.connections} connections opened, ${proxy.queriesReceived - start.received} queries sent by Vigil, ` +
    `${proxy.queriesForwarded - start.forwarded} reached PostgreSQL, for about ${requests} HTTP requests`)
}

async function main (): Promise<void> {
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: 5432 })
  const { child, address, bareAddress } = await startVigil(proxy)
  try {
    while ((await fetch(`${address}/health/readiness`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 50))
    console.log(`Vigil ${address}, PROBE_INTERVAL=${INTERVAL} PROBE_TIMEOUT=${TIMEOUT}, ${RATE} requests/s for ${SECONDS} s per route`)
    console.log(`\nReference: bare Fastify route in the same process\n  ${await load(bareAddress, '/bare')}`)
    await phase('PostgreSQL answering (reference)', proxy, address)
    await proxy.setMode('hang')
    await phase('PostgreSQL hanging: accepts connections, never answers', proxy, address)
  } finally {
    child.kill('SIGTERM')
    await once(child, 'exit')
    await proxy.close()
  }
}

if (process.argv[2] === 'serve') await serve()
else await main()
