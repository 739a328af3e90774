import type { EnvironmentTarget } from '../monitor/types.js'
import { refOfTarget } from './incident-context.js'
import type { DeployEvent } from './webhook-payload.js'

const names = (named: { readonly id: string | undefined, readonly name: string | undefined }, wanted: string): boolean =>
  named.id === wanted || named.name === wanted

/**
 * The monitored environments a deploy event is about: same Railway environment (name or id), same
 * service when the mapping names one (any service of the environment otherwise), same project
 * when the mapping names one.
 */
export function matchTargets<T extends Pick<EnvironmentTarget, 'name' | 'railway'>> (targets: readonly T[], event: DeployEvent): T[] {
  return targets.filter((target) => {
    const ref = refOfTarget(target)
    if (!names(event.environment, ref.environment)) return false
    if (ref.service !== undefined && !names(event.service, ref.service)) return false
    return ref.projectId === undefined || event.projectId === ref.projectId
  })
}
