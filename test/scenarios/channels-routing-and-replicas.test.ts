import t from 'tap'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { channelConfig, PLANTED_HOOK_SECRET } from '../support/channel-scenarios.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, type Replica } from '../support/incident-harness.js'
import { startPagerdutyStandIn } from '../support/pagerduty-stand-in.js'
import { createTestDatabase } from '../support/pg-database.js'
import { startWebhookReceiver } from '../support/webhook-receiver.js'
import { waitFor } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')

t.test('two replicas on one PostgreSQL, both handed every cycle: one page, one webhook event, one resolve', async (t) => {
  const url = await createTestDatabase(t)
  const github = await startGithubStandIn()
  const pagerduty = await startPagerdutyStandIn()
  const hook = await startWebhookReceiver(PLANTED_HOOK_SECRET)
  const config = channelConfig(github, { pagerduty: { standIn: pagerduty }, webhook: { receiver: hook } }, { STATE_DATABASE_URL: url })
  const replicas = await Promise.all([1, 2].map(async () => await startReplica(config, config.monitor.environments, { leaseTtlMs: 60_000 })))
  t.teardown(async () => {
    for (const r of replicas) await r.close()
    await github.close(); await pagerduty.close(); await hook.close()
  })
  await waitFor('one leader', () => replicas.filter((r) => r.leadership.role() === 'leader').length === 1 && replicas.every((r) => r.leadership.role() !== 'unknown'))
  const plan = ['unhealthy', 'unhealthy', 'unhealthy', 'healthy', 'healthy'] as const
  for (const [cycle, status] of plan.entries()) {
    const at = minutesAfter(T0, 15 * cycle)
    await Promise.all(replicas.map(async (r: Replica) => { await r.cycle([checkResult('production', status, { at })], at) }))
  }
  t.equal(pagerduty.pages(), 1, 'one page')
  t.same(pagerduty.events.map((e) => e.event_action), ['trigger', 'resolve'])
  t.same(hook.events.map((e) => e.event), ['opened', 'resolved'])
  t.equal(hook.duplicates(), 0)
  t.same(github.issues.map((i) => i.state), ['closed'])
  t.same(pagerduty.violations, [])
  t.same(hook.violations, [])
})

t.test('min_status unhealthy: a degraded incident never pages; it pages once it turns unhealthy, and resolves once', async (t) => {
  const github = await startGithubStandIn()
  const pagerduty = await startPagerdutyStandIn()
  const hook = await startWebhookReceiver(PLANTED_HOOK_SECRET)
  const config = channelConfig(github, { pagerduty: { standIn: pagerduty, minStatus: 'unhealthy' }, webhook: { receiver: hook, minStatus: 'degraded' } })
  const replica = await startReplica(config, config.monitor.environments)
  t.teardown(async () => { await replica.close(); await github.close(); await pagerduty.close(); await hook.close() })
  const slow = ['response time 6000 ms above 5000 ms']
  let minute = 0
  const cycle = async (status: 'healthy' | 'degraded' | 'unhealthy', failures?: string[]): Promise<void> => {
    const at = minutesAfter(T0, minute)
    minute += 15
    await replica.cycle([checkResult('production', status, { at, ...(failures === undefined ? {} : { failures }) })], at)
  }

  // A degraded incident that recovers: the chat-like webhook hears of it, the pager and GitHub never do.
  await cycle('degraded', slow)
  await cycle('degraded', slow)
  await cycle('healthy')
  t.same(hook.events.map((e) => [e.event, e.status]), [['opened', 'degraded'], ['resolved', 'healthy']])
  t.equal(pagerduty.requests.length, 0, 'a degraded incident never pages (nor resolves what it never opened)')
  t.equal(github.issues.length, 0, 'GitHub records unhealthy incidents only')

  // Degraded, then unhealthy within the change spacing: the pager is paged at once, GitHub files.
  await cycle('degraded', slow)
  await cycle('unhealthy')
  await cycle('unhealthy')
  await cycle('degraded', slow)
  t.same(pagerduty.events.map((e) => [e.event_action, e.payload?.severity]), [['trigger', 'critical']], 'paged once it turned unhealthy')
  t.equal(pagerduty.pages(), 1)
  t.equal(github.issues.length, 1, 'the issue is filed once it turned unhealthy')
  t.same(hook.events.slice(2).map((e) => [e.event, e.status]), [['opened', 'degraded'], ['changed', 'unhealthy']], 'the webhook heard the opening and the change')
  await cycle('healthy')
  t.same(pagerduty.events.map((e) => e.event_action), ['trigger', 'resolve'], 'one resolve')
  t.equal(pagerduty.events[1]?.dedup_key, pagerduty.events[0]?.dedup_key)
  t.same(hook.events.slice(2).map((e) => e.event), ['opened', 'changed', 'resolved'])
  t.equal(github.issues[0]?.state, 'closed')
  t.same(pagerduty.violations, [])
  t.same(hook.violations, [])
})

t.test('notify: each environment tells only its channels; GitHub records every incident', async (t) => {
  const github = await startGithubStandIn()
  const pagerduty = await startPagerdutyStandIn()
  const hook = await startWebhookReceiver(PLANTED_HOOK_SECRET)
  const config = channelConfig(github, {
    pagerduty: { standIn: pagerduty },
    webhook: { receiver: hook },
    environments: [{ name: 'production', notify: ['pager'] }, { name: 'staging', notify: ['hook'] }, { name: 'preview', notify: [] }]
  })
  const replica = await startReplica(config, config.monitor.environments)
  t.teardown(async () => { await replica.close(); await github.close(); await pagerduty.close(); await hook.close() })
  const results = ['production', 'staging', 'preview'].map((name) => checkResult(name, 'unhealthy', { at: T0 }))
  await replica.cycle(results, T0)
  t.same(pagerduty.events.map((e) => e.payload?.component), ['production'])
  t.same(hook.events.map((e) => e.environment), ['staging'])
  t.same(github.issues.map((i) => i.title).sort(), ['Preview Deployment Health Check Failed', 'Production Deployment Health Check Failed', 'Staging Deployment Health Check Failed'])
})
