import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import type { ResultHistory } from '../../src/state/history.js'
import { createMemoryHistory } from '../../src/state/memory-history.js'
import { STATUS_PAGE_SIZE } from '../../src/status/board-query.js'
import { SESSION_MAX_AGE_SECONDS, sessionValue } from '../../src/status/session-cookie.js'
import { checkResult } from '../support/check-results.js'
import { testConfig } from '../support/config.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

// 30 environments: more than a page (25), so the board is summarised and paged.
const COUNT = 30
const DOWN = ['env-05', 'env-17', 'env-29']
const TOKEN = 'status-page-token-large-81c2'
const SECRETS = { API_KEY: 'sk-planted-large-board-7731', HEADER_SECRET: 'header-secret-large-5521' }
const name = (i: number): string => `env-${String(i).padStart(2, '0')}`

let server: TargetServer
t.before(async () => {
  server = await startTargetServer()
  for (const down of DOWN) server.set(`/${down}/health`, { status: 503, body: `{"echo":"${SECRETS.HEADER_SECRET} ${SECRETS.API_KEY}"}` })
})
t.teardown(async () => { await server.close() })

function monitorFile (count: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-large-board-')), 'monitor.yaml')
  const environments = Array.from({ length: count }, (_, i) => [
    `  - name: ${name(i)}`,
    `    url: ${server.url}/${name(i)}?api_key=\${API_KEY}`,
    '    attempts: 1',
    '    headers:',
    '      X-Api-Key: ${HEADER_SECRET}'
  ].join('\n'))
  writeFileSync(path, `interval: 1h\nenvironments:\n${environments.join('\n')}\n`)
  return path
}

async function started (t: Test, count = COUNT, extra: Record<string, string> = {}, history?: ResultHistory) {
  const app = await buildApp(testConfig({ MONITOR_CONFIG: monitorFile(count), ...SECRETS, ...extra }), history === undefined ? {} : { history })
  t.teardown(() => app.close())
  await app.ready()
  await waitFor('every environment checked once', () => app.vigil.environments.names().length === count)
  return app
}

const articles = (html: string): string[] => [...html.matchAll(/<h3 id="env-\d+">([^<]*)<\/h3>/g)].map((m) => m[1]!)

t.test('a board over a page: summary by status, those not up first, pages of 25 with links, in HTML, JSON and markdown', async (t) => {
  t.equal(STATUS_PAGE_SIZE, 25)
  const app = await started(t)
  const up = Array.from({ length: COUNT }, (_, i) => name(i)).filter((n) => !DOWN.includes(n))

  const json = (await app.inject('/status.json')).json()
  t.equal(json.status, 'down', 'the overall status is the worst of all environments')
  t.same(json.summary, { total: 30, up: 27, degraded: 0, down: 3, unknown: 0 })
  t.match(json.page, { number: 1, size: 25, pages: 2, matching: 30, order: 'attention', previous: null, next: 'status.json?page=2', filter: { environments: null, statuses: null } })
  t.same(json.environments.map((e: { name: string }) => e.name), [...DOWN, ...up.slice(0, 22)], 'down first, then up, configured order within each')

  const second = (await app.inject('/status.json?page=2')).json()
  t.same(second.environments.map((e: { name: string }) => e.name), up.slice(22))
  t.match(second.page, { number: 2, previous: 'status.json', next: null })
  t.same(second.summary, json.summary, 'the summary counts every environment on every page')

  const page = await app.inject('/status')
  t.equal(page.statusCode, 200)
  t.match(page.body, /<h2 id="summary-heading">Summary<\/h2>/)
  t.match(page.body, /<a href="status\?status=down"><span class="status s-down">Down<\/span><\/a> <strong>3<\/strong>/)
  t.match(page.body, /<a href="status\?status=up"><span class="status s-up">Up<\/span><\/a> <strong>27<\/strong>/)
  t.match(page.body, /Page 1 of 2 \(1–25 of 30\)/)
  t.match(page.body, /<a rel="next" href="status\?page=2">/)
  t.notMatch(page.body, /rel="prev"/)
  t.same(articles(page.body), [...DOWN, ...up.slice(0, 22)])
  const last = await app.inject('/status?page=2&since=7d')
  t.same(articles(last.body), up.slice(22))
  t.match(last.body, /<a rel="prev" href="status\?since=7d">/, 'the previous link keeps ?since=')
  t.match(last.body, /Page 2 of 2 \(26–30 of 30\)/)

  const markdown = (await app.inject('/status.md')).body
  t.match(markdown, /\*\*Overall: Down\*\* \(30 environments;/)
  t.match(markdown, /By status: 3 down, 0 degraded, 0 unknown, 27 up\./)
  t.match(markdown, /Page 1 of 2: 1–25 of the 30 selected, those not up first\. \[Next page\]\(status\.md\?page=2\)/)
  t.equal(markdown.split('\n').filter((line) => /^\| env-\d\d \| (Up|Down) \|/.test(line)).length, 25, 'one row per environment on the page')

  // Past the last page: nothing listed, a link back to the last one.
  const beyond = (await app.inject('/status.json?page=9')).json()
  t.same(beyond.environments, [])
  t.match(beyond.page, { number: 9, pages: 2, previous: 'status.json?page=2', next: null })
  t.match((await app.inject('/status?page=9')).body, /No environment matches\.[\s\S]*Page 9 of 2 \(no environment on page 9\)/)
})

t.test('filters: ?status= in the page\'s or /health/detailed\'s words, ?environment= regardless of case, kept in the page links', async (t) => {
  const app = await started(t)
  for (const url of ['/status.json?status=down', '/status.json?status=UNHEALTHY', '/status.json?status=down,unknown', '/status.json?status=Down&status=degraded']) {
    const body = (await app.inject(url)).json()
    t.same(body.environments.map((e: { name: string }) => e.name), DOWN, url)
    t.equal(body.page.matching, 3, url)
  }
  const filtered = (await app.inject('/status.json?environment=ENV-03,env-17&since=7d')).json()
  t.same(filtered.environments.map((e: { name: string }) => e.name), ['env-17', 'env-03'], 'the monitored spelling, those not up first')
  t.same(filtered.page.filter, { environments: ['env-03', 'env-17'], statuses: null })
  t.same((await app.inject('/status.json?status=up')).json().page.next, 'status.json?status=up&page=2', 'the next link keeps the filter')
  t.same((await app.inject('/status.json?status=up&page=2&since=7d')).json().page.previous, 'status.json?since=7d&status=up')
  const html = (await app.inject('/status?environment=env-17')).body
  t.same(articles(html), ['env-17'])
  t.match(html, /<input name="environment" value="env-17"/, 'the form shows the filter')
  t.match(html, /<a href="status">Show all<\/a>/)
  t.same(articles((await app.inject('/status?environment=&status=')).body).length, 25, 'a blank form is no filter')
  t.match((await app.inject('/status.md?status=down')).body, /Page 1 of 1: 1–3 of the 3 selected \(status down\), those not up first\./)
})

t.test('a bad ?page=, ?status= or ?environment= answers 400 with what was wrong, on every route', async (t) => {
  const app = await started(t)
  const cases: Array<[string, RegExp]> = [
    ['page=0', /^page: expected a page number from 1 to 1000000, got "0"$/],
    ['page=-1', /^page: expected a page number from 1 to 1000000, got "-1"$/],
    ['page=two', /^page: expected a page number from 1 to 1000000, got "two"$/],
    ['page=1.5', /^page: expected a page number from 1 to 1000000, got "1.5"$/],
    ['page=99999999', /^page: expected a page number from 1 to 1000000, got "99999999"$/],
    ['page=1&page=2', /^page: expected one page number, got several$/],
    ['status=sideways', /^status: expected up, degraded, down or unknown \(or healthy, unhealthy\), got "sideways"$/],
    ['environment=nowhere', /^environment: "nowhere" is not a monitored environment$/]
  ]
  for (const route of ['/status', '/status.json', '/status.md']) {
    for (const [query, message] of cases) {
      const answer = await app.inject(`${route}?${query}`)
      t.equal(answer.statusCode, 400, `${route}?${query}`)
      t.match(answer.json(), { error: 'Bad Request', message }, `${route}?${query}`)
    }
  }
})

t.test('secrets stay out of every page, filter and link; the token is never written into a page link', async (t) => {
  const app = await started(t, COUNT, { STATUS_PAGE_TOKEN: TOKEN })
  t.equal((await app.inject('/status.json?page=2')).statusCode, 401, 'paging needs the token too')
  const urls = ['/status', '/status?page=2', '/status?status=down', '/status.json', '/status.json?page=2&status=up', '/status.md', '/status.md?environment=env-05']
  const answers: string[] = []
  for (const url of urls) {
    const answer = await app.inject(`${url}${url.includes('?') ? '&' : '?'}token=${TOKEN}`)
    t.equal(answer.statusCode, 200, url)
    answers.push(answer.body)
  }
  for (const [secret, value] of Object.entries({ ...SECRETS, STATUS_PAGE_TOKEN: TOKEN })) {
    t.notOk(answers.some((a) => a.includes(value)), `${secret} appears in no answer`)
  }
  t.match(answers[0], /<a rel="next" href="status\?page=2">/, 'the page link carries no token')
  t.match(JSON.parse(answers[4]!).environments[0].url, /api_key=\[REDACTED\]/, 'environment URLs are redacted')
})

t.test('with STATUS_PAGE_TOKEN, ?token= sets a cookie derived from it, so the page links (which carry no token) open', async (t) => {
  const app = await started(t, COUNT, { STATUS_PAGE_TOKEN: TOKEN })
  const first = await app.inject(`/status?token=${TOKEN}`)
  const setCookie = String(first.headers['set-cookie'])
  t.match(setCookie, /^vigil_status=\d+\.[A-Za-z0-9_-]{43}; Max-Age=86400; Path=\/; HttpOnly; SameSite=Strict$/)
  t.notOk(setCookie.includes(TOKEN), 'the cookie is not the token')
  const cookie = setCookie.split(';')[0]!
  const next = /<a rel="next" href="([^"]+)">/.exec(first.body)![1]!
  const followed = await app.inject({ url: `/${next}`, headers: { cookie: `theme=dark; ${cookie}` } })
  t.equal(followed.statusCode, 200, 'the next page opens with the cookie')
  t.equal(articles(followed.body).length, 5)
  t.equal(followed.headers['set-cookie'], undefined, 'a cookie is set only when the token is given')
  t.equal((await app.inject({ url: '/status.json', headers: { cookie: 'vigil_status=forged' } })).statusCode, 401, 'a forged cookie is refused')
  t.equal((await app.inject({ url: '/status.json', headers: { cookie: `${cookie}x` } })).statusCode, 401, 'an altered cookie is refused')
  t.match(String((await app.inject({ url: `/status?token=${TOKEN}`, headers: { 'x-forwarded-proto': 'https' } })).headers['set-cookie']), /; Secure;/, 'Secure over https')
  const expired = `vigil_status=${sessionValue(TOKEN, Date.now() - (SESSION_MAX_AGE_SECONDS + 60) * 1000)}`
  t.equal((await app.inject({ url: '/status.json', headers: { cookie: expired } })).statusCode, 401, 'a cookie past its day is refused')
  const stretched = cookie.replace(/=(\d+)\./, (_, expires: string) => `=${Number(expires) + 86_400}.`)
  t.equal((await app.inject({ url: '/status.json', headers: { cookie: stretched } })).statusCode, 401, 'a cookie whose expiry was moved is refused')
  t.equal((await app.inject(`/status?token=wrong-${TOKEN}`)).headers['set-cookie'], undefined, 'no cookie for a wrong token')

  // Another token: the cookie of the first no longer opens anything.
  const other = await started(t, 2, { STATUS_PAGE_TOKEN: `${TOKEN}-rotated` })
  t.equal((await other.inject({ url: '/status', headers: { cookie } })).statusCode, 401, 'a cookie of another token is refused')
})

t.test('a board of a page or fewer looks as ever: configured order, no summary, no pages', async (t) => {
  const app = await started(t, 4)
  const html = (await app.inject('/status')).body
  t.same(articles(html), ['env-00', 'env-01', 'env-02', 'env-03'])
  t.notMatch(html, /summary-heading|class="pager"/)
  t.notMatch((await app.inject('/status.md')).body, /By status:|Page 1/)
  t.match((await app.inject('/status.json')).json().page, { number: 1, pages: 1, matching: 4, order: 'configured', previous: null, next: null })
})

t.test('a request reads the history of its page\'s environments only, and the newest result of every one; a newer history result still decides', async (t) => {
  const memory = createMemoryHistory(100)
  const reads: Array<readonly string[] | undefined> = []
  const latests: Array<readonly string[]> = []
  const history: ResultHistory = {
    ...memory,
    read: async (since, environments) => { reads.push(environments); return await memory.read(since, environments) },
    latest: async (since, environments) => { latests.push(environments); return await memory.latest(since, environments) }
  }
  const app = await started(t, COUNT, {}, history)
  // The leader's newer result (another replica's check): env-10 went down after this replica's check.
  const later = new Date(Date.now() + 60_000)
  memory.record([checkResult('env-10', 'unhealthy', { at: later, httpStatus: 503 })], 'leader')

  const json = (await app.inject('/status.json')).json()
  t.same(reads, [json.environments.map((e: { name: string }) => e.name)], 'one read, of the page\'s 25 environments')
  t.equal(reads[0]!.length, 25)
  t.same(latests, [Array.from({ length: COUNT }, (_, i) => name(i))], 'the newest result of every environment, once')
  t.same(json.summary, { total: 30, up: 26, degraded: 0, down: 4, unknown: 0 }, 'counted down from the history')
  t.same(json.environments.slice(0, 4).map((e: { name: string }) => e.name), ['env-05', 'env-10', 'env-17', 'env-29'], 'ordered among the down')
  t.match(json.environments[1], { name: 'env-10', status: 'down', http_status: 503, last_checked_at: later.toISOString() }, 'its view from the same history')
  t.equal(json.environments[1].recent_checks.length, 2, 'its whole period: this replica\'s check and the leader\'s')

  reads.length = 0
  const filtered = (await app.inject('/status.json?environment=env-21')).json()
  t.same(reads, [['env-21']], 'a filtered page reads only what it shows')
  t.equal(filtered.environments[0].recent_checks.length, 1)
})
