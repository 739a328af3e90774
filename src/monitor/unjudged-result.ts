import type { CheckResult, EnvironmentTarget } from './types.js'

/**
 * The result of a check that could not judge its environment: unhealthy (fail closed), no answer,
 * no attempt, and one failure phrase that says why (`check aborted`, `check not finished: the check
 * thread ran out of memory`). `now` is when that was known.
 */
export function unjudgedResult (target: Pick<EnvironmentTarget, 'name' | 'displayUrl'>, phrase: string, now = new Date()): CheckResult {
  return {
    environment: target.name,
    displayUrl: target.displayUrl,
    status: 'unhealthy',
    checkedAt: now,
    httpStatus: null,
    responseTimeMs: null,
    tlsDaysLeft: null,
    tlsExpiresAt: null,
    failures: [phrase],
    attempts: [],
    paths: []
  }
}
