import t from 'tap'
import { request } from 'undici'
import { startPagerdutyStandIn } from '../support/pagerduty-stand-in.js'

const KEY = 'R0UTINGKEY0PLANTED0000000000abcd'
const trigger = (dedupKey: string, payload: Record<string, unknown> = {}) => ({
  routing_key: KEY, event_action: 'trigger', dedup_key: dedupKey,
  payload: { summary: 'Production is down', source: 'api.example.com', severity: 'critical', ...payload }
})

t.test('the PagerDuty stand-in holds Vigil to the Events API v2 format and de-duplicates like PagerDuty', async (t) => {
  const pd = await startPagerdutyStandIn(KEY)
  t.teardown(() => pd.close())
  const send = async (body: unknown) => {
    const answer = await request(pd.eventsUrl, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    return { status: answer.statusCode, body: await answer.body.json() as Record<string, unknown> }
  }
  t.match(await send(trigger('a')), { status: 202, body: { status: 'success', dedup_key: 'a' } })
  t.equal((await send(trigger('a'))).status, 202)
  t.equal(pd.pages(), 1, 'a trigger on an open key merges: no second page')
  t.equal((await send({ routing_key: KEY, event_action: 'resolve', dedup_key: 'a' })).status, 202)
  t.equal(pd.alerts.get('a')?.status, 'resolved')
  await send(trigger('a'))
  t.equal(pd.pages(), 2, 'a trigger after the resolve pages again')

  const invalid: Array<[string, unknown]> = [
    ['a summary past 1024 characters', trigger('b', { summary: 'x'.repeat(1025) })],
    ['an unknown severity', trigger('b', { severity: 'urgent' })],
    ['a trigger without payload', { routing_key: KEY, event_action: 'trigger' }],
    ['a resolve without dedup_key', { routing_key: KEY, event_action: 'resolve' }],
    ['an unknown event_action', { routing_key: KEY, event_action: 'escalate', dedup_key: 'b' }],
    ['a payload without source', { routing_key: KEY, event_action: 'trigger', payload: { summary: 's', severity: 'info' } }],
    ['an unknown key', { ...trigger('b'), extra: true }],
    ['a routing key of the wrong length', { ...trigger('b'), routing_key: 'short' }],
    ['a link without href', { ...trigger('b'), links: [{ text: 'x' }] }]
  ]
  for (const [name, body] of invalid) {
    const before = pd.violations.length
    t.match(await send(body), { status: 400, body: { status: 'invalid event' } }, `${name} is refused`)
    t.ok(pd.violations.length > before, `${name} is a violation`)
  }
  t.match(await send(trigger('b', {})), { status: 202 })
  t.match(await send({ ...trigger('c'), routing_key: 'R0UTINGKEY0PLANTED0000000000zzzz' }), { status: 400, body: { errors: ['Invalid routing key'] } })
})

t.test('the stand-ins fail on demand: 500, 429 with Retry-After, 400, and a lost answer after acting', async (t) => {
  const pd = await startPagerdutyStandIn(KEY)
  t.teardown(() => pd.close())
  const post = async () => await request(pd.eventsUrl, { method: 'POST', body: JSON.stringify(trigger('k')), headers: { 'content-type': 'application/json' } })
  pd.failNext(1, 'server-error')
  t.equal((await post()).statusCode, 500)
  pd.failNext(1, 'rate-limited', { retryAfterSeconds: 7 })
  const limited = await post()
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['retry-after'], '7')
  pd.failNext(1, 'bad-request')
  t.equal((await post()).statusCode, 400)
  pd.failNext(1, 'lost-answer')
  await t.rejects(post(), 'the answer never arrives')
  t.equal(pd.pages(), 1, 'but the event was acted on')
})
