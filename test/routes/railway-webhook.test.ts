import type { Test } from 'tap'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { captureLogs } from '../support/log-lines.js'
import { railwayPayload } from '../support/railway-payloads.js'

const SECRET = 'whsec-PlantedRailwaySecret-0123456789abcdef'

async function app (t: Test, env: Record<string, string> = { RAILWAY_WEBHOOK_SECRET: SECRET }) {
  const logs = captureLogs()
  const instance = await buildApp(testConfig({ LOG_LEVEL: 'debug', ...env }), { logDestination: logs.destination })
  t.teardown(() => instance.close())
  return { app: instance, logs }
}

const post = (secret: string, payload: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  ({ method: 'POST' as const, url: `/webhooks/railway/${secret}`, headers, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) })

const eventCount = async (instance: Awaited<ReturnType<typeof buildApp>>, type: string): Promise<number> => {
  const body = (await instance.inject('/metrics')).body
  const match = new RegExp(`^vigil_railway_events_total\\{type="${type.replace('.', '\\.')}"\\} (\\d+)$`, 'm').exec(body)
  return match === null ? 0 : Number(match[1])
}

t.test('without RAILWAY_WEBHOOK_SECRET there is no webhook route at all', async (t) => {
  const { app: instance } = await app(t, {})
  const res = await instance.inject(post('anything-at-all-0123456789', railwayPayload()))
  t.equal(res.statusCode, 404)
})

t.test('the right secret and a deployment event: 202 at once, counted by type', async (t) => {
  const { app: instance } = await app(t)
  const res = await instance.inject(post(SECRET, railwayPayload({ type: 'Deployment.crashed' })))
  t.equal(res.statusCode, 202)
  t.same(res.json(), { status: 'accepted' })
  t.equal(await eventCount(instance, 'Deployment.crashed'), 1)
})

t.test('a wrong secret answers as an unknown route does, before the body is read', async (t) => {
  const { app: instance } = await app(t)
  const unknownRoute = await instance.inject({ method: 'POST', url: '/webhooks/nothing-here/x', headers: { 'content-type': 'application/json' }, payload: '{}' })
  const wrong = await instance.inject(post(`${SECRET}x`, railwayPayload()))
  t.equal(wrong.statusCode, 404)
  t.same(Object.keys(wrong.json()).sort(), Object.keys(unknownRoute.json()).sort(), 'the same shape of answer as no route')
  t.equal((await instance.inject(post('short', '{not json'))).statusCode, 404, 'malformed body with a wrong secret: still 404')
  t.equal((await instance.inject(post('nope', 'x'.repeat(100 * 1024)))).statusCode, 404, 'oversized body with a wrong secret: still 404')
  t.equal(await eventCount(instance, 'Deployment.crashed'), 0, 'nothing counted')
})

t.test('malformed JSON is 400, an oversized body 413, a non-object 400; none counted', async (t) => {
  const { app: instance } = await app(t)
  t.equal((await instance.inject(post(SECRET, '{"type": "Deployment.crashed",'))).statusCode, 400)
  t.equal((await instance.inject(post(SECRET, '[1, 2]'))).statusCode, 400)
  t.equal((await instance.inject(post(SECRET, { details: {} }))).statusCode, 400, 'no type')
  const big = railwayPayload({ commitMessage: 'x'.repeat(70 * 1024) })
  t.equal((await instance.inject(post(SECRET, big))).statusCode, 413)
  t.equal(await eventCount(instance, 'Deployment.crashed'), 0)
  t.equal((await instance.inject('/health')).statusCode, 200, 'the process still serves')
})

t.test('a content type other than JSON is 415, text/plain too; none counted', async (t) => {
  const { app: instance } = await app(t)
  const body = JSON.stringify(railwayPayload({ type: 'Deployment.crashed' }))
  for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded']) {
    t.equal((await instance.inject(post(SECRET, body, { 'content-type': type }))).statusCode, 415, type)
  }
  t.equal(await eventCount(instance, 'Deployment.crashed'), 0)
})

t.test('unknown types are counted as other and ignored; known ones by name', async (t) => {
  const { app: instance } = await app(t)
  for (const type of ['VolumeAlert.triggered', 'Something.new', 'Deployment.building']) {
    t.equal((await instance.inject(post(SECRET, railwayPayload({ type })))).statusCode, 202, type)
  }
  t.equal(await eventCount(instance, 'other'), 2)
  t.equal(await eventCount(instance, 'Deployment.building'), 1)
})

t.test('the secret appears in no log line and no metric label, whatever the request', async (t) => {
  const { app: instance, logs } = await app(t, { RAILWAY_WEBHOOK_SECRET: SECRET, PERFORMANCE_LOGGING: 'true' })
  const rotated = 'whsec-OldRotatedSecret-9876543210fedcba'
  await instance.inject(post(SECRET, railwayPayload()))
  await instance.inject(post(SECRET, '{broken'))
  await instance.inject(post(rotated, railwayPayload()))
  const metrics = (await instance.inject('/metrics')).body
  t.match(metrics, /route="\/webhooks\/railway\/:secret"/, 'the route template is the label')
  const everything = logs.lines.join('\n') + metrics
  t.notOk(everything.includes(SECRET), 'the secret is in no log line or metric')
  t.notOk(everything.includes(rotated), 'nor is a wrong (rotated) secret')
  t.ok(logs.lines.length > 0, 'lines were logged')
})

t.test('RAILWAY_WEBHOOK_SECRET too short stops start-up without echoing it', async (t) => {
  t.throws(() => testConfig({ RAILWAY_WEBHOOK_SECRET: 'short-secret' }), /RAILWAY_WEBHOOK_SECRET: .*\(value hidden\)/)
})
