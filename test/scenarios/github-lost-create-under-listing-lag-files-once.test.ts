import t from 'tap'
import { checkResult, minutesAfter } from '../support/check-results.js'
import { startGithubStandIn, type GithubStandIn } from '../support/github-stand-in.js'
import { QUICK_DELIVERY, startReplica, standInConfig, summary } from '../support/incident-harness.js'
import { waitFor } from '../support/wait-for.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const at = (minutes: number): Date => minutesAfter(T0, minutes)
const MARKER = '<!-- vigil:environment=production -->'
const TITLE = 'Production Deployment Health Check Failed'
const LISTING_LAG_MS = 800
const GITHUB = { retryDelayUnitMs: 1, writeSpacingMs: 0, requestTimeoutMs: 300, retries: 1 }

/** A transport under which the first create happens on GitHub but its answer never arrives. */
function losingFirstCreateAnswer (standIn: GithubStandIn): typeof fetch {
  let armed = true
  return async (input, init) => {
    if (armed && init?.method === 'POST' && String(input instanceof Request ? input.url : input).endsWith('/issues')) {
      armed = false
      standIn.failNext(1, 'lost-answer')
    }
    return await fetch(input, init)
  }
}

// Issue 7, failure 9: the listing hides fresh issues, and the first create's answer is lost.
t.test('a create whose answer was lost, under a lagging listing, is not repeated: one issue; the recovery closes every own open issue of the environment', async (t) => {
  const standIn = await startGithubStandIn()
  standIn.setListingLag(LISTING_LAG_MS)
  const replica = await startReplica(standInConfig(standIn), [{ name: 'production', labels: [] }], {
    github: { ...GITHUB, fetch: losingFirstCreateAnswer(standIn) },
    delivery: { ...QUICK_DELIVERY, lostAnswerDelayMs: 2 * LISTING_LAG_MS }
  })
  t.teardown(async () => { await replica.close(); await standIn.close() })

  await replica.cycle([checkResult('production', 'unhealthy', { at: at(0) })], at(0))
  t.equal(standIn.issues.length, 1, 'GitHub made the issue')
  t.same(replica.links(), {}, 'but Vigil never heard of it')
  t.match(replica.components.get('github'), { status: 'degraded', error: /^retrying opened for production: create_issue: no answer/ })

  // Cycles keep coming while the listing still hides the issue.
  for (let minutes = 1; minutes <= 3; minutes++) await replica.cycle([checkResult('production', 'unhealthy', { at: at(minutes) })], at(minutes))
  await waitFor('the lost create to be found again', async () => { await replica.settle(); return replica.links().production })
  t.equal(replica.links().production?.issue_url, 'https://github.example/acme/platform/issues/1', 'adopted, not filed again')
  t.equal(standIn.requests.filter((r) => r.operationId === 'issues/create').length, 1, 'one create was ever sent')
  t.same(summary(standIn), [{ number: 1, title: TITLE, state: 'open', labels: ['deployment-alert', 'urgent'], comments: 0 }])

  // A duplicate by Vigil's own account (an earlier process's, say), and one by someone else.
  standIn.seedIssue({ title: TITLE, body: `${MARKER}\nan earlier duplicate`, labels: ['deployment-alert'], createdAt: '2026-11-26T09:00:00Z' })
  standIn.seedIssue({ title: TITLE, body: `${MARKER}\nsomeone's copy`, labels: ['deployment-alert'], createdAt: '2026-11-26T09:00:00Z', author: 'someone-else' })
  // Past the listing lag, so the seeded issues are listed.
  await new Promise((resolve) => setTimeout(resolve, LISTING_LAG_MS + 50))

  await replica.cycle([checkResult('production', 'healthy', { at: at(30) })], at(30))
  t.same(summary(standIn), [
    { number: 1, title: TITLE, state: 'closed', labels: ['deployment-alert', 'urgent'], comments: 1 },
    { number: 2, title: TITLE, state: 'closed', labels: ['deployment-alert'], comments: 1 },
    { number: 3, title: TITLE, state: 'open', labels: ['deployment-alert'], comments: 0 }
  ], 'both of Vigil\'s own issues closed; the other account\'s untouched')
  for (const issue of standIn.issues.slice(0, 2)) t.match(issue.comments[0]!.body, /Recovered[\s\S]*Outage length:\*\* 30m/)
  t.equal(standIn.issues[2]!.body, `${MARKER}\nsomeone's copy`)
  t.same(standIn.violations, [])
})
