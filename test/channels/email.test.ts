import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { createEmailChannel } from '../../src/channels/email.js'
import type { EmailSettings } from '../../src/config/channel-settings.js'
import { DeliveryError, type OutboxEntry } from '../../src/delivery/types.js'
import { entryMaker, noMemory, testContext } from '../support/channel-entries.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'
import { PLANTED_SMTP_PASSWORD, startSmtpStandIn, type SmtpFailureMode, type SmtpStandInOptions } from '../support/smtp-stand-in.js'

const TO = ['oncall@example.com', 'platform@example.com']

async function setup (t: { teardown: (fn: () => Promise<void>) => void }, options: { server?: SmtpStandInOptions, settings?: Partial<EmailSettings>, timeoutMs?: number, secrets?: string[] } = {}) {
  const standIn = await startSmtpStandIn(options.server)
  t.teardown(() => standIn.close())
  const context = testContext(options.secrets ?? [PLANTED_SMTP_PASSWORD], { timeoutMs: options.timeoutMs ?? 5_000 })
  const settings: EmailSettings = { host: standIn.host, port: standIn.port, username: 'vigil', password: PLANTED_SMTP_PASSWORD, from: 'Vigil <vigil@acme.example>', to: TO, ...options.settings }
  const channel = createEmailChannel('ops-mail', settings, context, { tls: { ca: standIn.ca } })
  t.teardown(async () => { channel.close?.() })
  const entry = entryMaker('ops-mail')
  const deliver = async (e: OutboxEntry): Promise<void> => { await channel.deliver(e, noMemory, false) }
  const failure = async (e: OutboxEntry): Promise<DeliveryError> => {
    const error = await channel.deliver(e, noMemory, false).then(() => undefined, (x: unknown) => x)
    if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`)
    return error
  }
  const leaked = (error?: Error): boolean =>
    [error?.message ?? '', context.log.lines.join('\n'), ...standIn.messages.map((m) => m.raw)].some((s) => s.includes(PLANTED_SMTP_PASSWORD))
  return { standIn, context, channel, entry, deliver, failure, leaked }
}

t.test('opened sends one message over STARTTLS after logging in: subject like the GitHub title, text and HTML, to every address', async (t) => {
  const { standIn, entry, deliver, leaked } = await setup(t)
  await deliver(entry('opened'))
  t.equal(standIn.messages.length, 1)
  const mail = standIn.messages[0]!
  t.equal(mail.secure, true, 'upgraded with STARTTLS')
  t.equal(mail.user, 'vigil')
  t.equal(mail.mailFrom, 'vigil@acme.example')
  t.same(mail.rcptTo, TO)
  t.equal(mail.subject, '[Unhealthy] Production Deployment Health Check Failed')
  t.match(mail.text, /production is unhealthy: its health check failed at 2026-11-26 10:00:00 UTC\.[\s\S]*Status: unhealthy[\s\S]*What failed:\n- HTTP 502 from \/health[\s\S]*GitHub issue: https:\/\/github\.example\/acme\/platform\/issues\/7/)
  t.match(mail.html, /<h2>\[Unhealthy\] Production Deployment Health Check Failed<\/h2>[\s\S]*<li>HTTP 502 from \/health<\/li>[\s\S]*<a href="https:\/\/github\.example\/acme\/platform\/issues\/7">GitHub issue<\/a>/)
  t.notOk(leaked(), 'no password in the message or the log')
})

t.test('later messages of an incident reply to the first, so mail clients thread them; a reminder sends nothing', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  await deliver(entry('opened'))
  await deliver(entry('reminder'))
  await deliver(entry('changed', { previousFailures: ['HTTP 502 from /health'] }, { failures: ['HTTP 503 from /health'] }))
  await deliver(entry('resolved', { recoveredAt: '2026-11-26T10:45:00.000Z', outageMs: 2_700_000 }))
  t.same(standIn.messages.map((m) => m.subject), [
    '[Unhealthy] Production Deployment Health Check Failed',
    '[Changed] Production Deployment Health Check Failed',
    '[Resolved] Production Deployment Health Check Failed'
  ])
  const [opened, changed, resolved] = standIn.messages
  t.match(opened!.messageId, /^<vigil\.[0-9a-f]{32}@acme\.example>$/)
  t.equal(changed!.inReplyTo, opened!.messageId)
  t.equal(resolved!.inReplyTo, opened!.messageId)
  t.match(changed!.text, /Now failing:\n- HTTP 503 from \/health\n\nBefore:\n- HTTP 502 from \/health/)
  t.match(resolved!.text, /production recovered at 2026-11-26 10:45:00 UTC after an outage of 45m\./)
})

t.test('failure text is escaped in the HTML part: no markup reaches the reader', async (t) => {
  const { standIn, entry, deliver } = await setup(t)
  await deliver(entry('opened', {}, { failures: ['<script>alert(1)</script> & "quoted" <img src=x onerror=y>'] }))
  const html = standIn.messages[0]!.html!
  t.match(html, /<li>&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;quoted&quot; &lt;img src=x onerror=y&gt;<\/li>/)
  t.notMatch(html, /<script>|<img/)
  t.match(standIn.messages[0]!.text, /<script>alert\(1\)<\/script>/, 'the text part shows it as written')
})

t.test('secure: true speaks TLS from the first byte', async (t) => {
  const { standIn, entry, deliver } = await setup(t, { server: { secure: true }, settings: { secure: true } })
  await deliver(entry('opened'))
  t.equal(standIn.messages[0]?.secure, true)
})

t.test('require_tls refuses a server that offers no STARTTLS; without it the message goes in the clear', async (t) => {
  const strict = await setup(t, { server: { noStartTls: true }, settings: { require_tls: true } })
  const error = await strict.failure(strict.entry('opened'))
  t.equal(strict.standIn.messages.length, 0, 'nothing sent in the clear')
  t.match(error.message, /^SMTP/)
  const lax = await setup(t, { server: { noStartTls: true } })
  await lax.deliver(lax.entry('opened'))
  t.equal(lax.standIn.messages[0]?.secure, false)
})

const classes: Array<[SmtpFailureMode, DeliveryError['failure'], RegExp]> = [
  ['service-unavailable', 'retryable', /^SMTP answered 421 .*try again later/],
  ['tempfail', 'retryable', /^SMTP answered 451 to MAIL \(try again later\): 451 4\.3\.0/],
  ['reject-mailbox', 'permanent', /^SMTP refused the message: reply 550 to RCPT: .*mailbox unavailable/],
  ['reject-data', 'permanent', /^SMTP refused the message: reply 554 .*Message refused/],
  ['hang', 'retryable', /^SMTP: no answer within 500 ms/]
]
for (const [mode, failureClass, reason] of classes) {
  t.test(`the server answering ${mode} is a ${failureClass} failure naming SMTP, never the password`, async (t) => {
    const escaped = watchEscapedErrors()
    const { standIn, entry, failure, leaked } = await setup(t, { timeoutMs: 500, secrets: [] })
    standIn.failNext(1, mode)
    const error = await failure(entry('opened'))
    escaped(t)
    t.equal(error.failure, failureClass)
    t.match(error.message, reason)
    t.notOk(leaked(error), 'no password in the reason or the log')
  })
}

t.test('shutdown stops a send in flight; the entry stays for a later try', async (t) => {
  const { standIn, context, entry, failure } = await setup(t, { timeoutMs: 60_000 })
  standIn.failNext(1, 'hang')
  const pending = failure(entry('opened'))
  await waitFor('the server to hold the session', () => standIn.sessions > 0)
  context.shutdown.abort()
  const error = await pending
  t.equal(error.failure, 'retryable')
  t.equal(error.message, 'SMTP: sending stopped at shutdown')
})

t.test('a wrong password (535) is permanent, and the reason never quotes it', async (t) => {
  const { standIn, entry, failure, leaked } = await setup(t, { server: { users: { vigil: 'the-right-one' } }, secrets: [] })
  const error = await failure(entry('opened'))
  t.equal(error.failure, 'permanent')
  t.match(error.message, /^SMTP refused the message: reply 535 to AUTH: .*Authentication credentials invalid/)
  t.equal(standIn.refusedLogins, 1)
  t.notOk(leaked(error))
})

t.test('no server listening is retryable', async (t) => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  const { failure, entry } = await setup(t, { settings: { port } })
  const error = await failure(entry('opened'))
  t.equal(error.failure, 'retryable')
  t.match(error.message, /^SMTP: no answer \(ECONNREFUSED\)$/)
})

t.test('a certificate the client does not trust is a retryable TLS failure, and nothing is sent', async (t) => {
  const { standIn, context } = await setup(t)
  const untrusting = createEmailChannel('ops-mail', { host: standIn.host, port: standIn.port, username: 'vigil', password: PLANTED_SMTP_PASSWORD, from: 'vigil@acme.example', to: TO }, context)
  const error = await untrusting.deliver(entryMaker('ops-mail')('opened'), noMemory, false).then(() => undefined, (x: unknown) => x)
  t.ok(error instanceof DeliveryError && error.failure === 'retryable')
  t.match((error as Error).message, /^SMTP: TLS failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/)
  t.equal(standIn.messages.length, 0)
})

t.test('one refused recipient: the others get the message, it is not sent again, and the refusal is logged', async (t) => {
  const { standIn, context, entry, deliver } = await setup(t, { server: { rejectRecipients: ['platform@example.com'] } })
  await deliver(entry('opened'))
  t.same(standIn.messages.map((m) => m.rcptTo), [['oncall@example.com']])
  t.match(context.log.lines.join('\n'), /warn SMTP refused some recipients; the others got the message .*"rejected":1,"accepted":1/)
})

t.test('verify: logs in without sending; a wrong password is a verdict, a server not ready an error to ask again', async (t) => {
  const ok = await setup(t)
  t.match(await ok.channel.verify!(), { ok: true, message: /accepted the connection and the login/ })
  t.equal(ok.standIn.messages.length, 0)
  const refused = await setup(t, { server: { users: { vigil: 'other' } }, secrets: [] })
  const verdict = await refused.channel.verify!()
  t.match(verdict, { ok: false, message: /535/ })
  t.notOk(verdict.message.includes(PLANTED_SMTP_PASSWORD))
  const down = await setup(t)
  down.standIn.failNext(1, 'service-unavailable')
  const notReady = await down.channel.verify!().then(() => undefined, (x: unknown) => x)
  t.ok(notReady instanceof DeliveryError && notReady.failure === 'retryable', 'thrown as retryable: the worker asks again')
})

t.test('a password planted in a failure phrase never reaches the message', async (t) => {
  const { standIn, entry, deliver, leaked } = await setup(t, { secrets: [] })
  await deliver(entry('opened', {}, { failures: [`login with ${PLANTED_SMTP_PASSWORD} refused`] }))
  t.match(standIn.messages[0]!.text, /login with \[REDACTED\] refused/)
  t.notOk(leaked())
})
