import type { Config } from '../config/config.js'
import { loadConfig } from '../config/load-config.js'
import { ConfigError } from '../errors.js'
import type { CliIo } from './io.js'

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
