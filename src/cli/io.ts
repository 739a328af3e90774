import type { Redactor } from '../redact.js'

/** Where a command writes; `process.stdout` and `process.stderr` fit. */
export interface CliStream {
  write: (text: string) => unknown
}

/** What every command runs with: its two streams, the variables, and a signal for SIGINT/SIGTERM. */
export interface CliIo {
  readonly stdout: CliStream
  readonly stderr: CliStream
  /** The variables configuration is read from (`process.env` in the real process). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Aborted when the process is asked to stop (CI cancel, Ctrl-C). */
  readonly signal?: AbortSignal | undefined
}

/**
 * Exit statuses of every command (README, "Command line"): 0 healthy / valid, 1 unhealthy /
 * invalid (what the command judges), 2 the command could not run (usage, configuration, bug).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

/** A command's entry point: arguments after the command name → exit status. Never throws for bad input. */
export type CommandRun = (argv: readonly string[], io: CliIo) => Promise<number>

/** One command of the dispatcher's table; its module is loaded only when it runs, so `--help` stays quick. */
export interface Command {
  /** One line for `vigil --help`. */
  readonly summary: string
  readonly load: () => Promise<CommandRun>
}

/** The same io with every write passed through the redactor: nothing a command prints carries a secret. */
export function redactingIo (io: CliIo, redact: Redactor): CliIo {
  return {
    ...io,
    stdout: { write: (text) => io.stdout.write(redact(text)) },
    stderr: { write: (text) => io.stderr.write(redact(text)) }
  }
}
