import t from 'tap'
import { createSlackChannel, SLACK_LIMITS } from '../../src/channels/slack.js'
import { DeliveryError, type OutboxEntry } from '../../src/delivery/types.js'
import { entryMaker, noMemory, testContext } from '../support/channel-entries.js'
import { startSlackStandIn, type SlackFailureMode } from '../support/slack-stand-in.js'
import { waitFor } from '../support/wait-for.js'

async function setup (t: { teardown: (fn: () => Promise<void>) => void }, overrides: Parameters<typeof testContext>[1] = {}, secrets?: string[]) {
  const standIn = await startSlackStandIn()
  t.teardown(() => standIn.close())
  const context = testContext(secrets ?? [standIn.url], overrides)
  const channel = createSlackChannel('team-chat', { url: standIn.url }, context)
  const entry = entryMaker('team-chat')
  const deliver = async (e: OutboxEntry): Promise<void> => { await channel.deliver(e, noMemory, false) }
  const failure = async (e: OutboxEntry): Promise<DeliveryError> => {
    const error = await channel.deliver(e, noMemory, false).then(() => undefined, (x: unknown) => x)
    if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`)
    return error
  }
  return { standIn, context, channel, entry, deliver, failure }
}

const blockText = (block: Record<string, unknown> | undefined): string => JSON.stringify(block ?? {})

t.test('opened posts one Block Kit message with a plain text fallback, linking the GitHub issue', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  await deliver(entry('opened'))
  t.equal(standIn.messages.length, 1)
  const { text, blocks } = standIn.messages[0]!
  t.match(text, /^\[Unhealthy\] Production Deployment Health Check Failed\nproduction is unhealthy: its health check failed at 2026-11-26 10:00:00 UTC\./)
  t.match(text, /What failed:\n- HTTP 502 from \/health/)
  t.match(text, /GitHub issue: https:\/\/github\.example\/acme\/platform\/issues\/7/)
  t.same(blocks![0], { type: 'header', text: { type: 'plain_text', text: '[Unhealthy] Production Deployment Health Check Failed' } })
  t.match(blockText(blocks![1]), /<https:\/\/github\.example\/acme\/platform\/issues\/7\|GitHub issue>/)
  t.match(blockText(blocks![2]), /\*Status\*\\nunhealthy/)
  t.match(blockText(blocks![3]), /\*What failed\*\\n• HTTP 502 from \/health/)
  t.same(standIn.violations, [])
})

t.test('changed, resolved and retired each post a short message saying so; a reminder posts nothing', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  await deliver(entry('changed', { previousFailures: ['HTTP 500 from /health'] }, { failures: ['TLS certificate expires in 3 days'] }))
  await deliver(entry('reminder'))
  await deliver(entry('resolved', { recoveredAt: '2026-11-26T11:00:00.000Z', outageMs: 3_600_000 }))
  await deliver(entry('retired'))
  t.equal(standIn.requests, 3, 'nothing for the reminder')
  const [changed, resolved, retired] = standIn.messages
  t.match(changed!.text, /^\[Changed\] Production Deployment Health Check Failed\nWhat fails in production has changed/)
  t.match(blockText(changed!.blocks![3]), /Now failing\*\\n• TLS certificate expires in 3 days/)
  t.match(blockText(changed!.blocks![4]), /Before\*\\n• HTTP 500 from \/health/)
  t.match(resolved!.text, /^\[Resolved\] Production Deployment Health Check Failed\nproduction recovered at 2026-11-26 11:00:00 UTC after an outage of 1h\./)
  t.notMatch(resolved!.text, /What failed/)
  t.match(retired!.text, /^\[Monitoring stopped\][\s\S]*no longer in Vigil's configuration/)
  t.same(standIn.violations, [])
})

t.test('the message goes without a link when the issue is unknown or looking it up fails', async (t) => {
  for (const issueLink of [async () => undefined, async () => { throw new Error('store down') }]) {
    const { standIn, entry, deliver } = await setup(t, { issueLink })
    await deliver(entry('opened'))
    t.notMatch(standIn.messages[0]!.raw, /GitHub issue/)
  }
})

t.test('failure text cannot mention a channel or forge a link: &, < and > are escaped', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  await deliver(entry('opened', {}, { failures: ['body said <!channel> & <https://evil.example|click>'] }))
  const blocks = blockText(standIn.messages[0]!.blocks![3])
  t.match(blocks, /body said &lt;!channel&gt; &amp; &lt;https:\/\/evil\.example\|click&gt;/)
  t.notMatch(blocks, /<!channel>/)
})

t.test('a huge failure list stays within Slack\'s limits and is accepted', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  const failures = Array.from({ length: 300 }, (_, i) => `${i}: ${'x<&>'.repeat(800)}`)
  await deliver(entry('changed', { previousFailures: failures }, { failures, displayUrl: `https://${'a'.repeat(3000)}.example` }))
  t.same(standIn.violations, [])
  const message = standIn.messages[0]!
  t.ok(message.text!.length <= SLACK_LIMITS.text)
  t.match(blockText(message.blocks![3]), /…/, 'cut, saying so')
})

const classes: Array<[SlackFailureMode, DeliveryError['failure'], RegExp]> = [
  ['server-error', 'retryable', /^Slack answered HTTP 500: internal_error$/],
  ['hang', 'retryable', /^Slack: no answer within 300 ms$/],
  ['rate-limit', 'rate-limited', /^Slack rate limit \(HTTP 429\) until /],
  ['invalid-payload', 'permanent', /^Slack refused the delivery: HTTP 400: invalid_payload$/],
  ['channel-archived', 'permanent', /^Slack refused the delivery: HTTP 410: channel_is_archived$/]
]
for (const [mode, failureClass, reason] of classes) {
  t.test(`Slack answering ${mode} is a ${failureClass} failure naming Slack, never the webhook URL`, async (t) => {
    const { standIn, context, entry, failure } = await setup(t, { timeoutMs: 300 }, [])
    standIn.failNext(1, mode, { retryAfterSeconds: 30 })
    const before = Date.now()
    const error = await failure(entry('opened', {}, { failures: [`HTTP 500 from /health: ${standIn.url}`] }))
    t.equal(error.failure, failureClass)
    t.match(error.message, reason)
    if (failureClass === 'rate-limited') {
      const wait = error.retryAt!.getTime() - before
      t.ok(wait >= 29_000 && wait <= 31_000, `holds for the Retry-After Slack gave (${wait} ms)`)
    }
    t.notOk(error.message.includes(standIn.token) || context.log.lines.join('\n').includes(standIn.token), 'no token in the reason or the log')
  })
}

t.test('the webhook URL planted in a failure phrase never reaches Slack, even when the process redactor does not know it', async (t) => {
  const { standIn, entry, deliver } = await setup(t, {}, [])
  await deliver(entry('opened', {}, { failures: [`POST ${standIn.url} failed`, `token ${standIn.token}`] }))
  t.notOk(standIn.messages[0]!.raw.includes(standIn.token))
  t.match(standIn.messages[0]!.raw, /\[REDACTED\]/)
})

t.test('a lost answer: the retry posts again (Slack has no idempotency key; twice rather than never)', async (t) => {
  const { standIn, entry, channel, failure } = await setup(t)
  standIn.failNext(1, 'lost-answer')
  const opened = entry('opened')
  t.equal((await failure(opened)).failure, 'retryable')
  await channel.deliver({ ...opened, attempts: 1 }, noMemory, true)
  t.equal(standIn.messages.length, 2)
})

t.test('shutdown stops a post in flight; the entry stays for a later try', async (t) => {
  const { standIn, context, entry, failure } = await setup(t, { timeoutMs: 60_000 })
  standIn.failNext(1, 'hang')
  const pending = failure(entry('opened'))
  await waitFor('the post to arrive', () => standIn.requests > 0)
  context.shutdown.abort()
  const error = await pending
  t.equal(error.failure, 'retryable')
  t.equal(error.message, 'Slack: no answer (stopped at shutdown)')
})
