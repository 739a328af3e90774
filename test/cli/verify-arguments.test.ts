import t from 'tap'
import { runVigilCli, startMonitoredTargets } from '../support/run-vigil-cli.js'
import type { TargetServer } from '../support/target-server.js'

let server: TargetServer
let file: string
t.before(async () => { ({ server, file } = await startMonitoredTargets(['production'])) })
t.teardown(async () => { await server.close() })

t.test('bad arguments are refused before anything is checked, exit 2', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['verify'], /^vigil verify: --env NAME is required$/m],
    [['verify', '--env', 'production', '--delay', '10'], /^vigil verify: --delay: expected a duration such as 500ms, 10s or 1m .*got "10"$/m],
    [['verify', '--env', 'production', '--attempts', '0'], /^vigil verify: --attempts: expected a whole number from 1 to 1000, got "0"$/m],
    [['verify', '--env', 'staging'], /^vigil verify: no environment named "staging" \(configured: production\)$/m],
    [['verify', '--env', 'production', '--bogus'], /^vigil verify: Unknown option '--bogus'$/m]
  ]
  for (const [args, message] of cases) {
    const run = await runVigilCli(args, { MONITOR_CONFIG: file })
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, message)
    t.equal(run.stdout, '')
  }
  t.equal(server.hits.size, 0)
})
