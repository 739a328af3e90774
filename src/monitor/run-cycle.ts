import { setMaxListeners } from 'node:events'
import { Semaphore } from 'async-mutex'
import { LARGE_BODY_BUDGET_MIB, largeBodyWeight } from './body-limit.js'
import { checkEnvironment, type CheckDeps } from './check-environment.js'
import { DEFAULT_CONCURRENCY } from './cycle-runner.js'
import type { CheckResult, EnvironmentTarget } from './types.js'

// Its home is cycle-runner.ts, which the main thread loads without the check transport.
export { DEFAULT_CONCURRENCY }

export interface CycleOptions extends CheckDeps {
  /** At most this many checks in flight (default 100). */
  readonly concurrency?: number
  /** The check to run per target; checkEnvironment by default. */
  readonly check?: (target: EnvironmentTarget, deps: CheckDeps) => Promise<CheckResult>
  /** Told of each target as its turn comes, in target order (its check may still wait for the body budget). */
  readonly onStart?: (index: number) => void
}

/**
 * Checks every target, at most `concurrency` at a time, and returns the results in target order.
 * Each check returns data, so one environment's failure never stops the others.
 */
export async function runCycle (targets: readonly EnvironmentTarget[], options: CycleOptions = {}): Promise<CheckResult[]> {
  const results = new Array<CheckResult>(targets.length)
  await checkEach(targets, options, (index, result) => { results[index] = result })
  return results
}

/**
 * Checks every target as runCycle does, handing each result to `onResult` (with its index in
 * `targets`) as soon as it is known instead of keeping them: the check thread streams results out
 * as they come. Targets take their turn in order (`onStart`), so the first N are targets 0..N-1.
 * Checks of targets allowed bodies past the default size share LARGE_BODY_BUDGET_MIB (body-limit.ts).
 */
export async function checkEach (targets: readonly EnvironmentTarget[], options: CycleOptions, onResult: (index: number, result: CheckResult) => void): Promise<void> {
  const { concurrency = DEFAULT_CONCURRENCY, check = checkEnvironment, onStart, signal, ...deps } = options
  // Every request in flight listens for the abort: past Node's default of 10 listeners it would
  // warn of a leak, so the checks share a signal of the cycle's own with no such limit.
  const cycle = new AbortController()
  setMaxListeners(0, cycle.signal)
  const onAbort = (): void => { cycle.abort() }
  signal?.addEventListener('abort', onAbort, { once: true })
  if (signal?.aborted === true) cycle.abort()
  const checkDeps = { ...deps, signal: cycle.signal }
  const largeBodies = new Semaphore(LARGE_BODY_BUDGET_MIB)
  let next = 0
  // A fixed pool of workers pulling the next index keeps exactly `concurrency` checks in flight.
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const index = next++
      onStart?.(index)
      const target = targets[index]!
      const weight = largeBodyWeight(target)
      const result = weight === 0 ? await check(target, checkDeps) : await largeBodies.runExclusive(async () => await check(target, checkDeps), weight)
      onResult(index, result)
    }
  }
  const workers = Math.max(1, Math.min(concurrency, targets.length))
  try {
    await Promise.all(Array.from({ length: workers }, worker))
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}
