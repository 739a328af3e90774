import t from 'tap'
import type { IncidentEvent } from '../../src/delivery/types.js'
import { snapshotOf } from '../../src/delivery/snapshot.js'
import type { Status } from '../../src/health/status.js'
import { openingStatus, routeEvent } from '../../src/incidents/routing.js'
import { checkResult } from '../support/check-results.js'

const event = (kind: IncidentEvent['kind'], status: Status | null): IncidentEvent => ({
  id: `event-${kind}`,
  kind,
  environment: 'production',
  incidentId: 'production@2026-11-26T10:00:00.000Z',
  decidedAt: '2026-11-26T10:00:00.000Z',
  outageSince: '2026-11-26T10:00:00.000Z',
  result: status === null ? null : snapshotOf(checkResult('production', status, { failures: ['x'] })),
  ...(kind === 'changed' ? { previousFailures: ['y'] } : {})
})

// [event, its status, the incident's peak before it, what a channel with min_status unhealthy gets, … with degraded]
const rows: Array<[IncidentEvent['kind'], Status | null, Status | null, string | null, string | null]> = [
  ['opened', 'unhealthy', null, 'opened', 'opened'],
  ['opened', 'degraded', null, null, 'opened'],
  ['changed', 'unhealthy', 'degraded', 'opened', 'changed'],
  ['changed', 'degraded', 'degraded', null, 'changed'],
  ['changed', 'degraded', 'unhealthy', 'changed', 'changed'],
  ['reminder', 'degraded', 'degraded', null, 'reminder'],
  ['reminder', 'unhealthy', 'unhealthy', 'reminder', 'reminder'],
  ['resolved', 'healthy', 'degraded', null, 'resolved'],
  ['resolved', 'healthy', 'unhealthy', 'resolved', 'resolved'],
  ['retired', null, 'unhealthy', 'retired', 'retired'],
  ['retired', null, 'degraded', null, 'retired']
]

for (const [kind, status, peak, unhealthy, degraded] of rows) {
  t.test(`${kind} (${status ?? 'no result'}) after a peak of ${peak ?? 'none'}`, async (t) => {
    t.equal(routeEvent(event(kind, status), peak, 'unhealthy', () => 'fresh')?.kind ?? null, unhealthy, 'a channel with min_status unhealthy')
    t.equal(routeEvent(event(kind, status), peak, 'degraded', () => 'fresh')?.kind ?? null, degraded, 'a channel with min_status degraded')
  })
}

t.test('a change that reaches a channel\'s status is its opening, under an id of its own and without the change\'s "before"', async (t) => {
  const routed = routeEvent(event('changed', 'unhealthy'), 'degraded', 'unhealthy', () => 'fresh-id')
  t.equal(routed?.id, 'fresh-id')
  t.equal(routed?.kind, 'opened')
  t.notOk(routed !== null && 'previousFailures' in routed)
  t.equal(routed?.incidentId, 'production@2026-11-26T10:00:00.000Z', 'the same incident: its resolve finds it')
})

t.test('an environment opens incidents at the least status among its channels', async (t) => {
  t.equal(openingStatus([]), 'unhealthy')
  t.equal(openingStatus([{ channel: 'github', minStatus: 'unhealthy' }, { channel: 'chat', minStatus: 'degraded' }]), 'degraded')
})
