import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { createRedactor } from '../src/redact.js'
import { initSentry } from '../src/sentry.js'
import { testConfig } from './support/config.js'
import { startSentryStandIn } from './support/sentry-stand-in.js'

const SIGNATURE = 'planted-signature-value'
const AMZ = 'planted-amz-signature'

async function recordingServer (): Promise<{ url: string, headers: IncomingHttpHeaders[], close: () => Promise<void> }> {
  const headers: IncomingHttpHeaders[] = []
  const server = createServer((req, res) => { headers.push(req.headers); res.end('ok') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    headers,
    close: async () => { await new Promise((resolve) => server.close(resolve)) }
  }
}

t.test('trace headers go only to the configured targets, and URLs reach Sentry with their query values hidden', async (t) => {
  const sentry = await startSentryStandIn()
  const thirdParty = await recordingServer()
  const configured = await recordingServer()
  t.teardown(async () => { await Promise.all([sentry.close(), thirdParty.close(), configured.close()]) })
  const config = testConfig({ SENTRY_DSN: sentry.dsn, SENTRY_TRACES_SAMPLE_RATE: '1', SENTRY_TRACE_PROPAGATION_TARGETS: configured.url })
  t.same(testConfig({ SENTRY_DSN: sentry.dsn }).sentry?.tracePropagationTargets, [], 'none by default')
  const reporter = await initSentry(config.sentry!, createRedactor(config.secrets))
  const Sentry = await import('@sentry/node')

  await Sentry.startSpan({ name: 'cycle' }, async () => {
    await (await fetch(`${thirdParty.url}/object?sig=${SIGNATURE}&X-Amz-Signature=${AMZ}&page=2`)).text()
    await (await fetch(`${configured.url}/traced`)).text()
  })
  reporter.captureMessage('after the requests')
  t.ok(await reporter.flush(5000))

  t.equal(thirdParty.headers.length, 1)
  t.notOk(thirdParty.headers[0]?.baggage, 'no baggage to a third party')
  t.notOk(thirdParty.headers[0]?.['sentry-trace'], 'no sentry-trace to a third party')
  t.notOk(thirdParty.headers[0]?.traceparent, 'no traceparent to a third party')
  t.ok(configured.headers[0]?.['sentry-trace'], 'a configured target gets the trace header')

  const everything = sentry.envelopes.join('\n')
  t.match(everything, /object/, 'the request is in what was sent (breadcrumb or span)')
  t.notOk(everything.includes(SIGNATURE), 'no sig value')
  t.notOk(everything.includes(AMZ), 'no X-Amz-Signature value')
})
