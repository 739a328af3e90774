import t from 'tap'
import { createRedactor, redactUrl, redactValue, REDACTED } from '../src/redact.js'

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

t.test('redactUrl keeps the URL readable', async (t) => {
  t.equal(redactUrl('https://user:pw@example.com/health?token=abc&page=2'), 'https://example.com/health?token=[REDACTED]&page=2')
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
