import type { Config } from '../config/config.js'
import { loadConfig } from '../config/load-config.js'
import { ConfigError } from '../errors.js'
import type { EnvironmentTarget } from '../monitor/types.js'
import { createRedactor, type Redactor } from '../redact.js'
import { redactingIo, type CliIo } from './io.js'
import { monitoredTargets, NO_ENVIRONMENTS } from './targets.js'

/**
 * The configuration exactly as the service loads it (loadConfig over the same variables). On a
 * problem: a heading and one line per problem on stderr (lines that never echo a secret, see
 * config/), and undefined. Any other error is a bug and propagates.
 */
export function loadCliConfig (io: CliIo, command: string): Config | undefined {
  try {
    return loadConfig(io.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    io.stderr.write(`vigil ${command}: invalid configuration (${error.problems.length} ${error.problems.length === 1 ? 'problem' : 'problems'})\n${error.problems.join('\n')}\n`)
    return undefined
  }
}

/** What a command that checks environments runs with. */
export interface CheckContext {
  readonly config: Config
  /** The process redactor, built from the configuration's secrets. */
  readonly redact: Redactor
  /** The command's io with every write redacted. */
  readonly out: CliIo
  /** The monitored environments, never empty. */
  readonly targets: readonly EnvironmentTarget[]
}

/**
 * The configuration, the redactor and the monitored environments; undefined (the command exits 2)
 * after saying why on stderr when the configuration is invalid or names no environment.
 */
export async function loadCheckContext (io: CliIo, command: string): Promise<CheckContext | undefined> {
  const config = loadCliConfig(io, command)
  if (config === undefined) return undefined
  const redact = createRedactor(config.secrets)
  const out = redactingIo(io, redact)
  const targets = await monitoredTargets(config)
  if (targets.length === 0) { out.stderr.write(`vigil ${command}: ${NO_ENVIRONMENTS}\n`); return undefined }
  return { config, redact, out, targets }
}
