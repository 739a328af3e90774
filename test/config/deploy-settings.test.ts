import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { testConfig } from '../support/config.js'

const monitorFile = (yaml: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-deploy-config-')), 'monitor.yaml')
  writeFileSync(file, yaml)
  return file
}

t.test('Railway mapping and verification: names match and Railway-style defaults apply', async (t) => {
  const config = testConfig({
    MONITOR_CONFIG: monitorFile(`
environments:
  - name: production
    url: https://api.example.com
  - name: prod-web
    url: https://www.example.com
    railway: { environment: production, service: web, project: proj-1 }
    verify_attempts: 5
    verify_delay: 30s
    auto_rollback: true
`)
  })
  const [api, web] = config.monitor.environments
  t.match(api, { railway: { environment: 'production' }, verifyAttempts: 12, verifyDelayMs: 10_000, autoRollback: false })
  t.notOk(api!.railway!.service, 'every service of the environment by default')
  t.match(web, { railway: { environment: 'production', service: 'web', projectId: 'proj-1' }, verifyAttempts: 5, verifyDelayMs: 30_000, autoRollback: true })
})

t.test('bad deploy settings stop start-up, one line each', async (t) => {
  const file = monitorFile(`
environments:
  - name: production
    url: https://api.example.com
    railway: { environment: production, region: eu }
    verify_attempts: 0
    verify_delay: soon
    auto_rollback: maybe
`)
  const error = t.throws(() => testConfig({ MONITOR_CONFIG: file })) as { problems?: string[] } | undefined
  const lines = (error as { problems: string[] }).problems.join('\n')
  t.match(lines, /environments\[0\]\.railway/)
  t.match(lines, /environments\[0\]\.verify_attempts: expected an integer from 1 to 100/)
  t.match(lines, /environments\[0\]\.verify_delay: expected a duration/)
  t.match(lines, /environments\[0\]\.auto_rollback: expected true or false/)
})
