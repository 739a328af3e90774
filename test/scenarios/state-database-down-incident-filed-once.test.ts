import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { startFaultProxy } from '../support/fault-proxy.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { createTestDatabase } from '../support/pg-database.js'
import {
  componentOf, issuesOn, ONE_STAGING_INCIDENT_OPEN, ONE_STAGING_INCIDENT_RECOVERED, scenarioEnv,
  stagingMonitorFile, startScenarioApp, successfulCycles, throughPort
} from '../support/state-scenarios.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'

// Issue 7, failure 3: the state database refusing connections used to stop every check. Now the
// environment's failure is seen while the store is down, and the incident decided meanwhile is
// filed once the store answers again: once, whichever replica ends up leading.

for (const replicas of [1, 2]) {
  t.test(`${replicas === 1 ? 'one replica' : 'two replicas'}: an environment failing while the state database refuses is filed once when it answers again`, async (t) => {
    const escaped = watchEscapedErrors()
    const stateUrl = await createTestDatabase(t)
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(stateUrl).port || 5432) })
    const standIn = await startGithubStandIn()
    const target = await startTargetServer()
    t.teardown(async () => { await proxy.close(); await standIn.close(); await target.close() })
    const env = scenarioEnv(standIn, stagingMonitorFile(`${target.url}/staging`), throughPort(stateUrl, proxy.port))
    const role = async (app: FastifyInstance): Promise<unknown> => (await componentOf(app, 'monitor'))?.details?.role

    const apps: FastifyInstance[] = []
    for (let i = 0; i < replicas; i++) {
      const app = await startScenarioApp(t, env)
      apps.push(app)
      await waitFor(`replica ${i + 1} to know its role`, async () => await role(app) === (i === 0 ? 'leader' : 'follower'))
    }

    await proxy.setMode('refuse')
    target.set('/staging/health', 'error')
    const checksAtCut = target.hits.get('/staging/health') ?? 0
    for (const [i, app] of apps.entries()) {
      await waitFor(`replica ${i + 1} to see the store down`, async () => (await componentOf(app, 'state'))?.status === 'unhealthy')
      await waitFor(`replica ${i + 1} to check on its own`, async () => await role(app) === 'unknown')
      await waitFor(`replica ${i + 1} to report staging unhealthy`, async () =>
        (await app.inject('/health/detailed')).json().environments.staging?.status === 'unhealthy')
    }
    await waitFor('three checks of each replica while the store is down', () => (target.hits.get('/staging/health') ?? 0) >= checksAtCut + 3 * replicas)
    t.same(standIn.issues, [], 'nothing filed while the decision cannot be stored')

    await proxy.setMode('pass')
    await waitFor('the incident issue', () => standIn.issues.length >= 1)
    const leader = await waitFor('a leader', async () => {
      for (const app of apps) if (await role(app) === 'leader') return app
      return undefined
    })
    const cycles = await successfulCycles(leader)
    await waitFor('three more cycles', async () => await successfulCycles(leader) >= cycles + 3)
    t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_OPEN, 'one issue, filed once')

    target.set('/staging/health', 'healthy')
    await waitFor('the issue closed', () => standIn.issues[0]?.state === 'closed')
    const after = await successfulCycles(leader)
    await waitFor('two more cycles', async () => await successfulCycles(leader) >= after + 2)
    t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_RECOVERED, 'closed with one recovery comment')
    for (const app of apps) t.equal((await componentOf(app, 'state'))?.status, 'healthy', 'the state component is healthy again')
    t.same(standIn.violations, [])
    escaped(t)
  })
}
