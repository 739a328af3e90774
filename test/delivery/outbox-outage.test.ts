import t from 'tap'
import type { Metrics } from '../../src/metrics/create-metrics.js'
import { checkResult } from '../support/check-results.js'
import { startFaultProxy } from '../support/fault-proxy.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { standInConfig, startReplica } from '../support/incident-harness.js'
import { createTestDatabase } from '../support/pg-database.js'
import { query, throughPort } from '../support/state-scenarios.js'
import { waitFor } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const TARGETS = [{ name: 'production', labels: [] }]

/** The stand-in's API URL through the fault proxy (no trailing slash: Octokit appends paths). */
const viaProxy = (url: string, port: number): string => throughPort(url, port).replace(/\/$/, '')
/** GitHub requests made so far (refused ones included: they are counted as failures). */
const githubRequests = async (metrics: Metrics): Promise<number> =>
  (await metrics.githubRequests.get()).values.reduce((sum, v) => sum + v.value, 0)

t.test('closing the incident side while GitHub refuses connections does not wait out the client\'s retries; the event stays pending and is filed by the next process', async (t) => {
  const url = await createTestDatabase(t)
  const standIn = await startGithubStandIn()
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(standIn.url).port) })
  t.teardown(async () => { await proxy.close(); await standIn.close() })
  await proxy.setMode('refuse')
  const config = standInConfig(standIn, { STATE_DATABASE_URL: url, GITHUB_API_URL: viaProxy(standIn.url, proxy.port) })
  // The client's production retries of reads: 1 s, 4 s and 9 s between tries, whatever the answer.
  const first = await startReplica(config, TARGETS, { github: { retryDelayUnitMs: 1000, retries: 3, requestTimeoutMs: 2_000, writeSpacingMs: 0 } })
  await waitFor('the lease taken', () => first.leadership.role() === 'leader')
  first.intake.submit([checkResult('production', 'unhealthy', { at: T0 })], T0)
  await waitFor('the opening stored', async () => (await query(url, 'SELECT id FROM vigil_outbox')).length > 0)
  // The try is counted in the store before it is made: the client is at it, its first request refused.
  await waitFor('the opening being tried', async () => (await query<{ attempts: number }>(url, 'SELECT attempts FROM vigil_outbox'))[0]?.attempts === 1)
  await waitFor('a refused GitHub request', async () => await githubRequests(first.metrics) >= 1)

  const before = await githubRequests(first.metrics)
  await first.close()
  t.equal(await githubRequests(first.metrics), before, 'closed before the client tried again (its next try is a second away)')
  const rows = await query<{ state: string, attempts: number }>(url, 'SELECT state, attempts FROM vigil_outbox')
  t.same(rows.map((r) => [r.state, r.attempts]), [['pending', 1]], 'the opening is still pending, its try counted')

  await proxy.setMode('pass')
  const second = await startReplica(config, TARGETS)
  t.teardown(async () => { await second.close() })
  await waitFor('the issue filed', () => standIn.issues.length > 0)
  await second.settle()
  t.same(standIn.issues.map((i) => [i.title, i.state]), [['Production Deployment Health Check Failed', 'open']], 'filed once')
  t.same(standIn.violations, [])
})
