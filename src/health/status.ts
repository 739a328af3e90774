/** The three status words used everywhere: overall, per component, per environment. */
export type Status = 'healthy' | 'degraded' | 'unhealthy'

/** Every status word, best first (the values of `vigil_environment_status`'s `status` label). */
export const STATUS_WORDS: readonly Status[] = ['healthy', 'degraded', 'unhealthy']

const RANK: Record<Status, number> = { healthy: 0, degraded: 1, unhealthy: 2 }

/** The worse of the given statuses; healthy when there are none. */
export function worstStatus (statuses: Iterable<Status>): Status {
  let worst: Status = 'healthy'
  for (const status of statuses) if (RANK[status] > RANK[worst]) worst = status
  return worst
}

/** How a component's status counts overall: optional components can make it degraded at worst. */
export function contribution (status: Status, required: boolean): Status {
  if (required || status === 'healthy') return status
  return 'degraded'
}
