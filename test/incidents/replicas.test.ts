import t from 'tap'
import type { Status } from '../../src/health/status.js'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig } from '../support/incident-harness.js'
import { createTestDatabase } from '../support/pg-database.js'

const T0 = new Date('2026-11-26T10:00:00Z')

t.test('three replicas sharing PostgreSQL, all running every cycle, file one issue per incident', async (t) => {
  const url = await createTestDatabase(t)
  const standIn = await startGithubStandIn()
  const config = standInConfig(standIn, { STATE_DATABASE_URL: url })
  const replicas = await Promise.all([1, 2, 3].map(async () => await startReplica(config)))
  t.teardown(async () => {
    for (const r of replicas) { await r.sink.close(); await r.lock.close() }
    await standIn.close()
  })

  const plan: Array<[Status, Status]> = [
    ['unhealthy', 'unhealthy'], ['unhealthy', 'unhealthy'], ['unhealthy', 'unhealthy'],
    ['healthy', 'unhealthy'], ['healthy', 'unhealthy'], ['unhealthy', 'healthy'], ['unhealthy', 'healthy']
  ]
  let running = 0
  let most = 0
  let cyclesRun = 0
  for (const [cycle, [production, staging]] of plan.entries()) {
    const at = minutesAfter(T0, 15 * cycle)
    const results = [checkResult('production', production, { at }), checkResult('staging', staging, { at })]
    const outcomes = await Promise.all(replicas.map(async (r) => await r.lock.runExclusive(async () => {
      running += 1
      most = Math.max(most, running)
      try { return await r.sink.handle(results, at) } finally { running -= 1 }
    })))
    cyclesRun += outcomes.filter((o) => o.ran).length
  }

  t.equal(most, 1, 'never two replicas inside a cycle at once')
  t.ok(cyclesRun >= plan.length, 'every cycle ran somewhere')
  const issues = standIn.issues.map((i) => [i.title, i.state, i.comments.length])
  t.same(issues, [
    ['Production Deployment Health Check Failed', 'closed', 1],
    ['Staging Deployment Health Check Failed', 'closed', 1],
    ['Production Deployment Health Check Failed', 'open', 0]
  ])
  t.same(standIn.violations, [])
})
