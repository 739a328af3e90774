import t from 'tap'
import { checkResult } from '../support/check-results.js'
import { channelConfig } from '../support/channel-scenarios.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica } from '../support/incident-harness.js'
import { startPagerdutyStandIn } from '../support/pagerduty-stand-in.js'

const T0 = new Date('2026-11-26T10:00:00Z')

// The 60 s wait before repeating a write whose answer was lost exists for GitHub's issue listing,
// which can hide a fresh issue for seconds (docs/configuration.md, "Delivery"). A notification
// channel has no listing to wait for: a page refused with a 500 is retried after the backoff
// (5 s, doubling), as docs/runbook.md says, not a minute later.
t.test('a PagerDuty 500 is retried after the 5 s backoff; GitHub keeps its 60 s wait', async (t) => {
  const github = await startGithubStandIn()
  const pagerduty = await startPagerdutyStandIn()
  const config = channelConfig(github, { pagerduty: { standIn: pagerduty } })
  // The production delivery timing (no test overrides) except a quick poll.
  const replica = await startReplica(config, config.monitor.environments, { delivery: { pollMs: 20 }, channelTransport: { timeoutMs: 300 } })
  t.teardown(async () => { await replica.close(); await github.close(); await pagerduty.close() })
  pagerduty.failNext(1, 'server-error')
  github.failAll('server-error')

  await replica.cycle([checkResult('production', 'unhealthy', { at: T0 })], T0)

  const retryIn = (channel: string): number | undefined => {
    const line = replica.log.lines.find((l) => l.startsWith(`warn ${channel}: opened not delivered`))
    return line === undefined ? undefined : JSON.parse(line.slice(line.indexOf('{'))).retry_in_ms
  }
  const pager = retryIn('pager')
  const record = retryIn('github')
  t.ok(pager !== undefined && pager <= 6_000, `the page is retried within the first backoff (5 s ± 20 %), got ${String(pager)} ms`)
  t.ok(record !== undefined && record >= 60_000, `GitHub waits out its listing lag, got ${String(record)} ms`)
})
