import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

const PLANTED = { ACCESS_KEY: 'AK-planted-access-key', CLIENT_SECRET: 'CS-planted-client-secret', TOK: 'TK-planted-token' }

// Issue 8, item 7: values from ${VAR} in a query string showed in the report and the issue.
t.test('values from ${VAR} in a URL reach neither the report, the metrics nor the GitHub issue', async (t) => {
  const target = await startTargetServer()
  const github = await startGithubStandIn('acme/platform')
  t.teardown(async () => { await target.close(); await github.close() })
  target.set('/staging/health', 'error')
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-e2e-')), 'monitor.yaml')
  writeFileSync(file, `
interval: 1s
environments:
  - name: staging
    url: "${target.url}/staging?access_key=\${ACCESS_KEY}&client_secret=\${CLIENT_SECRET}&token=\${TOK}"
    attempts: 1
    timeout: 2s
`)
  const app = await buildApp(testConfig({ MONITOR_CONFIG: file, ...PLANTED, GITHUB_TOKEN: 'ghp_plantedE2eToken00000', GITHUB_REPOSITORY: 'acme/platform', GITHUB_API_URL: github.url }))
  t.teardown(() => app.close())
  await app.ready()

  const report = await waitFor('the incident in the report', async () => {
    const body = (await app.inject('/health/detailed')).json()
    return body.environments?.staging?.incident !== null && body.environments?.staging !== undefined && body
  })
  t.equal(report.environments.staging.url, `${target.url}/staging?access_key=[REDACTED]&client_secret=[REDACTED]&token=[REDACTED]`)
  const everything = [JSON.stringify(report), (await app.inject('/metrics')).body, JSON.stringify(github.issues), JSON.stringify(github.requests.map((r) => r.body))].join('\n')
  t.equal(github.issues.length, 1)
  for (const secret of Object.values(PLANTED)) t.notOk(everything.includes(secret), `${secret} is nowhere`)
})
