import t, { type Test } from 'tap'
import type { ReceiverFailure } from '../support/receiver-failures.js'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { channelConfig, PLANTED_HOOK_SECRET } from '../support/channel-scenarios.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, type Replica } from '../support/incident-harness.js'
import { startPagerdutyStandIn, type PagerdutyStandIn } from '../support/pagerduty-stand-in.js'
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')

async function setUp (t: Test): Promise<{ replica: Replica, pagerduty: PagerdutyStandIn, hook: WebhookReceiver, github: Awaited<ReturnType<typeof startGithubStandIn>> }> {
  const github = await startGithubStandIn()
  const pagerduty = await startPagerdutyStandIn()
  const hook = await startWebhookReceiver(PLANTED_HOOK_SECRET)
  const config = channelConfig(github, { pagerduty: { standIn: pagerduty }, webhook: { receiver: hook } })
  const replica = await startReplica(config, config.monitor.environments, { channelTransport: { timeoutMs: 300 } })
  t.teardown(async () => { await replica.close(); await github.close(); await pagerduty.close(); await hook.close() })
  return { replica, pagerduty, hook, github }
}

const down = async (replica: Replica, cycle: number): Promise<void> => {
  const at = minutesAfter(T0, 15 * cycle)
  await replica.cycle([checkResult('production', 'unhealthy', { at })], at)
}
const deliveries = async (replica: Replica, channel: string, result: string): Promise<number> =>
  (await replica.metrics.incidentDeliveries.get()).values.filter((v) => v.labels.channel === channel && v.labels.result === result).reduce((sum, v) => sum + v.value, 0)

// Issue 10: a channel failing (5xx, hang) never delays checks or the other channels, never loses
// the event, and once it answers again the event arrives exactly once.
for (const mode of ['server-error', 'hang'] as const satisfies readonly ReceiverFailure[]) {
  t.test(`PagerDuty ${mode === 'hang' ? 'hanging' : 'answering 500'} for three cycles: GitHub and the webhook are told at once, one page once it answers`, async (t) => {
    const escaped = watchEscapedErrors()
    const { replica, pagerduty, hook, github } = await setUp(t)
    pagerduty.failAll(mode)
    for (let cycle = 0; cycle < 3; cycle++) await down(replica, cycle)
    t.equal(github.issues.length, 1, 'the issue was filed while PagerDuty failed')
    t.same(hook.events.map((e) => e.event), ['opened'], 'the webhook was told while PagerDuty failed')
    t.equal(pagerduty.events.length, 0, 'nothing reached PagerDuty')
    t.ok(pagerduty.requests.length >= 1, 'PagerDuty was tried')
    t.equal(replica.components.get('pager')?.status, 'degraded', 'the pager component shows the retries')
    t.match(replica.components.get('pager')?.error, mode === 'hang' ? /retrying opened for production: PagerDuty: no answer within 300 ms/ : /retrying opened for production: PagerDuty answered HTTP 500/)
    t.ok(await deliveries(replica, 'pager', 'retry') >= 1, 'retries counted under the channel name')
    t.equal(replica.components.get('hook')?.status, 'healthy', 'the webhook channel is unaffected')

    pagerduty.failAll(null)
    await waitFor('the page', () => pagerduty.events.length >= 1)
    await down(replica, 3)
    await replica.settle()
    t.same(pagerduty.events.map((e) => e.event_action), ['trigger'], 'exactly one delivery after')
    t.equal(pagerduty.pages(), 1)
    t.equal(await deliveries(replica, 'pager', 'delivered'), 1)
    t.equal(replica.components.get('pager')?.status, 'healthy')
    t.same(pagerduty.violations, [])
    escaped(t)
  })
}

t.test('a 429 with Retry-After holds the channel until then, then the page goes out once', async (t) => {
  const { replica, pagerduty } = await setUp(t)
  pagerduty.failNext(1, 'rate-limited', { retryAfterSeconds: 2 })
  await down(replica, 0)
  t.equal(pagerduty.requests.length, 1)
  t.match(replica.components.get('pager'), { status: 'degraded', error: /rate limited: no delivery before/ })
  await down(replica, 1)
  await replica.settle()
  t.equal(pagerduty.requests.length, 1, 'nothing is sent while the hold lasts')
  await waitFor('the page after the hold', () => pagerduty.events.length >= 1)
  await replica.settle()
  t.same(pagerduty.events.map((e) => e.event_action), ['trigger'])
  t.equal(pagerduty.pages(), 1)
  t.equal(await deliveries(replica, 'pager', 'rate_limited'), 1)
})

t.test('a lost answer is retried, and the receivers\' de-duplication keeps it to one page and one event', async (t) => {
  const { replica, pagerduty, hook } = await setUp(t)
  pagerduty.failNext(1, 'lost-answer')
  hook.failNext(1, 'lost-answer')
  await down(replica, 0)
  await waitFor('both retried', () => pagerduty.requests.length >= 2 && hook.requests.length >= 2)
  await replica.settle()
  t.equal(pagerduty.events.length, 2, 'PagerDuty received the trigger twice')
  t.equal(pagerduty.pages(), 1, 'and paged once: same dedup_key')
  t.equal(hook.duplicates(), 1, 'the webhook received the event twice, under one event id')
  t.same(hook.events.map((e) => e.event), ['opened'], 'and acted on it once')
})

t.test('a 400 is a failed delivery shown in the report, metrics and logs, and never blocks the resolve', async (t) => {
  const { replica, pagerduty } = await setUp(t)
  pagerduty.failNext(1, 'bad-request')
  await down(replica, 0)
  t.match(replica.components.get('pager'), { status: 'unhealthy', error: /delivery failed: opened for production: PagerDuty refused the delivery: HTTP 400/ })
  t.equal(await deliveries(replica, 'pager', 'failed'), 1)
  t.ok(replica.log.lines.some((line) => line.startsWith('error pager: opened could not be delivered and will not be retried')))
  const recovered = minutesAfter(T0, 30)
  await replica.cycle([checkResult('production', 'healthy', { at: recovered })], recovered)
  t.same(pagerduty.events.map((e) => e.event_action), ['resolve'], 'the resolve went out after the failed trigger')
  t.equal(replica.components.get('pager')?.status, 'healthy', 'a later delivery for the environment clears the failure')
})
