import t from 'tap'
import { createRedactor, hideUrlQueries, redactShortened, redactUrl, redactValue, REDACTED } from '../src/redact.js'

t.test('known secrets are replaced as written, URL-encoded and JSON-escaped', async (t) => {
  const redact = createRedactor(['p@ss"word/1'])
  t.equal(redact('password p@ss"word/1 here'), `password ${REDACTED} here`)
  t.equal(redact(`encoded ${encodeURIComponent('p@ss"word/1')}`), `encoded ${REDACTED}`)
  t.equal(redact(JSON.stringify({ v: 'p@ss"word/1' })), `{"v":"${REDACTED}"}`)
})

t.test('credentials in URLs, bearer tokens and key parameters are scrubbed without being known', async (t) => {
  const redact = createRedactor([])
  t.equal(redact('connect to redis://default:hunter22@cache:6379 failed'), `connect to redis://${REDACTED}@cache:6379 failed`)
  t.equal(redact('Authorization: Bearer sk-abcdef0123456789'), `Authorization: Bearer ${REDACTED}`)
  t.equal(redact('GET https://api.example.com/v1?key=AIzaSecret&x=1'), `GET https://api.example.com/v1?key=${REDACTED}&x=1`)
})

t.test('redactUrl keeps the URL readable, parameter names shown and every value hidden', async (t) => {
  t.equal(redactUrl('https://user:pw@example.com/health?token=abc&page=2'), 'https://example.com/health?token=[REDACTED]&page=[REDACTED]')
  t.equal(redactUrl('https://b.example.com/o?X-Amz-Signature=abc123&X-Amz-Credential=AKIA%2F1&sig=zz#top'),
    'https://b.example.com/o?X-Amz-Signature=[REDACTED]&X-Amz-Credential=[REDACTED]&sig=[REDACTED]#top')
  t.equal(redactUrl('https://example.com/?flag&a=1'), 'https://example.com?flag&a=[REDACTED]')
  t.equal(redactUrl('https://ops:pw@example.com/'), 'https://example.com')
  t.equal(redactUrl('https://example.com/health'), 'https://example.com/health')
})

t.test('redactValue scrubs every string of an object', async (t) => {
  const redact = createRedactor(['topsecret'])
  t.same(redactValue({ a: ['x topsecret'], b: { c: 'topsecret' }, n: 1 }, redact), { a: [`x ${REDACTED}`], b: { c: REDACTED }, n: 1 })
})

t.test('redactValue survives cycles', async (t) => {
  const looped: Record<string, unknown> = { name: 'topsecret' }
  looped.self = looped
  t.same(redactValue(looped, createRedactor(['topsecret'])), { name: REDACTED, self: '[Circular]' })
})

t.test('secret-looking query parameters are hidden in any text', async (t) => {
  const redact = createRedactor([])
  const text = 'GET http://h/?access_key=AK-1&client_secret=CS-2&sig=S3&X-Amz-Signature=S4&X-Amz-Security-Token=S5&page=2'
  t.equal(redact(text), `GET http://h/?access_key=${REDACTED}&client_secret=${REDACTED}&sig=${REDACTED}&X-Amz-Signature=${REDACTED}&X-Amz-Security-Token=${REDACTED}&page=2`)
})

t.test('hideUrlQueries hides every query value of every http URL in a text', async (t) => {
  t.equal(hideUrlQueries('{"url":"https://h.example/p?a=1&b=two","other":"x=1"}'), `{"url":"https://h.example/p?a=${REDACTED}&b=${REDACTED}","other":"x=1"}`)
})

t.test('many known secrets are all found, overlapping ones as one marker', async (t) => {
  const secrets = Array.from({ length: 500 }, (_, i) => `planted-${i}-${'x'.repeat(i % 7)}`)
  const redact = createRedactor([...secrets, 'abcdef', 'defghi'])
  const text = secrets.map((s, i) => `item ${i}: ${s};`).join(' ') + ' abcdefghi end'
  const out = redact(text)
  t.notMatch(out, /planted-/)
  t.match(out, `item 499: ${REDACTED};`)
  t.match(out, ` ${REDACTED} end`)
})

t.test('a megabyte of text is redacted whole and correctly', async (t) => {
  const secret = 'megabyte-planted-secret'
  const redact = createRedactor([secret])
  const chunk = 'a'.repeat(1000) + ' ' + 'http' + 'b'.repeat(500) + ' token,' + ' '.repeat(100)
  const text = `${chunk.repeat(1000)}${secret} redis://u:${'p'.repeat(2000)}@h ?key=${'k'.repeat(5000)}`
  const out = redact(text)
  t.notMatch(out, secret)
  t.notMatch(out, /ppp|kkk/)
  t.equal(out.length, chunk.length * 1000 + `${REDACTED} redis://${REDACTED}@h ?key=${REDACTED}`.length)
})

t.test('redactShortened cuts before redacting and never shows part of a secret split by the cut', async (t) => {
  const secret = 'split-secret-0123456789'
  const redact = createRedactor([secret])
  for (let at = 0; at < 400; at += 7) {
    const text = 'x'.repeat(at) + secret + 'y'.repeat(100_000)
    const out = redactShortened(text, 300, redact)
    t.ok(out.length <= 301, 'at most the limit and the ellipsis')
    t.notMatch(out, /split-|0123/)
  }
  t.equal(redactShortened('short', 300, redact), 'short')
})

t.test('the Railway webhook secret in a URL path is hidden whatever its value; the route template stays', async (t) => {
  const redact = createRedactor([])
  t.equal(redact('POST https://vigil.example.com/webhooks/railway/an-old-rotated-secret?x=1 failed'), 'POST https://vigil.example.com/webhooks/railway/[REDACTED]?x=1 failed')
  t.equal(redact('{"url":"/webhooks/railway/guess-123"}'), '{"url":"/webhooks/railway/[REDACTED]"}')
  t.equal(redact('route /webhooks/railway/:secret'), 'route /webhooks/railway/:secret')
})
