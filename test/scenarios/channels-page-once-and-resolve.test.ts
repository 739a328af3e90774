import t from 'tap'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { channelConfig } from '../support/channel-scenarios.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica } from '../support/incident-harness.js'
import { startPagerdutyStandIn } from '../support/pagerduty-stand-in.js'
import { startWebhookReceiver } from '../support/webhook-receiver.js'
import { PLANTED_HOOK_SECRET } from '../support/channel-scenarios.js'
import { watchEscapedErrors } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')

// Issue 10: an incident opens → one trigger per channel; five more cycles down → no second page;
// recovery → one resolve.
t.test('one page and one webhook event on open, none while it lasts, one resolve on recovery', async (t) => {
  const escaped = watchEscapedErrors()
  const github = await startGithubStandIn()
  const pagerduty = await startPagerdutyStandIn()
  const hook = await startWebhookReceiver(PLANTED_HOOK_SECRET)
  const config = channelConfig(github, { pagerduty: { standIn: pagerduty }, webhook: { receiver: hook } })
  const replica = await startReplica(config, config.monitor.environments)
  t.teardown(async () => { await replica.close(); await github.close(); await pagerduty.close(); await hook.close() })

  for (let cycle = 0; cycle < 6; cycle++) {
    const at = minutesAfter(T0, 15 * cycle)
    await replica.cycle([checkResult('production', 'unhealthy', { at })], at)
  }
  t.equal(github.issues.length, 1, 'one GitHub issue')
  t.equal(pagerduty.pages(), 1, 'paged once')
  t.same(pagerduty.events.map((e) => e.event_action), ['trigger'], 'one trigger, nothing for the five cycles after')
  const [trigger] = pagerduty.events
  t.equal(trigger?.dedup_key, 'vigil/production@2026-11-26T10:00:00.000Z', 'keyed by environment and incident')
  t.match(trigger?.payload, { summary: 'Production is down (unhealthy): HTTP 502 from /health', severity: 'critical', source: 'production.example.com', component: 'production', custom_details: { failures: ['HTTP 502 from /health'], environment: 'production' } })
  t.same(hook.events.map((e) => e.event), ['opened'])

  const recovered = minutesAfter(T0, 90)
  await replica.cycle([checkResult('production', 'healthy', { at: recovered })], recovered)
  t.same(pagerduty.events.map((e) => e.event_action), ['trigger', 'resolve'], 'one resolve')
  t.equal(pagerduty.events[1]?.dedup_key, trigger?.dedup_key, 'the resolve closes the alert it opened')
  t.equal(pagerduty.alerts.get(trigger?.dedup_key ?? '')?.status, 'resolved')
  t.same(hook.events.map((e) => [e.event, e.status]), [['opened', 'unhealthy'], ['resolved', 'healthy']])
  t.match(hook.events[1], { recovered_at: recovered.toISOString(), outage_seconds: 90 * 60, outage_since: T0.toISOString() })
  t.equal(github.issues[0]?.state, 'closed')

  for (const name of ['pager', 'hook']) {
    t.equal(replica.components.get(name)?.status, 'healthy', `${name} is a healthy component of its own`)
    const delivered = (await replica.metrics.incidentDeliveries.get()).values.filter((v) => v.labels.channel === name && v.labels.result === 'delivered')
    t.equal(delivered.reduce((sum, v) => sum + v.value, 0), 2, `${name}: deliveries counted under its own name`)
  }
  t.same(pagerduty.violations, [], 'every event valid against the Events API v2 schema')
  t.same(hook.violations, [], 'every webhook signed and as documented')
  t.same(github.violations, [])
  escaped(t)
})

t.test('severity: error for an environment other than production, the setting when given, a step lower while degraded', async (t) => {
  const github = await startGithubStandIn()
  const pagerduty = await startPagerdutyStandIn()
  const config = channelConfig(github, { pagerduty: { standIn: pagerduty, minStatus: 'degraded' }, environments: [{ name: 'staging' }] })
  const replica = await startReplica(config, config.monitor.environments)
  t.teardown(async () => { await replica.close(); await github.close(); await pagerduty.close() })
  await replica.cycle([checkResult('staging', 'degraded', { at: T0, failures: ['slow: 6000 ms'] })], T0)
  const later = minutesAfter(T0, 15)
  await replica.cycle([checkResult('staging', 'unhealthy', { at: later })], later)
  t.same(pagerduty.events.map((e) => [e.event_action, e.payload?.severity]), [['trigger', 'warning'], ['trigger', 'error']])
  t.equal(pagerduty.pages(), 1, 'the change merged into the open alert')
  t.same(pagerduty.violations, [])
})

t.test('a change triggers again under the same key: no second page, the latest failures, and the link to the GitHub issue', async (t) => {
  const github = await startGithubStandIn()
  const pagerduty = await startPagerdutyStandIn()
  const hook = await startWebhookReceiver(PLANTED_HOOK_SECRET)
  const config = channelConfig(github, { pagerduty: { standIn: pagerduty }, webhook: { receiver: hook } })
  const replica = await startReplica(config, config.monitor.environments)
  t.teardown(async () => { await replica.close(); await github.close(); await pagerduty.close(); await hook.close() })
  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)
  const later = minutesAfter(T0, 75)
  await replica.cycle([checkResult('production', 'unhealthy', { at: later, failures: ['connection refused'] })], later)
  const issueUrl = 'https://github.example/acme/platform/issues/1'
  t.equal(github.issues[0]?.state, 'open')
  t.same(pagerduty.events.map((e) => e.event_action), ['trigger', 'trigger'])
  t.equal(pagerduty.pages(), 1, 'merged into the open alert: nobody is paged twice')
  t.equal(pagerduty.events[1]?.dedup_key, pagerduty.events[0]?.dedup_key)
  t.match(pagerduty.events[1], { client_url: issueUrl, links: [{ href: issueUrl }], payload: { custom_details: { failures: ['connection refused'], previous_failures: ['HTTP 502 from /health'] } } })
  t.match(hook.events[1], { event: 'changed', issue_url: issueUrl, failures: ['connection refused'], previous_failures: ['HTTP 502 from /health'] })
  t.same(pagerduty.violations, [])
  t.same(hook.violations, [])
})
