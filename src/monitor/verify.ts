import { setTimeout as sleep } from 'node:timers/promises'
import type { Status } from '../health/status.js'
import { parseDuration } from '../config/duration.js'
import { DEPLOY_DEFAULTS } from '../config/monitor-schema.js'
import type { CheckResult } from './types.js'

/** Post-deploy verification tries unless told otherwise: the monitor file's `verify_attempts` default (12). */
export const DEFAULT_VERIFY_ATTEMPTS: number = DEPLOY_DEFAULTS.verify_attempts
/** Time between two tries of a verification unless told otherwise, in milliseconds: `verify_delay`'s default (10 s). */
export const DEFAULT_VERIFY_DELAY_MS: number = parseDuration(DEPLOY_DEFAULTS.verify_delay)!

/** How a verification runs. */
export interface VerifyOptions {
  /** Tries at most, an integer ≥ 1 (RangeError otherwise). */
  readonly attempts: number
  /** Wait between the end of one unsuccessful try and the start of the next, in ms (≥ 0). */
  readonly delayMs: number
  /** Ends the verification early (shutdown, CI cancel): no further try, `aborted: true`. */
  readonly signal?: AbortSignal | undefined
  /** Called after each try with its 1-based number and result (progress lines, metrics). */
  readonly onAttempt?: ((attempt: number, result: CheckResult) => void) | undefined
  /**
   * Whether a `degraded` result passes. Off by default: a CI gate fails closed, so a deployment
   * that reports itself degraded is retried like an unhealthy one and fails if it stays so.
   */
  readonly acceptDegraded?: boolean | undefined
  /** Monotonic clock in ms for `elapsedMs`; performance.now by default. */
  readonly now?: (() => number) | undefined
}

/** What a verification found. */
export interface VerifyOutcome {
  /** The last try passed: healthy (or degraded, with `acceptDegraded`). */
  readonly healthy: boolean
  /** Tries made (0 when aborted before the first). */
  readonly attempts: number
  /** Each try's result, in order; the last one is the verdict. */
  readonly results: CheckResult[]
  /** From the start of the first try to the end of the last, in ms. */
  readonly elapsedMs: number
  /** The signal ended the verification before it passed or ran out of tries. */
  readonly aborted: boolean
}

/** Whether one result passes a verification gate. */
export function passesVerification (status: Status, acceptDegraded = false): boolean {
  return status === 'healthy' || (acceptDegraded && status === 'degraded')
}

/**
 * Post-deploy verification: runs `check`, and while it does not pass waits `delayMs` and runs it
 * again, up to `attempts` tries; stops at the first passing result. A failed check is data, so this
 * never throws for one (an exception from `check` itself is a bug and propagates). The caller
 * passes the same signal to `check` when a running try should stop too.
 */
export async function verifyUntilHealthy (check: () => Promise<CheckResult>, options: VerifyOptions): Promise<VerifyOutcome> {
  const { attempts, delayMs, signal, onAttempt, acceptDegraded = false } = options
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts: expected an integer of at least 1, got ${attempts}`)
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`delayMs: expected a number of at least 0, got ${delayMs}`)
  const now = options.now ?? (() => performance.now())
  // A function, so that TypeScript does not narrow `aborted` across the awaits.
  const aborted = (): boolean => signal?.aborted === true
  const started = now()
  const results: CheckResult[] = []
  let healthy = false
  for (let attempt = 1; attempt <= attempts && !aborted(); attempt++) {
    if (attempt > 1) {
      try { await sleep(delayMs, undefined, { signal }) } catch { break }
    }
    const result = await check()
    // A try cut short by the abort says nothing about the deployment.
    if (aborted()) break
    results.push(result)
    onAttempt?.(attempt, result)
    healthy = passesVerification(result.status, acceptDegraded)
    if (healthy) break
  }
  return { healthy, attempts: results.length, results, elapsedMs: now() - started, aborted: !healthy && aborted() }
}
