import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

const TOKEN = 'status-page-token-7f3a9c'
// Planted secrets: each must never appear in any answer.
const SECRETS = {
  PROD_PASSWORD: 'hunter2-prod-pw',
  API_KEY: 'sk-planted-api-key-4242',
  HEADER_SECRET: 'header-secret-value-9911',
  GITHUB_TOKEN: 'ghp_plantedgithubtoken000000000000000',
  DATABASE_PASSWORD: 'db-planted-pw-5150'
}

let server: TargetServer
t.before(async () => { server = await startTargetServer() })
t.teardown(async () => { await server.close() })

function monitorFile (): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-status-routes-')), 'monitor.yaml')
  writeFileSync(path, `
interval: 1s
environments:
  - name: production
    url: \${PROD_URL}
    attempts: 1
    headers:
      X-Api-Key: \${HEADER_SECRET}
  - name: staging
    url: ${server.url}/staging?api_key=\${API_KEY}
    attempts: 1
`)
  return path
}

function env (extra: Record<string, string> = {}): Record<string, string> {
  return {
    MONITOR_CONFIG: monitorFile(),
    PROD_URL: server.url.replace('http://', `http://ops:${SECRETS.PROD_PASSWORD}@`),
    API_KEY: SECRETS.API_KEY,
    HEADER_SECRET: SECRETS.HEADER_SECRET,
    GITHUB_TOKEN: SECRETS.GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_API_URL: 'http://127.0.0.1:1',
    ...extra
  }
}

async function started (t: Test, extra: Record<string, string> = {}) {
  const app = await buildApp(testConfig(env(extra)))
  t.teardown(() => app.close())
  await app.ready()
  await waitFor('both environments checked', () => {
    const entries = app.vigil.environments.entries()
    return entries.production !== undefined && entries.staging !== undefined
  })
  return app
}

t.test('public by default: page, JSON, markdown, badges, and / → /status', async (t) => {
  server.set('/staging/health', { status: 503, body: `{"status":"down","echo":"${SECRETS.HEADER_SECRET} ${SECRETS.API_KEY}"}` })
  const app = await started(t)

  const root = await app.inject('/')
  t.equal(root.statusCode, 302)
  t.equal(root.headers.location, '/status')

  const page = await app.inject('/status')
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html; charset=utf-8/)
  t.equal(page.headers['cache-control'], 'no-store')
  t.match(page.body, /<h3 id="env-0">production<\/h3>/)
  t.match(page.body, /<h3 id="env-1">staging<\/h3><span class="status s-down">Down<\/span>/)

  const json = await app.inject('/status.json')
  t.match(json.headers['content-type'], /^application\/json/)
  const body = json.json()
  t.match(body, {
    status: 'down',
    interval_seconds: 1,
    refresh_seconds: 1,
    history: { store: 'memory', available: true, retention_days: 30, error: null },
    links: { issues: /^http:\/\/127\.0\.0\.1:1\/acme\/shop\/issues\?q=/ }
  })
  t.same(body.environments.map((e: { name: string, status: string }) => [e.name, e.status]), [['production', 'up'], ['staging', 'down']])
  t.same(Object.keys(body.environments[0].uptime), ['24h', '7d', '30d'])

  const markdown = await app.inject('/status.md')
  t.match(markdown.headers['content-type'], /^text\/markdown; charset=utf-8/)
  t.match(markdown.body, /^# Vigil health report/)

  const badge = await app.inject('/badge/staging.svg')
  t.equal(badge.statusCode, 200)
  t.match(badge.headers['content-type'], /^image\/svg\+xml/)
  t.equal(badge.headers['cache-control'], 'no-cache')
  t.match(badge.body, /aria-label="staging: down"/)
  t.match((await app.inject('/badge/production.svg')).body, /aria-label="production: up"/)
  t.equal((await app.inject('/badge/nowhere.svg')).statusCode, 404, 'unknown environment')
  t.equal((await app.inject('/badge/production.png')).statusCode, 404, 'only .svg')
  t.equal((await app.inject('/status.json?since=forever')).statusCode, 400)
  t.equal((await app.inject('/status.json?since=7d')).json().period.since.length, 24)

  t.equal((await app.inject({ url: '/status.json', headers: { 'x-forwarded-proto': 'https' } })).json().links.status_page, 'https://localhost:80/status')
  t.equal((await app.inject({ url: '/status.json', headers: { 'x-forwarded-proto': 'javascript' } })).json().links.status_page, null, 'a forged scheme gives no link')
  t.equal((await app.inject({ url: '/status.json', headers: { host: 'evil.example)[x](y' } })).json().links.status_page, null, 'a forged host gives no link')

  // No planted secret, anywhere.
  const answers = [page.body, json.body, markdown.body, badge.body, (await app.inject('/status?since=30d')).body]
  for (const [name, secret] of Object.entries(SECRETS)) {
    t.notOk(answers.some((a) => a.includes(secret)), `${name} appears in no answer`)
  }
  t.notOk(answers.some((a) => a.includes('ops:')), 'no URL credentials')
})

t.test('STATUS_PAGE_TOKEN: bearer or ?token=, every route, never echoed', async (t) => {
  const app = await started(t, { STATUS_PAGE_TOKEN: TOKEN })
  for (const url of ['/', '/status', '/status.json', '/status.md', '/badge/production.svg']) {
    const refused = await app.inject(url)
    t.equal(refused.statusCode, 401, `${url} without a token`)
    t.equal(refused.headers['www-authenticate'], 'Bearer realm="vigil"')
    t.equal((await app.inject({ url, headers: { authorization: 'Bearer wrong-token' } })).statusCode, 401, `${url} with a wrong token`)
    t.equal((await app.inject({ url: `${url}?token=wrong` })).statusCode, 401, `${url} with a wrong ?token=`)
  }
  const bearer = await app.inject({ url: '/status', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(bearer.statusCode, 200)
  const query = await app.inject(`/status?token=${TOKEN}`)
  t.equal(query.statusCode, 200)
  t.notOk(query.body.includes(TOKEN), 'the token is not on the page')
  t.equal((await app.inject(`/badge/production.svg?token=${TOKEN}`)).statusCode, 200)
  t.equal((await app.inject(`/?token=${TOKEN}`)).headers.location, `/status?token=${TOKEN}`, 'the redirect keeps ?token=')
  t.notOk((await app.inject(`/status.json?token=${TOKEN}`)).body.includes(TOKEN))
  t.notOk((await app.inject(`/status.md?token=${TOKEN}`)).body.includes(TOKEN))
})

t.test('STATUS_PAGE=false: none of the routes exist', async (t) => {
  const app = await started(t, { STATUS_PAGE: 'false' })
  for (const url of ['/', '/status', '/status.json', '/status.md', '/badge/production.svg']) {
    t.equal((await app.inject(url)).statusCode, 404, url)
  }
  t.equal((await app.inject('/health')).statusCode, 200)
})

t.test('without environments the page shows the components alone', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  const page = await app.inject('/status')
  t.equal(page.statusCode, 200)
  t.match(page.body, /No environments are monitored/)
  t.equal((await app.inject('/status.json')).json().status, 'unknown')
})
