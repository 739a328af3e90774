import t from 'tap'
import { startFaultProxy } from '../support/fault-proxy.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { createTestDatabase } from '../support/pg-database.js'
import { spawnVigil } from '../support/spawn-vigil.js'
import {
  blockWrites, issuesOn, ONE_STAGING_INCIDENT_RECOVERED, outboxDelivered, query, sample, scenarioEnv, stagingMonitorFile,
  stateSessionsWaitingOnLock, terminateStateSessions, throughPort
} from '../support/state-scenarios.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

// Issue 7: "the process never exits on a PostgreSQL error". The real process, its state database
// and its probed database each behind a fault proxy, is hit again and again while cycles run:
// sessions terminated (idle and mid-transaction), connections reset, hung then reset mid-query,
// refused. It must keep serving /health, keep cycling, and still file the incident once.

const SUCCESS = 'vigil_monitor_runs_total{result="success"}'

t.test('PostgreSQL errors of every kind, again and again, never end the process', async (t) => {
  const stateUrl = await createTestDatabase(t)
  const pgPort = Number(new URL(stateUrl).port || 5432)
  const stateProxy = await startFaultProxy({ host: '127.0.0.1', port: pgPort })
  const probeProxy = await startFaultProxy({ host: '127.0.0.1', port: pgPort })
  const standIn = await startGithubStandIn()
  const target = await startTargetServer()
  t.teardown(async () => { await stateProxy.close(); await probeProxy.close(); await standIn.close(); await target.close() })
  target.set('/staging/health', 'error')

  const vigil = spawnVigil({
    ...scenarioEnv(standIn, stagingMonitorFile(`${target.url}/staging`), throughPort(stateUrl, stateProxy.port)),
    DATABASE_URL: throughPort(stateUrl, probeProxy.port),
    PROBE_INTERVAL: '1s',
    PROBE_TIMEOUT: '1s',
    LOG_LEVEL: 'info'
  })
  t.teardown(async () => { if (vigil.child.exitCode === null && vigil.child.signalCode === null) { vigil.child.kill('SIGKILL'); await vigil.exited } })
  const port = await vigil.listening()
  t.teardown(() => {
    if (!t.passing()) t.comment(vigil.output().split('\n').filter((line) => /"level":(40|50|60)|delivered|stored/.test(line)).slice(-40).join('\n'))
  })
  const alive = (): void => {
    if (vigil.child.exitCode !== null || vigil.child.signalCode !== null) throw new Error(`vigil exited:\n${vigil.output().slice(-3_000)}`)
  }
  const get = async (path: string): Promise<Response> => {
    alive()
    try {
      return await fetch(`http://127.0.0.1:${port}${path}`)
    } catch (error) {
      // Most likely the process is ending: say so, with its last words.
      await Promise.race([vigil.exited, new Promise((resolve) => setTimeout(resolve, 1_000))])
      alive()
      throw error
    }
  }
  const cycles = async (): Promise<number> => sample(await (await get('/metrics')).text(), SUCCESS)
  const serving = async (what: string): Promise<void> => {
    t.equal((await get('/health')).status, 200, `serving /health after ${what}`)
    const now = await cycles()
    await waitFor(`a cycle after ${what}`, async () => await cycles() > now)
  }
  await waitFor('the incident issue', () => standIn.issues.length === 1)
  // Delivered as far as Vigil knows: a store failure just after the create would (rightly) hold the
  // next events for the 60 s given by default to a write that may have happened.
  await waitFor('the opened event recorded as delivered', async () => await outboxDelivered(stateUrl, 1))

  for (let round = 1; round <= 2; round++) {
    // Every session of Vigil's, idle or not, ended by the server.
    await query(stateUrl, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name IN (\'vigil-state\', \'vigil-probe\') AND datname = current_database()')
    await serving(`round ${round}: sessions terminated`)

    // A state session ended while a decision waits inside its transaction.
    const release = await blockWrites(stateUrl, 'vigil_environment_state')
    await waitFor('a decision waiting inside its transaction', async () => await stateSessionsWaitingOnLock(stateUrl) > 0)
    await terminateStateSessions(stateUrl)
    await release()
    await serving(`round ${round}: a session terminated mid-transaction`)

    // Queries of both pools held on the wire, then the connections reset under them.
    await stateProxy.setMode('hang')
    await probeProxy.setMode('hang')
    await waitFor('queries of both pools held', () => stateProxy.held().length > 0 && probeProxy.held().length > 0)
    await stateProxy.setMode('reset')
    await probeProxy.setMode('reset')
    await stateProxy.setMode('pass')
    await probeProxy.setMode('pass')
    await serving(`round ${round}: connections reset mid-query`)

    // Refused for a while, then back.
    await stateProxy.setMode('refuse')
    await probeProxy.setMode('refuse')
    await serving(`round ${round}: connections refused`)
    await stateProxy.setMode('pass')
    await probeProxy.setMode('pass')
  }

  target.set('/staging/health', 'healthy')
  await waitFor('the issue closed', () => standIn.issues[0]?.state === 'closed')
  const report = await (await get('/health/detailed')).json() as { components: Record<string, { status: string }> }
  t.equal(report.components.database?.status, 'healthy', 'the probed database is healthy again')
  t.equal(report.components.state?.status, 'healthy', 'the state database is healthy again')
  alive()
  t.same(vigil.output().split('\n').filter((line) => /"msg":"(uncaught error, shutting down|shutting down: readiness now fails)"/.test(line)), [], 'it never began to shut down')
  t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_RECOVERED, 'one issue, closed with one recovery comment')
})
