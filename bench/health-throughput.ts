import autocannon from 'autocannon'
import { startServerProcess } from './support/server-process.js'

const CONNECTIONS = 50
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10)
const ROUNDS = 2

async function requestsPerSecond (url: string): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, pipelining: 1 })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average
}

/**
 * /health against a bare Fastify route answering {"status":"ok"}: same connections, duration and
 * log level, alternating rounds so drift on the machine hits both alike. Bar: ratio >= 0.9.
 */
export async function benchHealthThroughput (): Promise<{ ratio: number }> {
  const bare = await startServerProcess('bench/bare-server.ts')
  const vigil = await startServerProcess('dist/server.js')
  const baseline: number[] = []
  const health: number[] = []
  try {
    await requestsPerSecond(`${bare.url}/`)
    await requestsPerSecond(`${vigil.url}/health`)
    for (let round = 0; round < ROUNDS; round++) {
      baseline.push(await requestsPerSecond(`${bare.url}/`))
      health.push(await requestsPerSecond(`${vigil.url}/health`))
    }
  } finally {
    await bare.stop()
    await vigil.stop()
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  const ratio = mean(health) / mean(baseline)
  console.log(`/health throughput: ${mean(health).toFixed(0)} req/s; bare Fastify baseline: ${mean(baseline).toFixed(0)} req/s; ratio ${ratio.toFixed(3)} (bar >= 0.9) ${ratio >= 0.9 ? 'PASS' : 'FAIL'}`)
  console.log(`  rounds (health / baseline): ${health.map((h, i) => `${h.toFixed(0)} / ${baseline[i]!.toFixed(0)}`).join(', ')}; ${CONNECTIONS} connections, ${DURATION_S} s each`)
  return { ratio }
}
