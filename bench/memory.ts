import autocannon from 'autocannon'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServerProcess } from './support/server-process.js'

const REQUESTS = 100_000
const WARM_UP = 10_000

/**
 * RSS of a Vigil process with no configuration: idle after start (bar < 90 MB), then the growth
 * over 100,000 /health requests after a warm-up of 10,000 (bar < 5 MB).
 */
export async function benchMemory (): Promise<{ idleMb: number, growthMb: number }> {
  const vigil = await startServerProcess('dist/server.js')
  try {
    await sleep(2000)
    const idleMb = vigil.rssMb()
    await autocannon({ url: `${vigil.url}/health`, connections: 10, amount: WARM_UP })
    await sleep(2000)
    const warmMb = vigil.rssMb()
    await autocannon({ url: `${vigil.url}/health`, connections: 10, amount: REQUESTS })
    await sleep(2000)
    const afterMb = vigil.rssMb()
    const growthMb = afterMb - warmMb
    console.log(`idle RSS: ${idleMb.toFixed(1)} MB (bar < 90) ${idleMb < 90 ? 'PASS' : 'FAIL'}`)
    console.log(`RSS after ${WARM_UP} warm-up requests: ${warmMb.toFixed(1)} MB; after ${REQUESTS} more: ${afterMb.toFixed(1)} MB; growth ${growthMb.toFixed(1)} MB (bar < 5) ${growthMb < 5 ? 'PASS' : 'FAIL'}`)
    return { idleMb, growthMb }
  } finally {
    await vigil.stop()
  }
}
