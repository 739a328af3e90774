import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { PLANTED_HOOK_SECRET } from '../support/channel-scenarios.js'
import { testConfig } from '../support/config.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { PLANTED_TOKEN, QUICK_DELIVERY } from '../support/incident-harness.js'
import { captureLogs } from '../support/log-lines.js'
import { startPagerdutyStandIn } from '../support/pagerduty-stand-in.js'
import { startTargetServer } from '../support/target-server.js'
import { startWebhookReceiver } from '../support/webhook-receiver.js'
import { waitFor, watchEscapedErrors } from '../support/wait-for.js'

const ROUTING_KEY = 'PLANTEDr0utingKEY000000000000042'
const HOOK_TOKEN = 'hookPathTokenPlanted99'

// Issue 10: routing keys, webhook URLs and signing secrets never appear in logs, metrics, the
// report, the GitHub issue or another channel's messages — with every channel failing once, so
// that failure reasons are in the logs and the report too.
t.test('planted channel secrets reach no log, metric, report, issue or other channel', async (t) => {
  const escaped = watchEscapedErrors()
  const target = await startTargetServer()
  const github = await startGithubStandIn()
  const pagerduty = await startPagerdutyStandIn(ROUTING_KEY)
  const hook = await startWebhookReceiver(PLANTED_HOOK_SECRET, HOOK_TOKEN)
  t.teardown(async () => { await target.close(); await github.close(); await pagerduty.close(); await hook.close() })
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-channel-secrets-')), 'monitor.yaml')
  writeFileSync(file, `
interval: 1s
channels:
  pager:
    kind: pagerduty
    routing_key: \${PD_KEY}
    url: ${pagerduty.eventsUrl}
  hook:
    kind: webhook
    url: \${HOOK_URL}
    secret: ${PLANTED_HOOK_SECRET}
environments:
  - name: staging
    url: ${target.url}/staging
    attempts: 1
    timeout: 2s
    success_threshold: 1
`)
  const logs = captureLogs()
  const app = await buildApp(testConfig({
    LOG_LEVEL: 'debug',
    MONITOR_CONFIG: file,
    PD_KEY: ROUTING_KEY,
    HOOK_URL: hook.hookUrl,
    GITHUB_TOKEN: PLANTED_TOKEN,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_API_URL: github.url
  }), {
    logDestination: logs.destination,
    monitor: { incidents: { delivery: QUICK_DELIVERY, github: { retryDelayUnitMs: 1, writeSpacingMs: 0, requestTimeoutMs: 1_000, retries: 1 }, channelTransport: { timeoutMs: 500 } } }
  })
  t.teardown(async () => { await app.close() })
  pagerduty.failNext(1, 'server-error')
  hook.failNext(1, 'server-error')
  target.set('/staging/health', 'error')
  await app.ready()

  await waitFor('the page, the webhook event and the issue', () => pagerduty.events.length >= 1 && hook.events.length >= 1 && github.issues.length >= 1)
  const during = (await app.inject('/health/detailed')).body
  t.match(JSON.parse(during).components, { pager: { status: /healthy|degraded/ }, hook: { status: /healthy|degraded/ } }, 'each channel is a component of the report')
  target.set('/staging/health', 'healthy')
  await waitFor('the resolve and the recovery', () => pagerduty.events.some((e) => e.event_action === 'resolve') && hook.events.some((e) => e.event === 'resolved') && github.issues[0]?.state === 'closed')

  const metrics = (await app.inject('/metrics')).body
  t.match(metrics, /vigil_incident_deliveries_total\{channel="pager",kind="opened",result="retry"\} 1/, 'the pager retry is counted under its name')
  const everywhere = {
    logs: logs.lines.join('\n'),
    metrics,
    report: during + (await app.inject('/health/detailed')).body,
    github: JSON.stringify(github.issues) + JSON.stringify(github.requests.map((r) => r.body)),
    // What PagerDuty receives besides its own routing key, and what the webhook receives.
    pagerduty: JSON.stringify(pagerduty.requests.map((r) => r.body.replaceAll(`"routing_key":"${ROUTING_KEY}"`, ''))),
    webhook: JSON.stringify(hook.requests.map((r) => ({ headers: r.headers, body: r.body })))
  }
  t.match(everywhere.logs, /pager: opened not delivered; retried later/, 'the failure was logged')
  for (const [where, text] of Object.entries(everywhere)) {
    for (const [name, secret] of Object.entries({ ROUTING_KEY, HOOK_TOKEN, PLANTED_HOOK_SECRET, hookUrl: hook.hookUrl })) {
      t.notOk(text.includes(secret), `${name} is not in ${where}`)
    }
  }
  t.ok(pagerduty.requests.every((r) => r.body.includes(`"routing_key":"${ROUTING_KEY}"`)), 'PagerDuty alone receives its routing key')
  t.same(pagerduty.violations, [])
  t.same(hook.violations, [])
  escaped(t)
})
