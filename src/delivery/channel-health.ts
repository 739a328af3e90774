import type { ProbeResult } from '../health/component-registry.js'
import type { ChannelVerdict } from './types.js'
import type { OutboxStats } from '../state/types.js'

/** What the worker of one channel knows besides the store's figures. */
export interface ChannelHealthInput {
  readonly stats: OutboxStats
  readonly verdict: ChannelVerdict | undefined
  readonly heldUntil: string | null
  /** The latest try of this replica that did not deliver, still to be retried. */
  readonly retrying: { readonly environment: string, readonly kind: string, readonly reason: string } | null
  /**
   * Why the receiver gave no answer to the latest exchange with it — the access check at start-up,
   * or a request of a try still in flight — kept until it answers; null or absent while it answers.
   * With events pending the channel is degraded at once: nothing can be delivered.
   */
  readonly unanswered?: string | null
  /** How old the oldest pending event may get before the channel counts as degraded. */
  readonly staleAfterMs: number
  readonly now: Date
}

const ageSeconds = (iso: string | null, now: Date): number => (iso === null ? 0 : Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000)))

/** `details.access` while no verdict is known (the check got no answer yet, or the channel has none). */
export const ACCESS_UNVERIFIED = 'unverified'

/**
 * A channel as a component of the report: unhealthy when its credentials were refused or a delivery
 * failed for good and no later one for that environment succeeded; degraded while deliveries are
 * retried, held by a rate limit, pending while the receiver gives no answer (at once, not after
 * `staleAfterMs`), or waiting longer than `staleAfterMs`; healthy otherwise. Details carry the
 * figures and failures, and `access`: the verdict of the access check, `unverified` until one.
 */
export function channelHealth (input: ChannelHealthInput): ProbeResult {
  const { stats, verdict, heldUntil, retrying, now } = input
  // A failure counts until a later delivery for the same environment succeeds: another
  // environment's success says nothing about it.
  const lastFailure = stats.recentFailures.find((e) => (stats.lastDeliveredAt[e.environment] ?? '') < (e.finishedAt ?? ''))
  const failedLast = lastFailure !== undefined
  const oldestAge = ageSeconds(stats.oldestPendingAt, now)
  const held = heldUntil !== null && Date.parse(heldUntil) > now.getTime() ? heldUntil : null
  const details = {
    pending: stats.pending,
    oldest_pending_age_seconds: oldestAge,
    held_until: held,
    last_delivered_at: stats.lastDelivered?.finishedAt ?? null,
    failed_deliveries: stats.recentFailures.map((e) => ({ environment: e.environment, event: e.event.kind, at: e.finishedAt, reason: e.lastError })),
    // Not failures: events made pointless before they were sent (an outage over before GitHub answered).
    dropped_events: stats.recentDropped.map((e) => ({ environment: e.environment, event: e.event.kind, at: e.finishedAt, reason: e.lastError })),
    access: verdict?.message ?? ACCESS_UNVERIFIED
  }
  const result = (status: ProbeResult['status'], error?: string): ProbeResult => ({ status, latencyMs: 0, details, ...(error === undefined ? {} : { error }) })
  if (verdict !== undefined && !verdict.ok) return result('unhealthy', verdict.message)
  if (failedLast) return result('unhealthy', `delivery failed: ${lastFailure.event.kind} for ${lastFailure.environment}: ${lastFailure.lastError ?? 'unknown reason'}`)
  if (held !== null) return result('degraded', `rate limited: no delivery before ${held}`)
  if (retrying !== null && stats.pending > 0) return result('degraded', `retrying ${retrying.kind} for ${retrying.environment}: ${retrying.reason}`)
  const unanswered = input.unanswered ?? null
  if (unanswered !== null && stats.pending > 0) return result('degraded', `${stats.pending} event(s) pending and the receiver gives no answer: ${unanswered}`)
  if (stats.pending > 0 && oldestAge * 1000 > input.staleAfterMs) return result('degraded', `${stats.pending} event(s) pending, the oldest for ${oldestAge} s`)
  return result('healthy')
}
