import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

const TOKEN = 'ghp_e2ePlantedTokenThatMustNotLeak0000'
const PASSWORD = 'e2e-target-password'

// The whole chain as a user configures it: variables and a monitor file in, the app built by
// buildApp with nothing injected, the incident side wired from the configuration.
t.test('an unhealthy environment gets one issue through the wired app, closed when it recovers', async (t) => {
  const target = await startTargetServer()
  const github = await startGithubStandIn('acme/platform')
  t.teardown(async () => { await target.close(); await github.close() })
  target.set('/staging/health', 'error')
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-e2e-')), 'monitor.yaml')
  writeFileSync(file, `
interval: 1s
github:
  labels: [deployment-alert]
environments:
  - name: staging
    url: \${STAGING_URL}
    attempts: 1
    timeout: 2s
`)
  const app = await buildApp(testConfig({
    MONITOR_CONFIG: file,
    STAGING_URL: `${target.url.replace('http://', `http://ops:${PASSWORD}@`)}/staging`,
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_API_URL: github.url
  }))
  await app.ready()

  const report = await waitFor('the incident link in the report', async () => {
    const body = (await app.inject('/health/detailed')).json()
    return body.environments.staging?.incident !== null && body.environments.staging !== undefined && body
  })
  t.equal(github.issues.length, 1, 'exactly one issue')
  const issue = github.issues[0]!
  t.equal(issue.title, 'Staging Deployment Health Check Failed')
  t.same(issue.labels, ['deployment-alert'])
  t.match(issue.body, '<!-- vigil:environment=staging -->')
  t.equal(report.environments.staging.incident.issue_url, `https://github.example/acme/platform/issues/${issue.number}`)
  t.match((await app.inject('/metrics')).body, /vigil_incidents_open\{environment="staging"\} 1/)

  await waitFor('a few more cycles', () => github.requests.filter((r) => r.operationId === 'issues/list-for-repo').length >= 1 && target.hits.get('/staging/health')! >= 3)
  t.equal(github.issues.length, 1, 'still one issue while the outage lasts')

  target.set('/staging/health', 'healthy')
  await waitFor('the issue to be closed', () => github.issues[0]!.state === 'closed')
  t.equal(github.issues.length, 1)
  t.ok(github.issues[0]!.comments.some((c) => /recovered/i.test(c.body)), 'a recovery comment')
  await app.close()

  const everything = JSON.stringify(github.issues) + JSON.stringify(github.requests.map((r) => r.body))
  t.notOk(everything.includes(TOKEN) || everything.includes(PASSWORD), 'no token or password in anything sent to GitHub')
  t.same(github.violations, [], 'every request matched GitHub\'s OpenAPI description')
  t.ok(github.requests.every((r) => r.authorization === `token ${TOKEN}` || r.authorization === `Bearer ${TOKEN}`), 'authenticated with the token')
})
