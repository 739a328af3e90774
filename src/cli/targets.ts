import type { Config } from '../config/config.js'
import type { EnvironmentTarget } from '../monitor/types.js'
import { UsageError } from './parse-options.js'

/**
 * The environments the service monitors with this configuration: the CLI checks exactly what the
 * service would. Async because discovery (Railway API) will add to the configured ones here.
 */
export async function monitoredTargets (config: Config): Promise<readonly EnvironmentTarget[]> {
  return await Promise.resolve(config.monitor.environments)
}

/** Said when nothing is configured to check. */
export const NO_ENVIRONMENTS = 'no environments are configured: set MONITOR_CONFIG (a monitor file) or RAILWAY_DOMAIN (see docs/configuration.md)'

/**
 * The environment named `name` (exact, else regardless of case: names are unique regardless of
 * case). UsageError naming the configured ones when there is none.
 */
export function pickEnvironment (targets: readonly EnvironmentTarget[], name: string): EnvironmentTarget {
  const found = targets.find((t) => t.name === name) ?? targets.find((t) => t.name.toLowerCase() === name.toLowerCase())
  if (found !== undefined) return found
  const known = targets.length === 0 ? 'none is configured' : `configured: ${targets.map((t) => t.name).join(', ')}`
  throw new UsageError(`no environment named ${JSON.stringify(name)} (${known})`)
}
