import t, { type Test } from 'tap'
import { startGithubStandIn, type GithubStandIn, type StandInOptions } from '../support/github-stand-in.js'

const REPO = 'acme/platform'

async function setup (t: { teardown: (fn: () => Promise<void>) => void }, options: StandInOptions = {}) {
  const standIn = await startGithubStandIn(REPO, options)
  t.teardown(() => standIn.close())
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${standIn.url}${path}`, {
      method,
      headers: { authorization: 'token x', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, text, json: /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) as Record<string, unknown> : undefined }
  }
  return { standIn, call }
}

const numbers = (json: unknown): number[] => (json as Array<{ number: number }>).map((i) => i.number)
const clean = (t: Test, standIn: GithubStandIn): void => { t.same(standIn.violations, []) }

t.test('bodies over 65,536 characters are refused with GitHub\'s 422; exactly the limit is accepted', async (t) => {
  const { standIn, call } = await setup(t)
  const long = 'x'.repeat(65_537)
  const created = await call('POST', `/repos/${REPO}/issues`, { title: 't', body: long })
  t.equal(created.status, 422)
  t.same(created.json, {
    message: 'Validation Failed',
    errors: [{ resource: 'Issue', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
    documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
    status: '422'
  })
  t.equal(standIn.issues.length, 0)
  t.equal((await call('POST', `/repos/${REPO}/issues`, { title: 't', body: 'x'.repeat(65_536) })).status, 201)
  t.equal((await call('PATCH', `/repos/${REPO}/issues/1`, { body: long })).status, 422)
  t.equal((await call('PATCH', `/repos/${REPO}/issues/1`, { state: 'closed' })).status, 200, 'an update without a body is not measured')
  const comment = await call('POST', `/repos/${REPO}/issues/1/comments`, { body: long })
  t.equal(comment.status, 422)
  t.match(comment.json, { errors: [{ resource: 'IssueComment', field: 'body' }] })
  t.equal(standIn.issues[0]!.comments.length, 0)
  clean(t, standIn)
})

t.test('a deleted issue answers 410 everywhere, a transferred one 404, and both leave the listing', async (t) => {
  const { standIn, call } = await setup(t)
  for (const n of [1, 2, 3]) standIn.seedIssue({ title: `#${n}`, body: 'b', labels: [] })
  standIn.deleteIssue(1)
  standIn.transferIssue(2)
  for (const [method, path, body] of [['GET', '', undefined], ['PATCH', '', { state: 'closed' }], ['GET', '/comments', undefined], ['POST', '/comments', { body: 'c' }]] as const) {
    const deleted = await call(method, `/repos/${REPO}/issues/1${path}`, body)
    t.same([deleted.status, deleted.json], [410, { message: 'This issue was deleted' }], `${method} deleted${path}`)
    const moved = await call(method, `/repos/${REPO}/issues/2${path}`, body)
    t.same([moved.status, moved.json], [404, { message: 'Not Found' }], `${method} transferred${path}`)
  }
  t.same(numbers((await call('GET', `/repos/${REPO}/issues?state=all`)).json), [3])
  t.equal((await call('GET', `/repos/${REPO}/issues/3`)).status, 200)
  t.equal((await call('POST', `/repos/${REPO}/issues`, { title: 'new' })).json?.number, 4, 'numbers are not reused')
  clean(t, standIn)
})

t.test('the listing lag hides fresh issues from the listing only, by their real creation time', async (t) => {
  const { standIn, call } = await setup(t)
  standIn.setListingLag(200)
  standIn.seedIssue({ title: 'seeded long ago', body: 'b', labels: [], createdAt: '2020-01-01T00:00:00Z' })
  await call('POST', `/repos/${REPO}/issues`, { title: 'fresh' })
  t.same(numbers((await call('GET', `/repos/${REPO}/issues`)).json), [])
  t.equal((await call('GET', `/repos/${REPO}/issues/2`)).status, 200, 'fetching by number is not lagged')
  await new Promise((resolve) => setTimeout(resolve, 250))
  t.same(numbers((await call('GET', `/repos/${REPO}/issues`)).json), [2, 1])
  clean(t, standIn)
})

t.test('a hanging request is cut off when the stand-in closes', async (t) => {
  const standIn = await startGithubStandIn(REPO)
  standIn.failNext(1, 'hang')
  const pending = fetch(`${standIn.url}/repos/${REPO}/issues`).then(() => 'answered', () => 'cut off')
  await new Promise((resolve) => setTimeout(resolve, 50))
  const started = Date.now()
  await standIn.close()
  t.equal(await pending, 'cut off')
  t.ok(Date.now() - started < 1000)
})

t.test('rate limits carry their retry times; other failures GitHub\'s answers', async (t) => {
  const { standIn, call } = await setup(t)
  standIn.failNext(1, 'secondary-rate-limit', { retryAfterSeconds: 120 })
  standIn.failNext(1, 'too-many-requests', { retryAfterSeconds: 60 })
  standIn.failNext(1, 'secondary-rate-limit')
  const secondary = await call('GET', `/repos/${REPO}/issues`)
  t.same([secondary.status, secondary.headers.get('retry-after')], [403, '120'])
  t.match(secondary.json, { message: /secondary rate limit/ })
  const tooMany = await call('GET', `/repos/${REPO}/issues`)
  t.same([tooMany.status, tooMany.headers.get('retry-after')], [429, '60'])
  t.equal((await call('GET', `/repos/${REPO}/issues`)).headers.get('retry-after'), '1', 'one second unless told')

  standIn.failNext(1, 'primary-rate-limit', { retryAfterSeconds: 300 })
  const before = Date.now() / 1000
  const primary = await call('GET', `/repos/${REPO}/issues`)
  t.equal(primary.status, 403)
  t.equal(primary.headers.get('x-ratelimit-remaining'), '0')
  t.equal(primary.headers.get('x-ratelimit-limit'), '5000')
  t.equal(primary.headers.get('retry-after'), null)
  const reset = Number(primary.headers.get('x-ratelimit-reset'))
  t.ok(reset >= before + 300 && reset <= before + 302, `reset ${reset} is five minutes on`)
  t.match(primary.json, { message: 'API rate limit exceeded for user ID 1.' })

  standIn.failAll('unauthorized')
  const unauthorized = await call('GET', '/user')
  t.same([unauthorized.status, unauthorized.json], [401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }])
  standIn.failAll('forbidden')
  const forbidden = await call('POST', `/repos/${REPO}/issues`, { title: 't' })
  t.same([forbidden.status, forbidden.json], [403, { message: 'Resource not accessible by personal access token' }])
  t.equal(forbidden.headers.get('x-ratelimit-remaining'), null)
  t.equal(forbidden.headers.get('retry-after'), null)
  standIn.failAll('bad-gateway')
  const badGateway = await call('GET', `/repos/${REPO}/issues`)
  t.equal(badGateway.status, 502)
  t.match(badGateway.headers.get('content-type'), /^text\/html/)
  t.match(badGateway.text, /Unicorn!/)
  standIn.failAll(null)
  t.equal((await call('GET', `/repos/${REPO}/issues`)).status, 200)
  t.equal(standIn.issues.length, 0)

  const times = standIn.requests.map((r) => r.at)
  t.ok(times.every((at, i) => typeof at === 'number' && (i === 0 || at >= times[i - 1]!)), 'every request records when it arrived')
  clean(t, standIn)
})

t.test('issues by other accounts carry their author; the creator filter selects by login', async (t) => {
  const { standIn, call } = await setup(t)
  standIn.seedIssue({ title: 'by a person', body: 'b', labels: [], author: 'Octocat' })
  await call('POST', `/repos/${REPO}/issues`, { title: 'mine' })
  const all = (await call('GET', `/repos/${REPO}/issues`)).json as unknown as Array<{ number: number, user: { login: string, id: number } }>
  t.same(all.map((i) => [i.number, i.user.login]), [[2, 'vigil-bot'], [1, 'Octocat']])
  t.equal(all[0]!.user.id, 1)
  t.not(all[1]!.user.id, 1)
  t.same(numbers((await call('GET', `/repos/${REPO}/issues?creator=vigil-bot`)).json), [2])
  t.same(numbers((await call('GET', `/repos/${REPO}/issues?creator=octocat`)).json), [1], 'logins compare without case')
  const comment = await call('POST', `/repos/${REPO}/issues/1/comments`, { body: 'c' })
  t.match(comment.json, { user: { login: 'vigil-bot' } })
  t.equal(standIn.issues[0]!.comments[0]!.author, 'vigil-bot')
  clean(t, standIn)
})

t.test('a token without triage rights gets its issue without labels', async (t) => {
  const { standIn, call } = await setup(t, { canLabel: false })
  const created = await call('POST', `/repos/${REPO}/issues`, { title: 't', labels: ['deployment-alert', 'urgent'] })
  t.equal(created.status, 201)
  t.same(created.json?.labels, [])
  t.same(standIn.issues[0]!.labels, [])
  t.match((await call('GET', `/repos/${REPO}`)).json, { permissions: { admin: false, maintain: false, push: false, triage: false, pull: true } })
  clean(t, standIn)
})

t.test('GET /user and GET /repos answer for the configured account and repository', async (t) => {
  const { standIn, call } = await setup(t, { login: 'ops-bot' })
  const me = await call('GET', '/user')
  t.equal(me.status, 200)
  t.match(me.json, { login: 'ops-bot', id: 1, type: 'User' })
  const repo = await call('GET', `/repos/${REPO}`)
  t.equal(repo.status, 200)
  t.match(repo.json, { full_name: REPO, name: 'platform', owner: { login: 'acme' }, permissions: { push: true, triage: true, pull: true } })
  t.same((await call('GET', '/repos/acme/other')).json, { message: 'Not Found' })
  t.equal((await call('GET', '/repos/acme/other')).status, 404)
  await call('POST', `/repos/${REPO}/issues`, { title: 't' })
  t.match((await call('GET', `/repos/${REPO}/issues/1`)).json, { number: 1, user: { login: 'ops-bot' } })
  t.equal((await call('GET', `/repos/${REPO}/issues/9`)).status, 404)
  clean(t, standIn)
})
