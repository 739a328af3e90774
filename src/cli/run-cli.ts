import { packageVersion } from '../config/version.js'
import { createRedactor } from '../redact.js'
import { EXIT, type CliIo, type Command } from './io.js'
import { UsageError } from './parse-options.js'

/** The command table: name → summary and entry point (each command's module loads only when it runs). */
export const COMMANDS: Readonly<Record<string, Command>> = {
  check: { summary: 'check the monitored environments once (no issues filed)', load: async () => (await import('./check-command.js')).runCheck },
  verify: { summary: 'verify a deployment: retry one environment until healthy (for CI)', load: async () => (await import('./verify-command.js')).runVerify },
  config: { summary: 'config check: validate variables and the monitor file, show the environments', load: async () => (await import('./config-command.js')).runConfig },
  // REPORT (branch status-page, src/cli/report.ts exports runReport(argv, io)): uncomment when merged.
  // report: { summary: 'print the markdown health report', load: async () => (await import('./report.js')).runReport }
}

/** `vigil --help`. */
export function usage (): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length))
  return `Usage: vigil <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help (after a command: that command's help)
  -v, --version  print the version

Configuration comes from the same variables as the service (docs/configuration.md).
Exit status: 0 healthy or valid, 1 unhealthy or invalid, 2 usage or configuration error.
`
}

/**
 * Runs one command line (the arguments after `vigil`) and resolves with the exit status. Usage
 * errors print one line and a hint on stderr (2); an unexpected error prints its redacted message
 * (2): never a stack trace with a secret in it.
 */
export async function runCli (argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--help' || name === '-h' || name === 'help') { io.stdout.write(usage()); return EXIT.ok }
  if (name === '--version' || name === '-v') { io.stdout.write(`${packageVersion()}\n`); return EXIT.ok }
  const command = name === undefined ? undefined : COMMANDS[name]
  if (command === undefined || !Object.hasOwn(COMMANDS, name!)) {
    io.stderr.write(`${name === undefined ? 'vigil: expected a command' : `vigil: unknown command ${JSON.stringify(name)}`}\n\n${usage()}`)
    return EXIT.usage
  }
  try {
    const run = await command.load()
    return await run(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`vigil ${name}: ${error.message}\nRun 'vigil ${name} --help' for usage.\n`)
      return EXIT.usage
    }
    // Configuration is not known here: the redactor's patterns (URL credentials, tokens) still apply.
    io.stderr.write(`vigil ${name}: unexpected error: ${createRedactor([])(error instanceof Error ? error.message : String(error))}\n`)
    return EXIT.usage
  }
}
