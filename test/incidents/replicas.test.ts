import t from 'tap'
import type { Status } from '../../src/health/status.js'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig, type Replica } from '../support/incident-harness.js'
import { createTestDatabase } from '../support/pg-database.js'
import { waitFor } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const TARGETS = [{ name: 'production', labels: [] }, { name: 'staging', labels: [] }]

t.test('three replicas sharing PostgreSQL, all handed every cycle, file one issue per incident; a new leader carries on', async (t) => {
  const url = await createTestDatabase(t)
  const standIn = await startGithubStandIn()
  const config = standInConfig(standIn, { STATE_DATABASE_URL: url })
  const replicas = await Promise.all([1, 2, 3].map(async () => await startReplica(config, TARGETS, { leaseTtlMs: 60_000 })))
  const open = new Set(replicas)
  t.teardown(async () => {
    for (const r of open) await r.close()
    await standIn.close()
  })
  const leaderOf = async (): Promise<Replica> => await waitFor('exactly one leader', () => {
    const leaders = [...open].filter((r) => r.leadership.role() === 'leader')
    const decided = [...open].every((r) => r.leadership.role() !== 'unknown')
    return decided && leaders.length === 1 && leaders[0]
  })

  const plan: Array<[Status, Status]> = [
    ['unhealthy', 'unhealthy'], ['unhealthy', 'unhealthy'], ['unhealthy', 'unhealthy'],
    ['healthy', 'unhealthy'], ['healthy', 'unhealthy'], ['unhealthy', 'healthy'], ['unhealthy', 'healthy']
  ]
  for (const [cycle, [production, staging]] of plan.entries()) {
    if (cycle === 4) {
      // The leader goes away between cycles; another takes the lease at once (released on close).
      const leader = await leaderOf()
      await leader.close()
      open.delete(leader)
      await Promise.all([...open].map(async (r) => await (r.leadership as unknown as { refresh: () => Promise<unknown> }).refresh()))
    }
    const at = minutesAfter(T0, 15 * cycle)
    const results = [checkResult('production', production, { at }), checkResult('staging', staging, { at })]
    await leaderOf()
    await Promise.all([...open].map(async (r) => { await r.cycle(results, at) }))
  }

  t.same(standIn.issues.map((i) => [i.title, i.state, i.comments.length]), [
    ['Production Deployment Health Check Failed', 'closed', 1],
    ['Staging Deployment Health Check Failed', 'closed', 1],
    ['Production Deployment Health Check Failed', 'open', 0]
  ])
  t.same(standIn.violations, [])
})
