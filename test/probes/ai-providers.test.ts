import type { IncomingHttpHeaders } from 'node:http'
import t from 'tap'
import { AI_PROVIDERS } from '../../src/config/ai-providers.js'
import { startAiStandIn, type AiStandIn, type StandInMode } from '../support/ai-stand-in.js'
import { startProbeApp } from '../support/probe-app.js'
import { resultsOf } from '../support/recording-registry.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'

const checkEscapes = watchEscapedErrors()

// What each real provider expects; the stand-ins enforce it.
const expected: Record<string, { path: string, authorized: (h: IncomingHttpHeaders, key: string) => boolean }> = {
  openai: { path: '/v1/models', authorized: (h, key) => h.authorization === `Bearer ${key}` },
  anthropic: { path: '/v1/models', authorized: (h, key) => h['x-api-key'] === key && typeof h['anthropic-version'] === 'string' },
  google: { path: '/v1beta/models', authorized: (h, key) => h['x-goog-api-key'] === key },
  groq: { path: '/openai/v1/models', authorized: (h, key) => h.authorization === `Bearer ${key}` },
  openrouter: { path: '/api/v1/key', authorized: (h, key) => h.authorization === `Bearer ${key}` }
}

const keys = new Map(AI_PROVIDERS.map((p) => [p.name, `planted-${p.name}-key-${Math.random().toString(36).slice(2, 12)}`]))
const standIns = new Map<string, AiStandIn>()
const env: Record<string, string> = {}
for (const provider of AI_PROVIDERS) {
  const key = keys.get(provider.name)!
  const standIn = await startAiStandIn((headers) => expected[provider.name]!.authorized(headers, key))
  t.teardown(() => standIn.close())
  standIns.set(provider.name, standIn)
  env[provider.keyVar] = key
  env[provider.baseUrlVar] = standIn.baseUrl
}
const { app, results, logLines } = await startProbeApp(env)
t.teardown(() => app.close())

const modes: Array<{ mode: StandInMode, status: string, error?: RegExp }> = [
  { mode: 200, status: 'healthy' },
  { mode: 401, status: 'unhealthy', error: /^API key rejected \(HTTP 401\)$/ },
  { mode: 429, status: 'degraded', error: /^rate limited \(HTTP 429\)$/ },
  { mode: 500, status: 'unhealthy', error: /HTTP 500/ },
  { mode: 'never', status: 'unhealthy', error: /^timeout/ }
]

for (const { mode, status, error } of modes) {
  t.test(`each provider answering ${mode} is reported ${status}`, async (t) => {
    for (const standIn of standIns.values()) standIn.mode = mode
    const from = results.length
    // The second result after the switch comes from a request sent after it.
    await waitFor('two rounds', () => AI_PROVIDERS.every((p) => resultsOf(results, p.name, from).length >= 2))
    // On a loaded machine a round may overrun the 100 ms test timeout; wait for the mapped answer.
    await waitFor(`every provider ${status}`, () => AI_PROVIDERS.every((p) => {
      const state = app.vigil.components.get(p.name)
      return state?.status === status && (error === undefined || error.test(state.error ?? ''))
    }))
    const res = await app.inject('/health/detailed')
    t.equal(res.statusCode, 200, 'optional providers never make the service unhealthy')
    const body = res.json<{ status: string, components: { ai_providers: Record<string, { status: string, required: boolean, error?: string }> } }>()
    t.equal(body.status, status === 'healthy' ? 'healthy' : 'degraded')
    for (const provider of AI_PROVIDERS) {
      const view = body.components.ai_providers[provider.name]
      t.match(view, { status, required: false }, provider.name)
      if (error !== undefined) t.match(view?.error, error, `${provider.name} error`)
    }
    t.equal((await app.inject('/health/readiness')).statusCode, 200, 'optional providers do not gate readiness')
  })
}

t.test('each provider is called on its own path with the auth header it expects, the key never in the URL', async (t) => {
  for (const provider of AI_PROVIDERS) {
    const seen = standIns.get(provider.name)!.seen
    t.ok(seen.length > 0, `${provider.name} was called`)
    t.ok(seen.every((r) => r.method === 'GET' && r.url === expected[provider.name]!.path), `${provider.name} path`)
    t.ok(seen.every((r) => r.authorized), `${provider.name} auth header`)
    t.ok(seen.every((r) => !r.url.includes(keys.get(provider.name)!)), `${provider.name} key not in URL`)
  }
})

t.test('a provider that never answers has its request aborted, not left open', async (t) => {
  for (const standIn of standIns.values()) standIn.mode = 'never'
  const from = results.length
  await waitFor('five timed-out rounds', () => AI_PROVIDERS.every((p) => resultsOf(results, p.name, from).length >= 5))
  for (const [name, standIn] of standIns) t.ok(standIn.pending <= 1, `${name}: ${standIn.pending} request(s) still open`)
  for (const standIn of standIns.values()) standIn.mode = 200
})

t.test('no API key appears in the report, the metrics or the logs', async (t) => {
  const texts = [(await app.inject('/health/detailed')).body, (await app.inject('/metrics')).body, ...logLines]
  for (const key of keys.values()) t.notOk(texts.some((text) => text.includes(key)), 'key absent')
  t.ok(logLines.some((line) => line.includes('openai is degraded')), 'status changes are logged')
})

t.test('REQUIRED_COMPONENTS makes a provider gate readiness', async (t) => {
  const standIn = await startAiStandIn(() => false)
  t.teardown(() => standIn.close())
  const gated = await startProbeApp({ OPENAI_API_KEY: 'planted-required-key', OPENAI_BASE_URL: standIn.baseUrl, REQUIRED_COMPONENTS: 'openai' })
  t.teardown(() => gated.app.close())
  await waitFor('the key rejected', () => /API key rejected/.test(gated.app.vigil.components.get('openai')?.error ?? ''))
  t.equal((await gated.app.inject('/health/readiness')).statusCode, 503)
  t.match((await gated.app.inject('/health/detailed')).json(), { status: 'unhealthy', components: { ai_providers: { openai: { required: true, error: /API key rejected/ } } } })
})

t.test('no unhandled rejection or uncaught exception', async (t) => { checkEscapes(t) })
