import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { createTestDatabase } from '../support/pg-database.js'
import {
  componentOf, issuesOn, ONE_STAGING_INCIDENT_OPEN, ONE_STAGING_INCIDENT_RECOVERED, scenarioEnv,
  stagingMonitorFile, startScenarioApp, successfulCycles, throughPort
} from '../support/state-scenarios.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'

// Issue 7, failure 2: a network cut between the leader and PostgreSQL (the proxy stops forwarding,
// both sides stay open) used to leave the lock held for hours. Two replicas share a database, each
// through a fault proxy of its own; the monitor interval is 1 s.

const role = async (app: FastifyInstance): Promise<unknown> => (await componentOf(app, 'monitor'))?.details?.role

async function twoReplicas (t: Test, leaseTtlMs: number) {
  const stateUrl = await createTestDatabase(t)
  const port = Number(new URL(stateUrl).port || 5432)
  const proxies: FaultProxy[] = [await startFaultProxy({ host: '127.0.0.1', port }), await startFaultProxy({ host: '127.0.0.1', port })]
  const standIn = await startGithubStandIn()
  const target = await startTargetServer()
  // Proxies first: a replica cut off closes only once its hung sessions are gone.
  t.teardown(async () => { for (const proxy of proxies) await proxy.close(); await standIn.close(); await target.close() })
  target.set('/staging/health', 'error')
  const file = stagingMonitorFile(`${target.url}/staging`)
  const start = async (i: number): Promise<FastifyInstance> =>
    await startScenarioApp(t, scenarioEnv(standIn, file, throughPort(stateUrl, proxies[i]!.port)), leaseTtlMs)

  const a = await start(0)
  await waitFor('replica A to lead', async () => await role(a) === 'leader')
  await waitFor('the incident issue', () => standIn.issues.length === 1)
  const b = await start(1)
  await waitFor('replica B to follow', async () => await role(b) === 'follower')
  return { a, b, proxies, standIn, target }
}

t.test('a leader cut off from PostgreSQL for longer than its lease is replaced: the other replica runs the cycles and closes the incident once', async (t) => {
  const escaped = watchEscapedErrors()
  const { a, b, proxies, standIn, target } = await twoReplicas(t, 1_500)
  const [proxyA] = proxies as [FaultProxy, FaultProxy]

  await proxyA.setMode('hang')
  await waitFor('replica B to take over', async () => await role(b) === 'leader')
  const taken = await successfulCycles(b)
  await waitFor('B to run cycles as the leader', async () => await successfulCycles(b) >= taken + 2)
  t.match(await componentOf(b, 'monitor'), { status: 'healthy', details: { role: 'leader' } }, 'B leads and its monitor is healthy')
  await waitFor('A to stop believing it leads', async () => await role(a) === 'unknown')
  t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_OPEN, 'the takeover filed nothing new')

  target.set('/staging/health', 'healthy')
  await waitFor('the issue closed by B', () => standIn.issues[0]?.state === 'closed')

  // The cut heals: A learns it follows and delivers nothing of what it decided meanwhile.
  await proxyA.setMode('reset')
  await proxyA.setMode('pass')
  await waitFor('A to follow', async () => await role(a) === 'follower')
  const now = await successfulCycles(b)
  await waitFor('two more cycles by B', async () => await successfulCycles(b) >= now + 2)
  t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_RECOVERED, 'one issue, closed with one recovery comment')
  t.same(standIn.violations, [])
  escaped(t)
})

t.test('a follower that has seen no cycle by anyone for two intervals reports the monitor unhealthy: nothing is decided', async (t) => {
  const escaped = watchEscapedErrors()
  // A longer lease: renewals (every third of it) are rarer than cycles.
  const { a, b, proxies, standIn } = await twoReplicas(t, 6_000)

  // Before anything breaks, a follower whose leader cycles every interval is healthy.
  const cycles = async (): Promise<number> => await successfulCycles(a)
  const from = await cycles()
  const seen: string[] = []
  await waitFor('four cycles by the leader', async () => {
    const monitor = await componentOf(b, 'monitor')
    seen.push(`${monitor?.status ?? '?'} ${String(monitor?.details?.role)}`)
    return await cycles() >= from + 4
  })
  t.same([...new Set(seen)], ['healthy follower'], 'B follows and is healthy while A cycles')

  // Both cut off: B keeps trusting what it last saw (A leads) but sees no cycle finish.
  for (const proxy of proxies) await proxy.setMode('hang')
  const stale = await waitFor('B to report the monitor unhealthy', async () => {
    const monitor = await componentOf(b, 'monitor')
    return monitor?.status === 'unhealthy' && /no monitor cycle has finished/.test(monitor.error ?? '') && monitor
  })
  t.match(stale, { error: /so no incident is decided until a replica takes the lead over$/, details: { role: 'follower' } }, 'unhealthy as a follower, saying what stops')

  for (const proxy of proxies) { await proxy.setMode('reset'); await proxy.setMode('pass') }
  await waitFor('a leader again', async () => await role(a) === 'leader' || await role(b) === 'leader')
  t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_OPEN, 'still the one issue')
  escaped(t)
})

t.test('a replica that takes over later never acts on results it checked while it was cut off', async (t) => {
  const escaped = watchEscapedErrors()
  const { a, b, proxies, standIn, target } = await twoReplicas(t, 1_500)
  const [proxyA] = proxies as [FaultProxy, FaultProxy]

  // A is cut off while staging fails: it goes on checking and keeps its (failing) results waiting.
  await proxyA.setMode('hang')
  await waitFor('B to take over', async () => await role(b) === 'leader')
  await waitFor('A to check on its own', async () => await role(a) === 'unknown')
  await proxyA.setMode('reset')
  await proxyA.setMode('pass')
  await waitFor('A to follow', async () => await role(a) === 'follower')

  target.set('/staging/health', 'healthy')
  await waitFor('the issue closed by B', () => standIn.issues[0]?.state === 'closed')
  // B goes away (a deploy): A leads again and checks for itself.
  await b.close()
  await waitFor('A to lead', async () => await role(a) === 'leader')
  const now = await successfulCycles(a)
  await waitFor('three cycles by A', async () => await successfulCycles(a) >= now + 3)
  t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_RECOVERED, 'no incident reopened from old results')
  escaped(t)
})
