import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { ROOT } from './support/server-process.js'

const RUNS = 5
const PORT = 39_871

async function firstHealthyMs (): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, ['dist/server.js'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: 'ignore' })
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${PORT}/health`)
        if (res.status === 200) return performance.now() - started
      } catch { /* not listening yet */ }
      if (performance.now() - started > 10_000) throw new Error('no 200 from /health within 10 s')
      await sleep(5)
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}

/** Time from spawning `node dist/server.js` to its first 200 on /health (bar < 1 s), median of 5. */
export async function benchStartup (): Promise<{ medianMs: number }> {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) times.push(await firstHealthyMs())
  times.sort((a, b) => a - b)
  const medianMs = times[Math.floor(RUNS / 2)]!
  console.log(`start-up to first 200 on /health: median ${medianMs.toFixed(0)} ms of ${RUNS} runs (${times.map((t) => t.toFixed(0)).join(', ')} ms) (bar < 1000) ${medianMs < 1000 ? 'PASS' : 'FAIL'}`)
  return { medianMs }
}
