import { runCycle } from '../monitor/run-cycle.js'
import { passesVerification } from '../monitor/verify.js'
import { EXIT, type CliIo } from './io.js'
import { loadCheckContext } from './load-cli-config.js'
import { parseOptions } from './parse-options.js'
import { checkReport, checkTable } from './render-check.js'
import { pickEnvironment } from './targets.js'

/** `vigil check --help`. */
export const CHECK_USAGE = `Usage: vigil check [--env NAME] [--json] [--allow-degraded]

Checks every monitored environment once (or only NAME), exactly as the service's monitor does,
and prints each one's status and failures. Files no issue and notifies no one.

Options:
  --env NAME          check only this environment
  --json              print JSON instead of a table
  --allow-degraded    count degraded environments as passing
  -h, --help          show this help

Exit status: 0 every environment healthy, 1 any not healthy, 2 usage or configuration error.
`

/** `vigil check`: one cycle over the monitored environments, nothing filed; 0 all healthy, 1 otherwise, 2 usage/configuration. */
export async function runCheck (argv: readonly string[], io: CliIo): Promise<number> {
  const flags = parseOptions(argv, {
    env: { type: 'string' },
    json: { type: 'boolean', default: false },
    'allow-degraded': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false }
  })
  if (flags.help) { io.stdout.write(CHECK_USAGE); return EXIT.ok }
  const context = await loadCheckContext(io, 'check')
  if (context === undefined) return EXIT.usage
  const { config, redact, out } = context
  const targets = flags.env === undefined ? context.targets : [pickEnvironment(context.targets, flags.env)]
  const startedAt = new Date()
  const results = await runCycle(targets, { concurrency: config.monitor.concurrency, redact, signal: io.signal })
  if (io.signal?.aborted === true) { out.stderr.write('vigil check: aborted\n'); return EXIT.failed }
  out.stdout.write(flags.json ? `${JSON.stringify(checkReport(results, startedAt), null, 2)}\n` : checkTable(results))
  return results.every((r) => passesVerification(r.status, flags['allow-degraded'])) ? EXIT.ok : EXIT.failed
}
