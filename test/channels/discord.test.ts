import t from 'tap'
import { createDiscordChannel, DISCORD_COLOURS, DISCORD_LIMITS, discordRetryAt, waitingUrl } from '../../src/channels/discord.js'
import { DeliveryError, type OutboxEntry } from '../../src/delivery/types.js'
import { entryMaker, noMemory, testContext } from '../support/channel-entries.js'
import { startDiscordStandIn, type DiscordFailureMode } from '../support/discord-stand-in.js'

async function setup (t: { teardown: (fn: () => Promise<void>) => void }, overrides: Parameters<typeof testContext>[1] = {}, secrets?: string[]) {
  const standIn = await startDiscordStandIn()
  t.teardown(() => standIn.close())
  const context = testContext(secrets ?? [standIn.url], overrides)
  const channel = createDiscordChannel('ops-discord', { url: standIn.url }, context)
  const entry = entryMaker('ops-discord')
  const deliver = async (e: OutboxEntry): Promise<void> => { await channel.deliver(e, noMemory, false) }
  const failure = async (e: OutboxEntry): Promise<DeliveryError> => {
    const error = await channel.deliver(e, noMemory, false).then(() => undefined, (x: unknown) => x)
    if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`)
    return error
  }
  return { standIn, context, entry, deliver, failure }
}

interface Embed { title: string, description: string, url?: string, color: number, fields: Array<{ name: string, value: string }>, timestamp: string, footer: { text: string } }
const embedOf = (standIn: Awaited<ReturnType<typeof startDiscordStandIn>>, i = 0): Embed => standIn.messages[i]!.embeds[0] as unknown as Embed
const field = (embed: Embed, name: string): string | undefined => embed.fields.find((f) => f.name === name)?.value

t.test('opened posts one embed with wait=true: titled, linked to the issue, red, the status in words', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  await deliver(entry('opened'))
  t.equal(standIn.messages.length, 1)
  const message = standIn.messages[0]!
  t.equal(message.waited, true, 'a 200 with the message confirms it')
  t.same(message.allowedMentions, { parse: [] }, 'nobody can be pinged by failure text')
  t.equal(message.content, undefined)
  const embed = embedOf(standIn)
  t.equal(embed.title, '[Unhealthy] Production Deployment Health Check Failed')
  t.equal(embed.url, 'https://github.example/acme/platform/issues/7')
  t.equal(embed.color, DISCORD_COLOURS.unhealthy)
  t.equal(field(embed, 'Status'), 'unhealthy')
  t.equal(field(embed, 'Environment'), 'production')
  t.equal(field(embed, 'HTTP status'), '502')
  t.match(embed.description, /^production is unhealthy: its health check failed at 2026-11-26 10:00:00 UTC\.\n\n\*\*What failed\*\*\n- HTTP 502 from \/health$/)
  t.equal(embed.timestamp, '2026-11-26T10:00:00.000Z')
  t.same(standIn.violations, [])
})

t.test('changed, resolved and retired each post an embed coloured by status; a reminder posts nothing', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  await deliver(entry('changed', { previousFailures: ['HTTP 500 from /health'] }, { failures: ['HTTP 503 from /health'] }))
  await deliver(entry('reminder'))
  await deliver(entry('resolved', { recoveredAt: '2026-11-26T12:30:00.000Z', outageMs: 9_000_000 }))
  await deliver(entry('retired'))
  t.equal(standIn.requests, 3, 'nothing for the reminder')
  const [changed, resolved, retired] = [embedOf(standIn, 0), embedOf(standIn, 1), embedOf(standIn, 2)]
  t.equal(changed.title, '[Changed] Production Deployment Health Check Failed')
  t.match(changed.description, /\*\*Now failing\*\*\n- HTTP 503 from \/health\n\n\*\*Before\*\*\n- HTTP 500 from \/health/)
  t.equal(resolved.title, '[Resolved] Production Deployment Health Check Failed')
  t.equal(resolved.color, DISCORD_COLOURS.healthy)
  t.equal(field(resolved, 'Status'), 'healthy')
  t.equal(field(resolved, 'Outage length'), '2h 30m')
  t.equal(retired.color, DISCORD_COLOURS.unmonitored)
  t.equal(field(retired, 'Status'), 'no longer monitored')
  t.same(standIn.violations, [])
})

t.test('markdown in failure text is shown as written, never formatted', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  await deliver(entry('opened', {}, { failures: ['**bold** _it_ `code` [link](https://evil.example) @everyone'] }))
  t.match(embedOf(standIn).description, /\\\*\\\*bold\\\*\\\* \\_it\\_ \\`code\\` \\\[link\\\]\(https:\/\/evil\.example\) @everyone/)
})

t.test('a huge failure list stays within the embed limits (6000 in all) and is accepted', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  const failures = Array.from({ length: 300 }, (_, i) => `${i}: ${'y*'.repeat(600)}`)
  await deliver(entry('changed', { previousFailures: failures }, { failures, displayUrl: `https://${'b'.repeat(3000)}.example` }))
  t.same(standIn.violations, [])
  const embed = embedOf(standIn)
  const total = embed.title.length + embed.description.length + embed.footer.text.length + embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  t.ok(total <= DISCORD_LIMITS.total, `${total} characters`)
  t.match(embed.description, /…$/, 'cut, saying so')
})

const classes: Array<[DiscordFailureMode, DeliveryError['failure'], RegExp]> = [
  ['server-error', 'retryable', /^Discord answered HTTP 500/],
  ['hang', 'retryable', /^Discord: no answer within 300 ms$/],
  ['invalid-payload', 'permanent', /^Discord refused the delivery: HTTP 400: .*Invalid Form Body/],
  ['unknown-webhook', 'permanent', /^Discord refused the delivery: HTTP 404: .*Unknown Webhook/]
]
for (const [mode, failureClass, reason] of classes) {
  t.test(`Discord answering ${mode} is a ${failureClass} failure naming Discord, never the webhook URL`, async (t) => {
    const { standIn, context, entry, failure } = await setup(t, { timeoutMs: 300 }, [])
    standIn.failNext(1, mode)
    const error = await failure(entry('opened', {}, { failures: [`HTTP 500 from /health: ${standIn.url}`] }))
    t.equal(error.failure, failureClass)
    t.match(error.message, reason)
    t.notOk(error.message.includes(standIn.token) || context.log.lines.join('\n').includes(standIn.token), 'no token in the reason or the log')
  })
}

t.test('a 429 holds the channel until Retry-After, or the body\'s retry_after (seconds) when the header is missing', async (t) => {
  const { standIn, entry, failure } = await setup(t)
  standIn.failNext(1, 'rate-limit', { retryAfterSeconds: 7.2 })
  let before = Date.now()
  let error = await failure(entry('opened'))
  t.equal(error.failure, 'rate-limited')
  let wait = error.retryAt!.getTime() - before
  t.ok(wait >= 7_900 && wait <= 9_000, `Retry-After: 8 (rounded up by Discord) → ${wait} ms`)
  standIn.failNext(1, 'rate-limit-body-only', { retryAfterSeconds: 42.5 })
  before = Date.now()
  error = await failure(entry('opened'))
  t.equal(error.failure, 'rate-limited')
  wait = error.retryAt!.getTime() - before
  t.ok(wait >= 42_400 && wait <= 43_500, `retry_after 42.5 → ${wait} ms`)
  t.match(error.message, /^Discord rate limit \(HTTP 429\) until /)
})

t.test('retry_after and wait=true are read and written as Discord documents them', async (t) => {
  const now = new Date('2026-11-26T10:00:00.000Z')
  t.equal(discordRetryAt('{"message":"You are being rate limited.","retry_after":0.25,"global":false}', now)?.toISOString(), '2026-11-26T10:00:00.250Z')
  t.equal(discordRetryAt('<html>', now), undefined)
  t.equal(discordRetryAt('{"retry_after":"soon"}', now), undefined)
  t.equal(waitingUrl('https://discord.com/api/webhooks/1/abc?thread_id=99'), 'https://discord.com/api/webhooks/1/abc?thread_id=99&wait=true')
})

t.test('the webhook URL planted in a failure phrase never reaches Discord, even when the process redactor does not know it', async (t) => {
  const { standIn, entry, deliver } = await setup(t, {}, [])
  await deliver(entry('opened', {}, { failures: [`POST ${standIn.url} failed`, `token ${standIn.token}`] }))
  const sent = JSON.stringify(standIn.messages[0])
  t.notOk(sent.includes(standIn.token))
  t.match(sent, /REDACTED/, 'shown as redacted (the brackets escaped as markdown)')
})
