import t from 'tap'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn, type GithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig, summary, type Replica } from '../support/incident-harness.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const TARGETS = [{ name: 'production', labels: [] }]
const TITLE = 'Production Deployment Health Check Failed'
const LABELS = ['deployment-alert', 'urgent']

async function setup (t: { teardown: (fn: () => Promise<void>) => void }): Promise<{ standIn: GithubStandIn, replica: Replica }> {
  const standIn = await startGithubStandIn()
  const replica = await startReplica(standInConfig(standIn), TARGETS, { policy: { changeSpacingMs: 0 } })
  t.teardown(async () => { await replica.close(); await standIn.close() })
  return { standIn, replica }
}

const at = (minutes: number): Date => minutesAfter(T0, minutes)
const unhealthy = (minutes: number, failures?: string[]) => [checkResult('production', 'unhealthy', { at: at(minutes), ...(failures === undefined ? {} : { failures }) })]
const healthy = (minutes: number) => [checkResult('production', 'healthy', { at: at(minutes) })]

async function deliveryFigures (replica: Replica) {
  const metrics = await replica.metrics.registry.metrics()
  const github = replica.components.get('github')
  return { failed: /vigil_incident_deliveries_total\{[^}]*result="failed"[^}]*\} [1-9]/.test(metrics), pending: (github?.details as { pending?: number } | undefined)?.pending }
}

// Issue 7, failure 5: 410 for a deleted issue, 404 for a transferred one.
for (const [how, remove] of [['deleted (410)', 'deleteIssue'], ['transferred (404)', 'transferIssue']] as const) {
  t.test(`an incident issue ${how} while open blocks nothing: recover, fail, recover, fail files new issues`, async (t) => {
    const { standIn, replica } = await setup(t)
    await replica.cycle(unhealthy(0), at(0))
    t.same(summary(standIn), [{ number: 1, title: TITLE, state: 'open', labels: LABELS, comments: 0 }])
    standIn[remove](1)

    await replica.cycle(healthy(15), at(15))
    t.same(summary(standIn), [], 'the recovery of a vanished issue is done with: nothing to close')
    t.same(replica.links(), {})
    await replica.cycle(unhealthy(30), at(30))
    await replica.cycle(healthy(45), at(45))
    await replica.cycle(unhealthy(60), at(60))

    t.same(summary(standIn), [
      { number: 2, title: TITLE, state: 'closed', labels: LABELS, comments: 1 },
      { number: 3, title: TITLE, state: 'open', labels: LABELS, comments: 0 }
    ], 'each new failure opened a new issue; its recovery closed it')
    t.match(standIn.issues[0]!.comments[0]!.body, /Recovered[\s\S]*2026-11-26 10:45:00 UTC[\s\S]*Outage length:\*\* 15m/)
    t.equal(replica.links().production?.issue_url, 'https://github.example/acme/platform/issues/3')
    t.same(await deliveryFigures(replica), { failed: false, pending: 0 }, 'nothing failed, nothing waits')
    const onGone = standIn.requests.filter((r) => r.path.includes('/issues/1'))
    t.equal(onGone.length, 1, 'the vanished issue was asked about once (the recovery comment), never again')
    t.same(standIn.violations, [])
  })

  t.test(`an incident issue ${how} during the outage: the next change of what fails opens a new issue`, async (t) => {
    const { standIn, replica } = await setup(t)
    await replica.cycle(unhealthy(0), at(0))
    standIn[remove](1)
    await replica.cycle(unhealthy(15, ['HTTP 503 from /health']), at(15))
    t.same(summary(standIn), [{ number: 2, title: TITLE, state: 'open', labels: LABELS, comments: 0 }])
    t.match(standIn.issues[0]!.body, /HTTP 503 from \/health/, 'the new issue says what fails now')
    await replica.cycle(healthy(30), at(30))
    t.same(summary(standIn), [{ number: 2, title: TITLE, state: 'closed', labels: LABELS, comments: 1 }])
    t.same(await deliveryFigures(replica), { failed: false, pending: 0 })
    t.same(standIn.violations, [])
  })
}
