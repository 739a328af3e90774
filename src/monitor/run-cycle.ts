import { checkEnvironment, type CheckDeps } from './check-environment.js'
import type { CheckResult, EnvironmentTarget } from './types.js'

/** How many environments are checked at once unless told otherwise. */
export const DEFAULT_CONCURRENCY = 100

export interface CycleOptions extends CheckDeps {
  /** At most this many checks in flight (default 100). */
  readonly concurrency?: number
  /** The check to run per target; checkEnvironment by default. */
  readonly check?: (target: EnvironmentTarget, deps: CheckDeps) => Promise<CheckResult>
}

/**
 * Checks every target, at most `concurrency` at a time, and returns the results in target order.
 * Each check returns data, so one environment's failure never stops the others.
 */
export async function runCycle (targets: readonly EnvironmentTarget[], options: CycleOptions = {}): Promise<CheckResult[]> {
  const { concurrency = DEFAULT_CONCURRENCY, check = checkEnvironment, ...deps } = options
  const results = new Array<CheckResult>(targets.length)
  let next = 0
  // A fixed pool of workers pulling the next index keeps exactly `concurrency` checks in flight.
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const index = next++
      results[index] = await check(targets[index]!, deps)
    }
  }
  const workers = Math.max(1, Math.min(concurrency, targets.length))
  await Promise.all(Array.from({ length: workers }, worker))
  return results
}
