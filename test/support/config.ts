import type { Config } from '../../src/config/config.js'
import { loadConfig } from '../../src/config/load-config.js'

/** A valid configuration from the given variables, quiet logs unless LOG_LEVEL is passed. */
export function testConfig (env: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', ...env })
}
