import t from 'tap'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig, summary } from '../support/incident-harness.js'
import { createTestDatabase } from '../support/pg-database.js'
import { waitFor } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const at = (minutes: number): Date => minutesAfter(T0, minutes)
const LEGACY = 'Legacy Deployment Health Check Failed'

// Issue 7, failure 12: an environment taken out of the monitor file keeps its open issue for ever.
t.test('a replica started without an environment closes Vigil\'s own open issue for it with "Monitoring stopped"; another account\'s is untouched', async (t) => {
  const standIn = await startGithubStandIn()
  t.teardown(() => standIn.close())
  const config = standInConfig(standIn, { STATE_DATABASE_URL: await createTestDatabase(t) })

  const before = await startReplica(config, [{ name: 'production', labels: [] }, { name: 'legacy', labels: [] }])
  await waitFor('the first replica to lead', () => before.leadership.role() === 'leader')
  await before.cycle([checkResult('production', 'healthy', { at: at(0) }), checkResult('legacy', 'unhealthy', { at: at(0) })], at(0))
  t.same(summary(standIn).map((i) => [i.number, i.title, i.state]), [[1, LEGACY, 'open']])
  await before.close()
  const foreign = standIn.seedIssue({ title: LEGACY, body: '<!-- vigil:environment=legacy -->\nmy own notes', labels: ['deployment-alert'], author: 'someone-else' })

  // The monitor file no longer lists legacy.
  const after = await startReplica(config, [{ name: 'production', labels: [] }])
  t.teardown(() => after.close())
  await waitFor('the new replica to lead', () => after.leadership.role() === 'leader')
  await after.cycle([checkResult('production', 'healthy', { at: at(15) })], at(15))
  await after.cycle([checkResult('production', 'healthy', { at: at(30) })], at(30))

  t.same(summary(standIn), [
    { number: 1, title: LEGACY, state: 'closed', labels: ['deployment-alert'], comments: 1 },
    { number: 2, title: LEGACY, state: 'open', labels: ['deployment-alert'], comments: 0 }
  ])
  t.match(standIn.issues[0]!.comments[0]!.body, /^<!-- vigil:action=[^>]+ -->\n\*\*Monitoring stopped\.\*\* `legacy` is no longer in Vigil's configuration \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)/)
  t.equal(foreign.body, '<!-- vigil:environment=legacy -->\nmy own notes')
  t.same(standIn.requests.filter((r) => r.path.includes('/issues/2')), [], 'the other account\'s issue was never touched')
  t.same(after.links(), {}, 'nothing left open in the report')
  t.same(standIn.violations, [])
})
