import type { ChildProcess } from 'node:child_process'
import t from 'tap'
import { runVigilCli, startMonitoredTargets, writeMonitorFile } from '../support/run-vigil-cli.js'
import type { TargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

let server: TargetServer
let file: string
t.before(async () => { ({ server, file } = await startMonitoredTargets(['production', 'staging'])) })
t.teardown(async () => { await server.close() })
t.beforeEach(() => { server.hits.clear(); server.set('/production/health', 'healthy'); server.set('/staging/health', 'healthy') })

t.test('--allow-degraded counts a degraded environment as passing', async (t) => {
  server.set('/staging/health', 'degraded')
  const strict = await runVigilCli(['check'], { MONITOR_CONFIG: file })
  t.equal(strict.code, 1)
  t.match(strict.stdout, /^staging\s+degraded/m)
  const lenient = await runVigilCli(['check', '--allow-degraded'], { MONITOR_CONFIG: file })
  t.equal(lenient.code, 0)
})

t.test('a configuration problem: one line per problem on stderr, no stack trace, exit 2', async (t) => {
  const file = writeMonitorFile(`
environments:
  - name: production
    url: ${server.url}
    attempts: 0
`)
  const run = await runVigilCli(['check'], { MONITOR_CONFIG: file, PORT: 'abc' })
  t.equal(run.code, 2)
  t.equal(run.stdout, '')
  const lines = run.stderr.trimEnd().split('\n')
  t.equal(lines[0], 'vigil check: invalid configuration (2 problems)')
  t.match(lines.slice(1), [/^PORT: /, /attempts/])
  t.equal(lines.length, 3)
  t.notMatch(run.stderr, /\n\s+at /, 'no stack trace')
  t.equal(server.hits.size, 0)
})

t.test('no environment configured: said so, exit 2', async (t) => {
  const run = await runVigilCli(['check'], {})
  t.equal(run.code, 2)
  t.match(run.stderr, /no environments are configured: set MONITOR_CONFIG/)
})

t.test('a secret from a ${VAR} header is sent to the target but never printed, in the table or in JSON', async (t) => {
  const SECRET = 'planted-cli-header-secret-7731'
  // The target echoes the secret back as its reported status: the failure phrase would carry it.
  server.set('/secret/health', { body: JSON.stringify({ status: SECRET }) })
  const file = writeMonitorFile(`
environments:
  - name: production
    url: ${server.url}/secret?token=\${API_TOKEN}
    attempts: 1
    headers:
      Authorization: Bearer \${API_TOKEN}
      X-Api-Key: \${API_TOKEN}
`)
  const env = { MONITOR_CONFIG: file, API_TOKEN: SECRET }
  const table = await runVigilCli(['check'], env)
  const json = await runVigilCli(['check', '--json'], env)
  t.equal(table.code, 1)
  t.equal(json.code, 1)
  t.ok(server.requests.some((r) => r.headers['x-api-key'] === SECRET), 'the header reached the target')
  t.match(table.stdout, /reported status "\[REDACTED\]" is not a known status word/)
  for (const output of [table.stdout, table.stderr, json.stdout, json.stderr]) t.notOk(output.includes(SECRET), 'the secret is not printed')
})

t.test('SIGTERM while a check hangs ends it at once: aborted on stderr, nothing on stdout, exit 1', async (t) => {
  server.set('/staging/health', 'hang')
  let child: ChildProcess | undefined
  const running = runVigilCli(['check', '--env', 'staging'], { MONITOR_CONFIG: file }, { onSpawn: (spawned) => { child = spawned } })
  await waitFor('the check to reach the target', () => server.hits.get('/staging/health') === 1)
  child?.kill('SIGTERM')
  const run = await running
  t.equal(run.code, 1)
  t.equal(run.stdout, '')
  t.equal(run.stderr, 'vigil check: aborted\n')
})
