/**
 * Railway deploy webhook → GitHub issue: from posting a `Deployment.crashed` delivery to the
 * moment the GitHub stand-in receives the creation, median and p99 over 50 events; the
 * goal is under 2 s at the median (issue 9).
 *
 *   npx tsx bench/railway-webhook.ts
 *
 * Vigil runs as the real process (src/server.ts, a monitor file of 50 environments, an hour between
 * scheduled cycles so that only the events check anything). Each event is about its own environment,
 * whose target starts answering 500 just before the delivery; events are sent one at a time, each
 * after the previous issue was filed, so every figure is one event's own path: webhook → event gate
 * → check (one attempt) → decision → outbox → GitHub. The stand-in answers at once; loopback only.
 * Octokit's throttling spaces requests that notify people (issue creation among them) 3 s apart, as
 * GitHub asks of integrations; events come NOTIFY_SPACING_MS after the previous issue so that this
 * spacing, which is GitHub's rule and not the path's, stays out of the figures.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startGithubStandIn } from '../test/support/github-stand-in.js'
import { railwayPayload } from '../test/support/railway-payloads.js'
import { startServerProcess } from './support/server-process.js'

const EVENTS = 50
const GOAL_MEDIAN_MS = 2000
const SECRET = 'bench-webhook-secret-0123456789abcdef'
const TOKEN = 'ghp_benchTokenForTheLocalStandIn000000000'
const WAIT_MS = 30_000
const NOTIFY_SPACING_MS = 3_100

// /env-<i>/health answers 500 once env-i is failing, 200 before.
const failing = new Set<number>()
const targets = createServer((req, res) => {
  const index = Number(/^\/env-(\d+)\//.exec(req.url ?? '')?.[1] ?? -1)
  const code = failing.has(index) ? 500 : 200
  res.writeHead(code, { 'content-type': 'application/json' }).end(code === 200 ? '{"status":"ok"}' : '{"error":"boom"}')
})
targets.listen(0, '127.0.0.1')
await once(targets, 'listening')
const targetPort = (targets.address() as AddressInfo).port

const directory = mkdtempSync(join(tmpdir(), 'vigil-bench-'))
const monitorFile = join(directory, 'monitor.json')
writeFileSync(monitorFile, JSON.stringify({
  interval: '1h',
  environments: Array.from({ length: EVENTS }, (_, i) => ({ name: `env-${i}`, url: `http://127.0.0.1:${targetPort}/env-${i}`, attempts: 1, timeout: '5s' }))
}))

const github = await startGithubStandIn('acme/platform')
const vigil = await startServerProcess('src/server.ts', {
  MONITOR_CONFIG: monitorFile, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/platform', GITHUB_API_URL: github.url, RAILWAY_WEBHOOK_SECRET: SECRET
})

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
const latencies: number[] = []
try {
  // Warm-up: the start-up cycle (all healthy) and the first listing of open issues are done.
  const ready = Date.now() + WAIT_MS
  while (!github.requests.some((r) => r.operationId === 'issues/list-for-repo')) {
    if (Date.now() > ready) throw new Error('Vigil never listed the open issues on the stand-in')
    await sleep(10)
  }
  let lastCreatedAt = 0
  for (let i = 0; i < EVENTS; i++) {
    await sleep(Math.max(0, lastCreatedAt + NOTIFY_SPACING_MS - Date.now()))
    failing.add(i)
    const before = github.requests.length
    const sent = Date.now()
    const res = await fetch(`${vigil.url}/webhooks/railway/${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(railwayPayload({ type: 'Deployment.crashed', deploymentId: `dep-${i}`, environment: `env-${i}` }))
    })
    if (res.status !== 202) throw new Error(`delivery ${i}: HTTP ${res.status}`)
    const deadline = Date.now() + WAIT_MS
    let created
    while ((created = github.requests.slice(before).find((r) => r.operationId === 'issues/create')) === undefined) {
      if (Date.now() > deadline) throw new Error(`event ${i}: no issue within ${WAIT_MS} ms`)
      await sleep(2)
    }
    latencies.push(created.at - sent)
    lastCreatedAt = created.at
  }
} finally {
  await vigil.stop()
  await github.close()
  targets.close()
  rmSync(directory, { recursive: true, force: true })
}

const sorted = [...latencies].sort((a, b) => a - b)
const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2
console.log(`webhook delivery → issue filed, ${EVENTS} events (load ${loadavg()[0]!.toFixed(2)}):`)
console.log(`  median ${median.toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`)
console.log(`  goal: median under ${GOAL_MEDIAN_MS} ms — ${median < GOAL_MEDIAN_MS ? 'met' : 'NOT met'}`)
console.log(`  issues filed: ${github.issues.length} (expected ${EVENTS})`)
