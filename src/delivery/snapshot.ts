import type { ResultSnapshot } from '../delivery/types.js'
import type { CheckResult } from '../monitor/types.js'

/** A check result as JSON keeps it in the outbox. */
export function snapshotOf (result: CheckResult): ResultSnapshot {
  return { ...result, checkedAt: result.checkedAt.toISOString(), tlsExpiresAt: result.tlsExpiresAt?.toISOString() ?? null }
}

/** Back from the outbox to a CheckResult (for the renderers). */
export function resultOf (snapshot: ResultSnapshot): CheckResult {
  return { ...snapshot, checkedAt: new Date(snapshot.checkedAt), tlsExpiresAt: snapshot.tlsExpiresAt === null ? null : new Date(snapshot.tlsExpiresAt) }
}

/** Whether two failure lists say the same (the policy and coalescing compare "what fails" so). */
export function sameFailures (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}
