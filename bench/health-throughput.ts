import autocannon from 'autocannon'
import { startServerProcess, type ServerProcess } from './support/server-process.js'

const CONNECTIONS = 50
const DURATION_S = Number(process.env.BENCH_DURATION ?? 4)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)

/** One autocannon round against one server: requests/s and the server's CPU per request (µs). */
export interface Round { rps: number, cpuUsPerRequest: number }

/** Drives `path` of `server` with autocannon (50 connections, BENCH_DURATION s); throws on any non-2xx or error. */
export async function measure (server: ServerProcess, path: string): Promise<Round> {
  const cpuBefore = server.cpuMs()
  const result = await autocannon({ url: `${server.url}${path}`, connections: CONNECTIONS, duration: DURATION_S, pipelining: 1 })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rps: result.requests.average, cpuUsPerRequest: ((server.cpuMs() - cpuBefore) * 1000) / result.requests.total }
}

/** The median of a non-empty list. */
export const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * One warm-up round each, then `count` rounds of Vigil's `path` and the bare server's `/`,
 * alternating which goes first so that drift on the machine hits both alike.
 */
export async function alternatingRounds (vigil: ServerProcess, path: string, bare: ServerProcess, count: number): Promise<Array<{ vigil: Round, bare: Round }>> {
  const rounds: Array<{ vigil: Round, bare: Round }> = []
  await measure(bare, '/')
  await measure(vigil, path)
  for (let round = 0; round < count; round++) {
    // Alternate which goes first, so drift on the machine hits both alike.
    if (round % 2 === 0) {
      const b = await measure(bare, '/')
      rounds.push({ bare: b, vigil: await measure(vigil, path) })
    } else {
      const v = await measure(vigil, path)
      rounds.push({ vigil: v, bare: await measure(bare, '/') })
    }
  }
  return rounds
}

/**
 * /health against a bare Fastify route answering {"status":"ok"} (plain node, same logger level,
 * request logging off as in Vigil), same connections and duration. Rounds alternate which server
 * goes first, and the figure is the median of the per-round ratios, because a shared 2-vCPU VM
 * moves single rounds by ±25 %. Bar: >= 0.9.
 */
export async function benchHealthThroughput (): Promise<{ ratio: number, cpuRatio: number }> {
  const bare = await startServerProcess('bench/bare-server.mjs')
  const vigil = await startServerProcess('dist/server.js')
  let rounds: Array<{ vigil: Round, bare: Round }>
  try {
    rounds = await alternatingRounds(vigil, '/health', bare, ROUNDS)
  } finally {
    await bare.stop()
    await vigil.stop()
  }
  const ratio = median(rounds.map((r) => r.vigil.rps / r.bare.rps))
  const cpuRatio = median(rounds.map((r) => r.bare.cpuUsPerRequest / r.vigil.cpuUsPerRequest))
  console.log(`/health throughput: median ${median(rounds.map((r) => r.vigil.rps)).toFixed(0)} req/s; bare Fastify baseline: median ${median(rounds.map((r) => r.bare.rps)).toFixed(0)} req/s; ${CONNECTIONS} connections, ${DURATION_S} s a round`)
  console.log(`  requests/s ratio (median of ${ROUNDS} rounds): ${ratio.toFixed(3)} (bar >= 0.9) ${ratio >= 0.9 ? 'PASS' : 'FAIL'}; per round ${rounds.map((r) => (r.vigil.rps / r.bare.rps).toFixed(2)).join(', ')}`)
  console.log(`  server CPU per request: /health ${median(rounds.map((r) => r.vigil.cpuUsPerRequest)).toFixed(1)} µs, baseline ${median(rounds.map((r) => r.bare.cpuUsPerRequest)).toFixed(1)} µs; capacity ratio ${cpuRatio.toFixed(3)} (baseline CPU ÷ /health CPU; steadier than requests/s on a shared VM)`)
  return { ratio, cpuRatio }
}
