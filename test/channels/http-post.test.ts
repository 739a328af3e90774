import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { postJson, retryAtFrom } from '../../src/channels/http-post.js'
import { DeliveryError } from '../../src/delivery/types.js'
import { createRedactor } from '../../src/redact.js'

const SECRET = 'hooks-secret-T0K3N'
const redact = createRedactor([SECRET])
const NOW = new Date('2026-11-30T12:00:00.000Z')

async function receiver (t: { teardown: (fn: () => void) => void }, answer: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => { answer(req, res, body) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/${SECRET}`
}

async function failureOf (promise: Promise<unknown>): Promise<DeliveryError> {
  try { await promise } catch (error) { if (error instanceof DeliveryError) return error; throw error }
  throw new Error('the post succeeded')
}

t.test('posts JSON and returns a 2xx answer', async (t) => {
  let seen: { type?: string, body?: string } = {}
  const url = await receiver(t, (req, res, body) => { seen = { type: req.headers['content-type'], body }; res.end('ok') })
  const answer = await postJson(url, { text: 'hi' }, { receiver: 'Slack', redact })
  t.equal(answer.status, 200)
  t.equal(answer.body, 'ok')
  t.same(seen, { type: 'application/json', body: '{"text":"hi"}' })
})

t.test('429 holds the channel until Retry-After, from seconds, a date or the body', async (t) => {
  const seconds = await receiver(t, (_q, res) => { res.writeHead(429, { 'retry-after': '7' }).end() })
  const bySeconds = await failureOf(postJson(seconds, {}, { receiver: 'Discord', redact, now: () => NOW }))
  t.equal(bySeconds.failure, 'rate-limited')
  t.equal(bySeconds.retryAt?.toISOString(), '2026-11-30T12:00:07.000Z')
  const fromBody = await receiver(t, (_q, res) => { res.writeHead(429, { 'content-type': 'application/json' }).end('{"retry_after":2.5}') })
  const byBody = await failureOf(postJson(fromBody, {}, {
    receiver: 'Discord', redact, now: () => NOW,
    retryAtFromBody: (body, at) => new Date(at.getTime() + (JSON.parse(body) as { retry_after: number }).retry_after * 1000)
  }))
  t.equal(byBody.retryAt?.toISOString(), '2026-11-30T12:00:02.500Z')
  t.equal(retryAtFrom('Mon, 30 Nov 2026 12:01:00 GMT', NOW)?.toISOString(), '2026-11-30T12:01:00.000Z')
  t.equal(retryAtFrom('soon', NOW), undefined)
})

t.test('5xx and 408 are retryable, other 4xx permanent; reasons quote the answer redacted and never the URL', async (t) => {
  const broken = await receiver(t, (_q, res) => { res.writeHead(503).end(`down, your url was /hook/${SECRET}`) })
  const retry = await failureOf(postJson(broken, {}, { receiver: 'Slack', redact }))
  t.equal(retry.failure, 'retryable')
  t.match(retry.message, /^Slack answered HTTP 503: down/)
  t.notMatch(retry.message, SECRET)
  const invalid = await receiver(t, (_q, res) => { res.writeHead(400).end('invalid_payload') })
  const refused = await failureOf(postJson(invalid, {}, { receiver: 'Slack', redact }))
  t.equal(refused.failure, 'permanent')
  t.equal(refused.message, 'Slack refused the delivery: HTTP 400: invalid_payload')
  const timeout = await receiver(t, (_q, res) => { res.writeHead(408).end() })
  t.equal((await failureOf(postJson(timeout, {}, { receiver: 'Slack', redact }))).failure, 'retryable')
})

t.test('a receiver that hangs is cut off by the deadline; a refused connection is retryable', async (t) => {
  const hanging = await receiver(t, () => { /* never answers */ })
  const cut = await failureOf(postJson(hanging, {}, { receiver: 'PagerDuty', redact, timeoutMs: 200 }))
  t.equal(cut.failure, 'retryable')
  t.equal(cut.message, 'PagerDuty: no answer within 200 ms')
  const refused = await failureOf(postJson('http://127.0.0.1:1/', {}, { receiver: 'PagerDuty', redact }))
  t.equal(refused.failure, 'retryable')
  t.match(refused.message, /ECONNREFUSED/)
})
