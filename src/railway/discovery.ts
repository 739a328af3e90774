import { buildMonitorTargets } from '../config/monitor-targets.js'
import type { EnvironmentTarget, ProxySettings } from '../monitor/types.js'
import type { Redactor } from '../redact.js'
import type { DiscoveredService, RailwayRef } from './types.js'

/** A monitored environment made from a discovered service: its Railway ref (by id) rides along. */
export type DiscoveredTarget = EnvironmentTarget & { readonly railway: RailwayRef }

// Vigil's environment names are metric labels and issue markers: ENVIRONMENT_NAME_PATTERN's alphabet.
const safeName = (text: string): string => text.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63) || 'railway'

/**
 * The Vigil environment name of a discovered service: the Railway environment's name when the
 * project has one public service (`production`, as a single-service team expects), else
 * `<environment>-<service>` (`production-api`). Depends on the project's set of public services
 * only, so names stay put while deployments come and go.
 */
export function discoveredName (found: DiscoveredService, all: readonly DiscoveredService[]): string {
  const services = new Set(all.map((s) => s.service.id))
  return safeName(services.size === 1 ? found.environment.name : `${found.environment.name}-${found.service.name}`)
}

/**
 * Targets for the discovered services, with every default of a monitor-file environment applied
 * (the same builder), `production` labelled `urgent` as product.md asks of production.
 */
export function discoveredTargets (found: readonly DiscoveredService[], projectId: string, proxy: ProxySettings, redact: Redactor): DiscoveredTarget[] {
  // Two Railway names can make one Vigil name (`a b`, `a-b`): the later one gets its service id added.
  const taken = new Set<string>()
  const names = found.map((s) => {
    let name = discoveredName(s, found)
    if (taken.has(name.toLowerCase())) name = safeName(`${name}-${s.service.id}`)
    taken.add(name.toLowerCase())
    return name
  })
  const entries = found.map((s, i) => ({
    name: names[i]!,
    url: s.url,
    health_path: s.healthPath,
    labels: s.environment.name.toLowerCase() === 'production' ? ['urgent'] : []
  }))
  const built = buildMonitorTargets({ environments: entries }, { railwayDomain: undefined, stagingRailwayDomain: undefined, proxy }, redact)
  if (built.problems.length > 0) throw new Error(`discovered services cannot be monitored: ${built.problems.join('; ')}`)
  return built.environments.map((target, i) => ({
    ...target,
    railway: { projectId, environment: found[i]!.environment.id, service: found[i]!.service.id }
  }))
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/**
 * The configured environments (monitor file, shorthands) first and as written, then every
 * discovered one they do not already cover: same name, or a `railway:` ref naming the same
 * Railway environment and service (by name or id).
 */
export function mergeTargets (configured: readonly EnvironmentTarget[], discovered: readonly DiscoveredTarget[], found: readonly DiscoveredService[]): EnvironmentTarget[] {
  const covered = (target: DiscoveredTarget, i: number): boolean => configured.some((c) => {
    if (same(c.name, target.name)) return true
    const ref = (c as { readonly railway?: RailwayRef }).railway
    const s = found[i]!
    return ref?.service !== undefined &&
      (ref.environment === s.environment.id || same(ref.environment, s.environment.name)) &&
      (ref.service === s.service.id || same(ref.service, s.service.name))
  })
  return [...configured, ...discovered.filter((t, i) => !covered(t, i))]
}
