import autocannon from 'autocannon'
import { startServerProcess, type ServerProcess } from './support/server-process.js'

const CONNECTIONS = 50
const DURATION_S = Number(process.env.BENCH_DURATION ?? 4)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)

interface Round { rps: number, cpuUsPerRequest: number }

async function measure (server: ServerProcess, path: string): Promise<Round> {
  const cpuBefore = server.cpuMs()
  const result = await autocannon({ url: `${server.url}${path}`, connections: CONNECTIONS, duration: DURATION_S, pipelining: 1 })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rps: result.requests.average, cpuUsPerRequest: ((server.cpuMs() - cpuBefore) * 1000) / result.requests.total }
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
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
  const rounds: Array<{ vigil: Round, bare: Round }> = []
  try {
    await measure(bare, '/')
    await measure(vigil, '/health')
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so drift on the machine hits both alike.
      if (round % 2 === 0) {
        const b = await measure(bare, '/')
        rounds.push({ bare: b, vigil: await measure(vigil, '/health') })
      } else {
        const v = await measure(vigil, '/health')
        rounds.push({ vigil: v, bare: await measure(bare, '/') })
      }
    }
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
