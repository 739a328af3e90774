import t from 'tap'
import { startFaultProxy } from '../support/fault-proxy.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { createTestDatabase } from '../support/pg-database.js'
import { spawnVigil } from '../support/spawn-vigil.js'
import {
  blockWrites, issuesOn, outboxDelivered, ONE_STAGING_INCIDENT_OPEN, ONE_STAGING_INCIDENT_RECOVERED, sample, scenarioEnv,
  stagingMonitorFile, startScenarioApp, stateSessionsWaitingOnLock, terminateStateSessions, throughPort
} from '../support/state-scenarios.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'

// Issue 7, failure 1: a state session killed (or reset) while Vigil holds it checked out used to
// reach the process as an uncaught error and end it. The test holds a lock on the state table so
// that the decider's write waits inside its transaction, then ends the session under it.

const SUCCESS = 'vigil_monitor_runs_total{result="success"}'

for (const how of ['terminated', 'reset'] as const) {
  t.test(`a state session ${how === 'terminated' ? 'terminated by PostgreSQL' : 'reset on the network'} mid-transaction: nothing escapes, cycles go on, the incident is filed and closed once`, async (t) => {
    const escaped = watchEscapedErrors()
    const stateUrl = await createTestDatabase(t)
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(stateUrl).port || 5432) })
    const standIn = await startGithubStandIn()
    const target = await startTargetServer()
    t.teardown(async () => { await proxy.close(); await standIn.close(); await target.close() })
    target.set('/staging/health', 'error')

    const app = await startScenarioApp(t, scenarioEnv(standIn, stagingMonitorFile(`${target.url}/staging`), throughPort(stateUrl, proxy.port)))
    await waitFor('the incident issue', () => standIn.issues.length === 1)
    // Delivered as far as Vigil knows: a store failure just after the create would (rightly) hold the
    // next events for the 60 s given by default to a write that may have happened.
    await waitFor('the opened event recorded as delivered', async () => await outboxDelivered(stateUrl, 1))

    const release = await blockWrites(stateUrl, 'vigil_environment_state')
    t.teardown(release)
    await waitFor('a decision waiting inside its transaction', async () => await stateSessionsWaitingOnLock(stateUrl) > 0)
    if (how === 'terminated') {
      t.ok(await terminateStateSessions(stateUrl) > 0, 'Vigil\'s state sessions were terminated')
    } else {
      await proxy.setMode('reset')
      await proxy.setMode('pass')
    }
    await release()

    const metrics = async (): Promise<string> => (await app.inject('/metrics')).body
    const before = sample(await metrics(), SUCCESS)
    await waitFor('two more successful cycles', async () => sample(await metrics(), SUCCESS) >= before + 2)
    await waitFor('the state component healthy again', async () => (await app.inject('/health/detailed')).json().components.state?.status === 'healthy')
    t.equal((await app.inject('/health')).statusCode, 200, 'still serving')
    t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_OPEN, 'still the one issue while the outage lasts')

    target.set('/staging/health', 'healthy')
    await waitFor('the issue closed', () => standIn.issues[0]?.state === 'closed')
    const after = sample(await metrics(), SUCCESS)
    await waitFor('two more cycles after the recovery', async () => sample(await metrics(), SUCCESS) >= after + 2)
    t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_RECOVERED, 'one issue, closed with one recovery comment')
    t.same(standIn.violations, [])
    escaped(t)
  })
}

t.test('the real process survives its state sessions being terminated mid-transaction and files the incident once', async (t) => {
  const stateUrl = await createTestDatabase(t)
  const standIn = await startGithubStandIn()
  const target = await startTargetServer()
  t.teardown(async () => { await standIn.close(); await target.close() })
  target.set('/staging/health', 'error')

  const vigil = spawnVigil({ ...scenarioEnv(standIn, stagingMonitorFile(`${target.url}/staging`), stateUrl), LOG_LEVEL: 'info' })
  t.teardown(async () => { if (vigil.child.exitCode === null) { vigil.child.kill('SIGKILL'); await vigil.exited } })
  const port = await vigil.listening()
  const get = async (path: string): Promise<Response> => {
    if (vigil.child.exitCode !== null) throw new Error(`vigil exited (${vigil.child.exitCode}):\n${vigil.output().slice(-2_000)}`)
    return await fetch(`http://127.0.0.1:${port}${path}`)
  }
  const metrics = async (): Promise<string> => await (await get('/metrics')).text()
  await waitFor('the incident issue', () => standIn.issues.length === 1)
  // Delivered as far as Vigil knows: a store failure just after the create would (rightly) hold the
  // next events for the 60 s given by default to a write that may have happened.
  await waitFor('the opened event recorded as delivered', async () => await outboxDelivered(stateUrl, 1))

  const release = await blockWrites(stateUrl, 'vigil_environment_state')
  t.teardown(release)
  await waitFor('a decision waiting inside its transaction', async () => await stateSessionsWaitingOnLock(stateUrl) > 0)
  t.ok(await terminateStateSessions(stateUrl) > 0, 'Vigil\'s state sessions were terminated')
  await release()

  const before = sample(await metrics(), SUCCESS)
  await waitFor('two more successful cycles', async () => sample(await metrics(), SUCCESS) >= before + 2)
  target.set('/staging/health', 'healthy')
  await waitFor('the issue closed', () => standIn.issues[0]?.state === 'closed')

  t.equal(vigil.child.exitCode, null, 'the process is still running')
  t.equal((await get('/health')).status, 200, 'and serving')
  t.same(vigil.output().split('\n').filter((line) => /"msg":"(uncaught error, shutting down|shutting down: readiness now fails)"/.test(line)), [], 'it never began to shut down')
  t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_RECOVERED, 'one issue, closed with one recovery comment')
})
