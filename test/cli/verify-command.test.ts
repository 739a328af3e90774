import t from 'tap'
import { runVigilCli, startMonitoredTargets } from '../support/run-vigil-cli.js'
import type { TargetServer } from '../support/target-server.js'

let server: TargetServer
let file: string
t.before(async () => { ({ server, file } = await startMonitoredTargets(['production'])) })
t.teardown(async () => { await server.close() })
t.beforeEach(() => { server.hits.clear(); server.set('/production/health', 'healthy') })

const progressLines = (stderr: string): string[] => stderr.split('\n').filter((line) => /^production: try \d+ of \d+: /.test(line))

t.test('a deployment that turns healthy on the third try: three progress lines, the result on stdout, exit 0', async (t) => {
  server.set('/production/health', ['error', 'error', 'healthy'])
  const run = await runVigilCli(['verify', '--env', 'production', '--delay', '100ms'], { MONITOR_CONFIG: file })
  t.equal(run.code, 0, run.stderr)
  t.match(progressLines(run.stderr), [
    /^production: try 1 of 12: unhealthy \(HTTP 500, \d+ ms\): \/health: HTTP 500$/,
    /^production: try 2 of 12: unhealthy \(HTTP 500, \d+ ms\): \/health: HTTP 500$/,
    /^production: try 3 of 12: healthy \(HTTP 200, \d+ ms\)$/
  ])
  t.equal(progressLines(run.stderr).length, 3)
  t.equal(run.stderr.trimEnd().split('\n').length, 3, 'nothing else on stderr')
  t.match(run.stdout, new RegExp(`^production is healthy after 3 tries in \\S+ \\(${server.url}/production\\)\\n$`))
  t.equal(server.hits.get('/production/health'), 3)
})

t.test('a deployment that never turns healthy: one progress line per try, exit 1', async (t) => {
  server.set('/production/health', 'error')
  const run = await runVigilCli(['verify', '--env', 'production', '--attempts', '3', '--delay', '100ms'], { MONITOR_CONFIG: file })
  t.equal(run.code, 1)
  t.equal(progressLines(run.stderr).length, 3)
  t.match(progressLines(run.stderr)[2], /^production: try 3 of 3: unhealthy/)
  t.match(run.stdout, /^production is not healthy after 3 tries in \S+: \/health: HTTP 500\n$/)
  t.equal(server.hits.get('/production/health'), 3)
})

t.test('--json: the verdict with every try', async (t) => {
  server.set('/production/health', ['error', 'healthy'])
  const run = await runVigilCli(['verify', '--env', 'production', '--delay', '100ms', '--attempts', '5', '--json'], { MONITOR_CONFIG: file })
  t.equal(run.code, 0, run.stderr)
  const result = JSON.parse(run.stdout)
  t.match(result, {
    environment: 'production',
    url: `${server.url}/production`,
    healthy: true,
    status: 'healthy',
    aborted: false,
    attempts: 2,
    max_attempts: 5,
    delay_ms: 100,
    results: [
      { attempt: 1, status: 'unhealthy', http_status: 500, failures: ['/health: HTTP 500'] },
      { attempt: 2, status: 'healthy', http_status: 200, failures: [] }
    ]
  })
  t.type(result.elapsed_ms, 'number')
})

t.test('without flags nor verify settings: 12 tries, 10 s apart', async (t) => {
  const run = await runVigilCli(['verify', '--env', 'production', '--json'], { MONITOR_CONFIG: file })
  t.equal(run.code, 0, run.stderr)
  t.match(JSON.parse(run.stdout), { healthy: true, attempts: 1, max_attempts: 12, delay_ms: 10_000 })
})

t.test('degraded does not pass unless --allow-degraded', async (t) => {
  server.set('/production/health', 'degraded')
  const strict = await runVigilCli(['verify', '--env', 'production', '--attempts', '2', '--delay', '100ms'], { MONITOR_CONFIG: file })
  t.equal(strict.code, 1)
  t.equal(progressLines(strict.stderr).length, 2)
  const lenient = await runVigilCli(['verify', '--env', 'production', '--attempts', '2', '--delay', '100ms', '--allow-degraded'], { MONITOR_CONFIG: file })
  t.equal(lenient.code, 0)
  t.match(lenient.stdout, /^production is degraded after 1 try/)
})

t.test('SIGTERM during the wait (a cancelled CI job) ends the verification at once: cancelled, exit 1', async (t) => {
  server.set('/production/health', 'error')
  const run = await runVigilCli(['verify', '--env', 'production', '--delay', '10m'], { MONITOR_CONFIG: file }, {
    onStderr: (chunk, child) => { if (chunk.includes('try 1 of 12')) child.kill('SIGTERM') }
  })
  t.equal(run.code, 1)
  t.match(run.stdout, /^production: verification cancelled after 1 try/)
  t.equal(server.hits.get('/production/health'), 1)
})
