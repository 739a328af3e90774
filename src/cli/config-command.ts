import type { Config } from '../config/config.js'
import { createRedactor } from '../redact.js'
import { describeEnvironment } from './describe-environment.js'
import { formatDuration, formatTable } from './format.js'
import { EXIT, redactingIo, type CliIo } from './io.js'
import { loadCliConfig } from './load-cli-config.js'
import { parseOptions, UsageError } from './parse-options.js'
import { monitoredTargets } from './targets.js'

/** `vigil config --help`. */
export const CONFIG_USAGE = `Usage: vigil config check

Validates the variables and the monitor file exactly as the service does at start-up, and prints
the resolved environments with every secret hidden. Problems go to stderr, one line each.

Exit status: 0 valid, 1 invalid, 2 usage error.
`

async function runConfigCheck (argv: readonly string[], io: CliIo): Promise<number> {
  const flags = parseOptions(argv, { help: { type: 'boolean', short: 'h', default: false } })
  if (flags.help) { io.stdout.write(CONFIG_USAGE); return EXIT.ok }
  const config = loadCliConfig(io, 'config check')
  if (config === undefined) return EXIT.failed
  const out = redactingIo(io, createRedactor(config.secrets))
  const targets = await monitoredTargets(config)
  const lines = [
    `configuration is valid: ${targets.length} ${targets.length === 1 ? 'environment' : 'environments'}, checked every ${formatDuration(config.monitor.intervalMs)}, ${config.monitor.concurrency} at a time`,
    `incidents: ${config.github.repository === undefined ? 'not filed (no GITHUB_REPOSITORY)' : `${config.github.repository}${config.github.token === undefined ? ' (no GITHUB_TOKEN)' : ''}`}, labels ${config.monitor.githubLabels.join(', ')}`
  ]
  const railway = railwayLine(config)
  if (railway !== undefined) lines.push(railway)
  for (const target of targets) {
    lines.push('', target.name, ...formatTable(describeEnvironment(target)).map((row) => `  ${row}`))
  }
  out.stdout.write(`${lines.join('\n')}\n`)
  return EXIT.ok
}

/** What Railway settings are in force, tokens by variable name only; undefined when none is set. */
function railwayLine (config: Config): string | undefined {
  const { token, tokenKind, projectId, discovery } = config.railway
  const webhook = config.railwayWebhookSecret !== undefined
  if (token === undefined && projectId === undefined && !webhook) return undefined
  const api = tokenKind === undefined
    ? 'no API token'
    : `API ${tokenKind === 'project' ? 'RAILWAY_TOKEN (a project token' : 'RAILWAY_API_TOKEN (an account or team token'}, value hidden)`
  return [
    `railway: ${api}, project ${projectId ?? 'not set (RAILWAY_PROJECT_ID)'}`,
    `deploy webhook ${webhook ? 'on (RAILWAY_WEBHOOK_SECRET, value hidden)' : 'off'}`,
    discovery ? 'discovery on: the service adds Railway\'s public services at start-up (not listed here)' : 'discovery off'
  ].join('; ')
}

/** `vigil config check`: validate the configuration and show what it resolves to; 0 valid, 1 not, 2 usage. */
export async function runConfig (argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === 'check') return await runConfigCheck(rest, io)
  if (sub === '--help' || sub === '-h') { io.stdout.write(CONFIG_USAGE); return EXIT.ok }
  throw new UsageError(sub === undefined ? 'expected a subcommand: check' : `unknown subcommand ${JSON.stringify(sub)}, expected: check`)
}
