/**
 * Idle cost of a long GitHub outage (issue 12's tryout): Vigil (the real process, src/server.ts)
 * with STATE_DATABASE_URL, 10,000 environments all failing at once (connections refused, one
 * cycle an hour, so no cycle runs during the measurement) and GitHub refusing every connection, so
 * 10,000 `opened` events wait in the outbox. Once they are all pending, samples the process's RSS
 * and CPU (from /proc) every 5 s for `BENCH_IDLE_SECONDS` (default 60), then sends SIGTERM and
 * times the exit. Bars: RSS flat, CPU well under 1 %, exit within a second, status 0.
 *
 *   npx tsx bench/outbox-idle.ts      (TEST_POSTGRES_URL, default the local `test` database;
 *                                       BENCH_OUTAGE_SIZE, default 10000)
 *
 * A scratch database is created and dropped. Only loopback traffic.
 */
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createTestDatabase } from '../test/support/pg-database.js'
import { startServerProcess } from './support/server-process.js'

const SIZE = Number(process.env.BENCH_OUTAGE_SIZE ?? 10_000)
const SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60)
const SAMPLE_MS = 5_000

/** A loopback port nothing listens on (bound, then closed): connections to it are refused. */
async function refusedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return port
}

/** Sum of a metric's samples with `labels` in /metrics. */
async function metric (url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(labels)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}

const teardowns: Array<() => Promise<void>> = []
try {
  const stateUrl = await createTestDatabase({ teardown: (fn) => { teardowns.push(fn) } })
  const refused = await refusedPort()
  const lines = ['interval: 1h', 'concurrency: 100', 'environments:']
  for (let i = 0; i < SIZE; i++) lines.push(`  - name: env-${i}`, `    url: http://127.0.0.1:${refused}`, '    attempts: 1')
  const monitorFile = join(tmpdir(), `vigil-bench-outbox-idle-${process.pid}.yml`)
  writeFileSync(monitorFile, lines.join('\n') + '\n')
  const vigil = await startServerProcess('src/server.ts', {
    MONITOR_CONFIG: monitorFile, STATE_DATABASE_URL: stateUrl,
    GITHUB_TOKEN: 'ghp_benchTokenForARefusingGithub0000000000', GITHUB_REPOSITORY: 'acme/platform', GITHUB_API_URL: `http://127.0.0.1:${refused}`
  })
  for (let waited = 0; await metric(vigil.url, 'vigil_incident_actions_pending', 'channel="github"') < SIZE; waited += 1) {
    if (waited > 300) throw new Error('the outage was not decided within 5 min')
    await sleep(1000)
  }
  await sleep(5_000)
  const samples: Array<{ s: number, rssMb: number, cpuMs: number }> = []
  const started = Date.now()
  for (let s = 0; s <= SECONDS; s += SAMPLE_MS / 1000) {
    samples.push({ s, rssMb: vigil.rssMb(), cpuMs: vigil.cpuMs() })
    if (s < SECONDS) await sleep(started + (s + SAMPLE_MS / 1000) * 1000 - Date.now())
  }
  const tries = await metric(vigil.url, 'vigil_incident_deliveries_total', 'channel="github"')
  const requests = await metric(vigil.url, 'vigil_github_requests_total')
  console.log(`  ${SIZE} events pending for GitHub (refusing); s, RSS MB, CPU % over the last 5 s:`)
  console.log('  ' + samples.map((x, i) => `${x.s}: ${x.rssMb.toFixed(1)}${i === 0 ? '' : ` ${((x.cpuMs - samples[i - 1]!.cpuMs) / SAMPLE_MS * 100).toFixed(1)} %`}`).join(', '))
  const first = samples[0]!
  const last = samples.at(-1)!
  console.log(`  RSS ${first.rssMb.toFixed(1)} → ${last.rssMb.toFixed(1)} MB (${((last.rssMb - first.rssMb) / SECONDS).toFixed(3)} MB/s); CPU ${((last.cpuMs - first.cpuMs) / (SECONDS * 10)).toFixed(2)} % over ${SECONDS} s`)
  console.log(`  since start: ${tries} delivery tries, ${requests} GitHub requests`)
  const term = performance.now()
  const exited = new Promise<number | null>((resolve) => vigil.child.once('exit', resolve))
  vigil.child.kill('SIGTERM')
  const code = await exited
  console.log(`  SIGTERM to exit: ${((performance.now() - term) / 1000).toFixed(2)} s (status ${String(code)})`)
} finally {
  for (const teardown of teardowns) await teardown()
}
