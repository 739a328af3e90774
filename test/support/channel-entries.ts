import { snapshotOf } from '../../src/delivery/snapshot.js'
import type { ChannelMemory, IncidentEvent, OutboxEntry } from '../../src/delivery/types.js'
import type { NotificationContext } from '../../src/channels/notification.js'
import { createRedactor } from '../../src/redact.js'
import { checkResult, type ResultSpec } from './check-results.js'
import { recordingLog } from './incident-harness.js'

const AT = '2026-11-26T10:00:00.000Z'

/** Outbox entries for one environment's incident, numbered in order, as the worker hands them to a channel. */
export function entryMaker (channel: string, environment = 'production'): (kind: IncidentEvent['kind'], extra?: Partial<IncidentEvent>, spec?: ResultSpec) => OutboxEntry {
  let n = 0
  return (kind, extra = {}, spec = {}) => {
    n += 1
    const result = kind === 'retired' ? null : snapshotOf(checkResult(environment, kind === 'resolved' ? 'healthy' : 'unhealthy', spec))
    return {
      id: `${channel}-entry-${n}`, seq: n, channel, environment, createdAt: AT, notBefore: AT, attempts: 0, state: 'pending', lastError: null, finishedAt: null,
      event: { id: `event-${n}`, kind, environment, incidentId: `${environment}@${AT}`, decidedAt: AT, outageSince: AT, result, ...extra }
    }
  }
}

/** Channel memory the notification channels never use. */
export const noMemory: ChannelMemory<unknown> = { get: async () => undefined, set: async () => {} }

/** A NotificationContext whose redactor knows `secrets` and whose log keeps every line. */
export function testContext (secrets: readonly string[], overrides: Partial<NotificationContext> = {}): NotificationContext & { log: ReturnType<typeof recordingLog>, shutdown: AbortController } {
  const shutdown = new AbortController()
  return {
    redact: createRedactor(secrets),
    log: recordingLog(),
    signal: shutdown.signal,
    issueLink: async () => 'https://github.example/acme/platform/issues/7',
    timeoutMs: 1_000,
    shutdown,
    ...overrides
  } as NotificationContext & { log: ReturnType<typeof recordingLog>, shutdown: AbortController }
}
