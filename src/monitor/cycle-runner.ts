import type { CycleOptions } from './run-cycle.js'
import type { CheckResult, EnvironmentTarget } from './types.js'

/** How many environments are checked at once unless told otherwise. */
export const DEFAULT_CONCURRENCY = 100

/**
 * Where a cycle's checks run: this thread (`inProcessRunner`, tests and the CLI) or the check
 * thread (`createCheckThread`, the service's default). Both give the same results for the same targets.
 */
export interface CycleRunner {
  /**
   * Checks `targets` and resolves with one result per target, in target order (failed checks are
   * results). Rejects when the checks could not run (the check thread died), and may reject with
   * the signal's reason once `signal` aborts.
   */
  readonly run: (targets: readonly EnvironmentTarget[], signal: AbortSignal) => Promise<CheckResult[]>
  /** Releases what the runner holds (the thread); runs still pending reject. */
  readonly close: () => Promise<void>
}

/**
 * Runs the checks in this thread with `options` (a replacement `check`, a clock, a redactor: what
 * cannot cross to a thread). run-cycle.js, and with it the check transport, loads on the first run.
 */
export function inProcessRunner (options: Omit<CycleOptions, 'signal'> = {}): CycleRunner {
  return {
    run: async (targets, signal) => {
      const { runCycle } = await import('./run-cycle.js')
      return await runCycle(targets, { ...options, signal })
    },
    close: async () => {}
  }
}
