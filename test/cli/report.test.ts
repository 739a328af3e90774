import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { runReport } from '../../src/cli/report.js'
import { createPgHistory } from '../../src/state/pg-history.js'
import { checkResult } from '../support/check-results.js'
import { testConfig } from '../support/config.js'
import { createTestDatabase } from '../support/pg-database.js'
import { startTargetServer, type TargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

const PASSWORD = 'planted-report-pw-31337'
let server: TargetServer
t.before(async () => { server = await startTargetServer() })
t.teardown(async () => { await server.close() })

function monitorFile (): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-report-'))
  const path = join(dir, 'monitor.yaml')
  writeFileSync(path, `interval: 1m\nenvironments:\n  - name: production\n    url: \${PROD_URL}\n    attempts: 1\n  - name: staging\n    url: ${server.url}/staging\n    attempts: 1\n`)
  return path
}

async function run (argv: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await runReport(argv, { stdout: { write: (s: string) => { stdout += s } }, stderr: { write: (s: string) => { stderr += s } }, env: { LOG_LEVEL: 'silent', ...env } })
  return { code, stdout, stderr }
}

const headings = (markdown: string): string[] => markdown.split('\n').filter((line) => line.startsWith('#'))
const SECTIONS = ['# Vigil health report', '## Environments', '## Incidents', '## Components', '## Links']

t.test('--help and bad arguments', async (t) => {
  const help = await run(['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /^Usage: vigil report \[--out FILE\] \[--since 24h\] \[--url URL\]/)
  t.equal((await run(['--bogus'])).code, 2)
  t.match((await run(['--since', 'yesterday'])).stderr, /--since: expected a duration/)
  const nothing = await run([])
  t.equal(nothing.code, 2)
  t.match(nothing.stderr, /no environments are configured/)
})

t.test('without --url: one cycle now, the report on stdout or in --out, no credential', async (t) => {
  server.set('/staging/health', 'error')
  const env = { MONITOR_CONFIG: monitorFile(), PROD_URL: server.url.replace('http://', `http://ops:${PASSWORD}@`), GITHUB_REPOSITORY: 'acme/shop', RAILWAY_PROJECT_ID: 'p-123' }
  const out = join(mkdtempSync(join(tmpdir(), 'vigil-report-out-')), 'report.md')
  const result = await run(['--out', out], env)
  t.equal(result.code, 0, result.stderr)
  const markdown = readFileSync(out, 'utf8')
  t.same(headings(markdown), SECTIONS)
  t.match(markdown, /^\| production \| Up \|/m)
  t.match(markdown, /^\| staging \| Down \|/m)
  t.match(markdown, /^\| staging \| \d{4}-\d\d-\d\d \d\d:\d\d UTC \| ongoing \| \d+ s \| — \|$/m)
  t.match(markdown, /^- \[Railway dashboard\]\(https:\/\/railway.com\/project\/p-123\)$/m)
  t.match(markdown, /^- \[Incident issues\]\(https:\/\/github.com\/acme\/shop\/issues\?q=/m)
  t.notMatch(markdown, new RegExp(`${PASSWORD}|ops:`))
  t.same((await run([], env)).stdout.split('\n').slice(0, 1), ['# Vigil health report'], 'stdout without --out')
})

t.test('without --url, with STATE_DATABASE_URL: the stored history gives uptime and past incidents', async (t) => {
  server.set('/staging/health', 'healthy')
  const url = await createTestDatabase(t)
  const writer = createPgHistory({ connectionString: url, retentionMs: 30 * 86_400_000 })
  const hoursAgo = (h: number): Date => new Date(Date.now() - h * 3_600_000)
  writer.record([checkResult('staging', 'healthy', { at: hoursAgo(3) })], 'leader')
  await writer.settled()
  writer.record([checkResult('staging', 'unhealthy', { at: hoursAgo(2) })], 'leader')
  await writer.settled()
  writer.record([checkResult('staging', 'healthy', { at: hoursAgo(1) })], 'leader')
  await writer.settled()
  await writer.close()

  const result = await run([], { MONITOR_CONFIG: monitorFile(), PROD_URL: server.url, STATE_DATABASE_URL: url })
  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, /history: postgres\)/)
  t.match(result.stdout, /^\| staging \| \d{4}-\d\d-\d\d \d\d:\d\d UTC \| \d{4}-\d\d-\d\d \d\d:\d\d UTC \| 1 h \| — \|$/m, 'the stored outage, with its duration')
})

t.test('--url: a running Vigil\'s /status.json, with STATUS_PAGE_TOKEN', async (t) => {
  const token = 'report-token-abcdef'
  const app = await buildApp(testConfig({ MONITOR_CONFIG: monitorFile(), PROD_URL: server.url, STATUS_PAGE_TOKEN: token }))
  t.teardown(() => app.close())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  await waitFor('a cycle', () => app.vigil.environments.entries().staging !== undefined)

  const refused = await run(['--url', address])
  t.equal(refused.code, 2)
  t.match(refused.stderr, /answered HTTP 401 \(set STATUS_PAGE_TOKEN\)/)
  const wrong = await run(['--url', address], { STATUS_PAGE_TOKEN: 'not-the-token-0123' })
  t.equal(wrong.code, 2)
  t.match(wrong.stderr, /answered HTTP 401 \(STATUS_PAGE_TOKEN is not the token of that Vigil\)/, 'a wrong token is not told to set it')
  t.notMatch(wrong.stderr, /not-the-token-0123/)

  const result = await run(['--url', address, '--since', '7d'], { STATUS_PAGE_TOKEN: token })
  t.equal(result.code, 0, result.stderr)
  t.same(headings(result.stdout), SECTIONS)
  t.match(result.stdout, /^\| production \| Up \|/m)
  t.match(result.stdout, /^\| monitor \| Up \| {2}\|$/m, 'the instance\'s components')
  t.match(result.stdout, new RegExp(`^- \\[Status page\\]\\(${address}/status\\)$`, 'm'))
  t.notMatch(result.stdout, new RegExp(token))

  const gone = await run(['--url', 'http://127.0.0.1:1'])
  t.equal(gone.code, 2)
  t.match(gone.stderr, /did not answer/)
})
