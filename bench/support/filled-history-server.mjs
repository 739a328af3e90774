// The built server (dist/) with its memory history filled before it listens: BENCH_HISTORY_RESULTS
// (default 100) results, 15 minutes apart and ending a minute ago, for every configured
// environment, as a server that has run that many cycles holds (100 is the memory budget's share at
// 10,000 environments). Every 50th result of an environment is unhealthy, so uptime and outages
// have something to count. Used by bench/big-reads.ts; run `npm run build` first.
import process from 'node:process'
import { startServer } from '../../dist/start.js'

const perEnvironment = Number(process.env.BENCH_HISTORY_RESULTS ?? 100)
const STEP_MS = 15 * 60_000

await startServer(process.env, async (app) => {
  const { history, config } = app.vigil
  const names = config.monitor.environments.map((target) => target.name)
  const last = Date.now() - 60_000
  for (let cycle = 0; cycle < perEnvironment; cycle++) {
    const checkedAt = new Date(last - (perEnvironment - 1 - cycle) * STEP_MS)
    history.record(names.map((environment, i) => {
      const up = (cycle + i) % 50 !== 0
      return { environment, checkedAt, status: up ? 'healthy' : 'unhealthy', responseTimeMs: 80 + ((cycle * 7 + i) % 60), httpStatus: up ? 200 : 503, tlsDaysLeft: 60 }
    }), 'leader')
    // A read waits for the record (sliced) to finish: one cycle's results in memory at a time.
    await history.read(new Date(), [])
  }
  app.log.info({ environments: names.length, results: perEnvironment }, 'bench: history filled')
})
