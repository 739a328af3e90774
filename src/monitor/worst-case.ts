import type { EnvironmentTarget } from './types.js'

/**
 * The longest one check of `target` can take, in ms: every try runs to its deadline, with the
 * pauses between tries, then the extra paths (in parallel) to theirs —
 * `attempts × timeout + (attempts − 1) × retry_delay + timeout` (docs/configuration.md).
 */
export function worstCheckMs (target: Pick<EnvironmentTarget, 'attempts' | 'timeoutMs' | 'retryDelayMs' | 'checks'>): number {
  return target.attempts * target.timeoutMs + (target.attempts - 1) * target.retryDelayMs + (target.checks.length > 0 ? target.timeoutMs : 0)
}

/** The longest a whole cycle can take, in ms: the slowest check once per wave of `concurrency` targets. */
export function worstCycleMs (targets: ReadonlyArray<Pick<EnvironmentTarget, 'attempts' | 'timeoutMs' | 'retryDelayMs' | 'checks'>>, concurrency: number): number {
  if (targets.length === 0) return 0
  // A loop, not Math.max(...list): spreading 100,000+ arguments overflows the stack.
  const slowest = targets.reduce((max, target) => Math.max(max, worstCheckMs(target)), 0)
  return slowest * Math.ceil(targets.length / Math.max(1, concurrency))
}
