import t from 'tap'
import type { Status } from '../../src/health/status.js'
import { CHANGE_SPACING_MS, DAY_MS, decide, initialState, peakOf } from '../../src/incidents/policy.js'
import type { EnvironmentState } from '../../src/state/types.js'
import { checkResult } from '../support/check-results.js'

const T0 = new Date('2026-11-26T10:00:00Z')
const at = (ms: number): Date => new Date(T0.getTime() + ms)
const HOUR = 3_600_000

const calm: EnvironmentState = initialState('production', at(-HOUR))
const inIncident: EnvironmentState = {
  environment: 'production', status: 'unhealthy', since: T0.toISOString(), outageSince: T0.toISOString(),
  lastFailures: ['HTTP 502 from /health'], lastNotifiedAt: T0.toISOString(), lastChangedAt: T0.toISOString(),
  failureStreak: 1, successStreak: 0, flaps: 0
}

interface Row {
  name: string
  previous: EnvironmentState
  status: Status
  failures?: string[]
  now: Date
  actions: unknown[]
  next: Partial<EnvironmentState>
}

const rows: Row[] = [
  { name: 'healthy stays quiet', previous: calm, status: 'healthy', now: T0, actions: [], next: { outageSince: null, status: 'healthy' } },
  { name: 'degraded never opens', previous: calm, status: 'degraded', now: T0, actions: [], next: { outageSince: null, status: 'degraded', since: T0.toISOString() } },
  { name: 'unhealthy opens', previous: calm, status: 'unhealthy', now: T0, actions: [{ type: 'open' }], next: { outageSince: T0.toISOString(), lastFailures: ['HTTP 502 from /health'], lastNotifiedAt: T0.toISOString() } },
  { name: 'still unhealthy, same failures: nothing', previous: inIncident, status: 'unhealthy', now: at(HOUR), actions: [], next: { since: T0.toISOString(), lastNotifiedAt: T0.toISOString() } },
  { name: 'still unhealthy just under a day: nothing', previous: inIncident, status: 'unhealthy', now: at(DAY_MS - 1), actions: [], next: {} },
  { name: 'still unhealthy a day later: reminder', previous: inIncident, status: 'unhealthy', now: at(DAY_MS), actions: [{ type: 'reminder' }], next: { lastNotifiedAt: at(DAY_MS).toISOString() } },
  {
    name: 'failures change within the spacing: nothing yet, and what people were told stays',
    previous: inIncident,
    status: 'unhealthy',
    failures: ['HTTP 503 from /health'],
    now: at(CHANGE_SPACING_MS - 1),
    actions: [],
    next: { lastFailures: ['HTTP 502 from /health'], lastChangedAt: T0.toISOString() }
  },
  {
    name: 'failures change: comment with the previous ones',
    previous: inIncident,
    status: 'unhealthy',
    failures: ['HTTP 503 from /health'],
    now: at(HOUR),
    actions: [{ type: 'changed', previousFailures: ['HTTP 502 from /health'] }],
    next: { lastFailures: ['HTTP 503 from /health'], lastNotifiedAt: at(HOUR).toISOString(), lastChangedAt: at(HOUR).toISOString(), outageSince: T0.toISOString() }
  },
  { name: 'healthy after unhealthy resolves', previous: inIncident, status: 'healthy', now: at(2 * HOUR), actions: [{ type: 'resolve', recoveredAt: at(2 * HOUR).toISOString(), outageMs: 2 * HOUR, outageSince: T0.toISOString() }], next: { outageSince: null, lastFailures: [], lastNotifiedAt: null, status: 'healthy' } },
  { name: 'degraded after unhealthy resolves too', previous: inIncident, status: 'degraded', now: at(HOUR), actions: [{ type: 'resolve', recoveredAt: at(HOUR).toISOString(), outageMs: HOUR, outageSince: T0.toISOString() }], next: { outageSince: null, status: 'degraded' } }
]

for (const row of rows) {
  t.test(row.name, async (t) => {
    const result = checkResult('production', row.status, { at: row.now, ...(row.failures === undefined ? {} : { failures: row.failures }) })
    const { next, actions } = decide(row.previous, result, row.now)
    t.same(actions, row.actions)
    t.match(next, row.next)
  })
}

t.test('the reminder interval is an option', async (t) => {
  const { actions } = decide(inIncident, checkResult('production', 'unhealthy', { at: at(HOUR) }), at(HOUR), { reminderIntervalMs: HOUR })
  t.same(actions, [{ type: 'reminder' }])
})

t.test('the policy never mutates the previous state', async (t) => {
  const frozen = Object.freeze({ ...inIncident, lastFailures: Object.freeze([...inIncident.lastFailures]) })
  t.doesNotThrow(() => decide(frozen, checkResult('production', 'healthy', { at: at(HOUR) }), at(HOUR)))
})

t.test('thresholds: an incident opens after N failures in a row and resolves after M successes in a row', async (t) => {
  const options = { failureThreshold: 2, successThreshold: 2 }
  let state = calm
  const step = (status: Status, minutes: number) => {
    const decision = decide(state, checkResult('production', status, { at: at(minutes * 60_000) }), at(minutes * 60_000), options)
    state = decision.next
    return decision.actions.map((a) => a.type)
  }
  t.same(step('unhealthy', 0), [], 'one failure is not an incident yet')
  t.same(step('healthy', 15), [])
  t.same(step('unhealthy', 30), [])
  t.same(step('unhealthy', 45), ['open'], 'the second failure in a row opens')
  t.equal(state.outageSince, at(30 * 60_000).toISOString(), 'the outage began with the first failure of the streak')
  t.same(step('healthy', 60), [], 'one success does not resolve')
  t.same(step('unhealthy', 75), [], 'a recovery cut short is a flap, not a new incident')
  t.equal(state.flaps, 1)
  t.same(step('degraded', 80), [])
  t.same(step('unhealthy', 95), [], 'the second flap within the spacing waits')
  t.equal(state.flaps, 2)
  t.same(step('healthy', 120), [])
  t.same(step('healthy', 135), ['resolve'])
  t.equal(state.flaps, 0)
})

t.test('the second flap is told as soon as the spacing allows, even with the same failures', async (t) => {
  let state: EnvironmentState = { ...inIncident, lastChangedAt: at(-2 * HOUR).toISOString(), flaps: 1, successStreak: 1, failureStreak: 0, status: 'healthy' }
  const { next, actions } = decide(state, checkResult('production', 'unhealthy', { at: at(HOUR) }), at(HOUR), { successThreshold: 2 })
  state = next
  t.same(actions, [{ type: 'changed', previousFailures: ['HTTP 502 from /health'] }])
  t.equal(state.flaps, 2)
})

t.test('openOn degraded: degraded opens, getting unhealthy is told at once whatever the spacing, only healthy resolves', async (t) => {
  const options = { openOn: 'degraded' as const }
  let state = calm
  const step = (status: Status, minutes: number, failures?: string[]) => {
    const decision = decide(state, checkResult('production', status, { at: at(minutes * 60_000), ...(failures === undefined ? {} : { failures }) }), at(minutes * 60_000), options)
    state = decision.next
    return decision.actions.map((a) => a.type)
  }
  t.same(step('degraded', 0, ['slow: 6000 ms']), ['open'], 'a degraded result opens')
  t.equal(state.peakStatus, 'degraded')
  t.same(step('degraded', 15, ['slow: 6000 ms']), [])
  t.same(step('unhealthy', 30), ['changed'], 'turning unhealthy within the change spacing is told at once')
  t.equal(state.peakStatus, 'unhealthy')
  t.same(step('degraded', 45, ['slow: 6000 ms']), [], 'back to degraded: still the incident, the change waits for the spacing')
  t.equal(state.peakStatus, 'unhealthy', 'the peak never falls within an incident')
  t.same(step('unhealthy', 60), [], 'not worse than the peak: no escalation')
  t.same(step('healthy', 75), ['resolve'], 'healthy resolves')
  t.equal(state.peakStatus, null)
})

t.test('without openOn, the peak of an incident is unhealthy, and a state stored before peaks were kept counts as unhealthy', async (t) => {
  const { next } = decide(calm, checkResult('production', 'unhealthy', { at: T0 }), T0)
  t.equal(next.peakStatus, 'unhealthy')
  t.equal(peakOf(inIncident), 'unhealthy', 'no peakStatus stored: an unhealthy incident')
  t.equal(peakOf(calm), null, 'no incident, no peak')
})

// Railway deploy events (railway/deploy-events.ts): a result that carries one is news.
const crash = { event: { type: 'Deployment.crashed', deploymentId: 'dep-1', timestamp: T0.toISOString() } }

t.test('a failing result answering a deploy event opens the incident at once, whatever failure_threshold', async (t) => {
  const result = { ...checkResult('production', 'unhealthy', { at: T0 }), deploy: crash }
  t.same(decide(calm, result, T0, { failureThreshold: 3 }).actions, [{ type: 'open' }])
  t.same(decide(calm, checkResult('production', 'unhealthy', { at: T0 }), T0, { failureThreshold: 3 }).actions, [], 'without the event it waits for the threshold')
})

t.test('a deploy event on an open incident is told even when what fails is the same and a change was told just now', async (t) => {
  const result = { ...checkResult('production', 'unhealthy', { at: at(60_000) }), deploy: crash }
  t.same(decide(inIncident, result, at(60_000)).actions, [{ type: 'changed', previousFailures: ['HTTP 502 from /health'] }])
  t.same(decide(inIncident, checkResult('production', 'unhealthy', { at: at(60_000) }), at(60_000)).actions, [], 'without the event: nothing to tell')
})

t.test('a healthy result answering a deploy event opens nothing (a failed deploy leaves the previous one serving)', async (t) => {
  const result = { ...checkResult('production', 'healthy', { at: T0 }), deploy: { event: { ...crash.event, type: 'Deployment.failed' } } }
  t.same(decide(calm, result, T0).actions, [])
})
