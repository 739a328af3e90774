import t from 'tap'
import { createEventGate } from '../../src/railway/event-gate.js'
import { eventTypeLabel, parseWebhookPayload, type DeployEvent } from '../../src/railway/webhook-payload.js'
import { legacyRailwayPayload, railwayPayload } from '../support/railway-payloads.js'

const RECEIVED = new Date('2026-11-30T12:00:00Z')
const eventOf = (body: unknown): DeployEvent => {
  const parsed = parseWebhookPayload(body, RECEIVED)
  if (!parsed.ok || parsed.event === undefined) throw new Error(`no event: ${JSON.stringify(parsed)}`)
  return parsed.event
}

t.test('the current payload becomes an event with the deployment, the commit and the resource', async (t) => {
  const event = eventOf(railwayPayload({ type: 'Deployment.crashed', deploymentId: 'dep-1', timestamp: '2025-11-21T23:48:42.311Z' }))
  t.match(event, {
    type: 'Deployment.crashed', deploymentId: 'dep-1', status: 'CRASHED', timestamp: '2025-11-21T23:48:42.311Z',
    projectId: 'proj-1', environment: { id: 'env-production', name: 'production' }, service: { id: 'svc-api', name: 'api' },
    branch: 'main', commitAuthor: 'Ada Lovelace', severity: 'WARNING', legacy: false
  })
})

t.test('the legacy payload maps its status onto the current types', async (t) => {
  t.equal(eventOf(legacyRailwayPayload({ status: 'CRASHED' })).type, 'Deployment.crashed')
  t.equal(eventOf(legacyRailwayPayload({ status: 'FAILED' })).type, 'Deployment.failed')
  t.equal(eventOf(legacyRailwayPayload({ status: 'SUCCESS' })).type, 'Deployment.deployed')
  const event = eventOf(legacyRailwayPayload({ deploymentId: 'old-1', commitHash: 'abc123' }))
  t.match(event, { deploymentId: 'old-1', commitHash: 'abc123', environment: { name: 'production' }, legacy: true })
})

t.test('what is not a deployment event is counted by type and carries no event', async (t) => {
  t.match(parseWebhookPayload({ type: 'VolumeAlert.triggered', details: { usage: 91 } }), { ok: true, type: 'VolumeAlert.triggered', event: undefined })
  t.match(parseWebhookPayload({ type: 'Deployment.crashed', details: 'weird' }), { ok: true, event: undefined, unreadable: /unexpected shape/ })
  t.match(parseWebhookPayload([]), { ok: false })
  t.match(parseWebhookPayload('Deployment.crashed'), { ok: false })
  t.match(parseWebhookPayload({ nothing: 1 }), { ok: false })
})

t.test('a missing or unreadable timestamp is the time of receipt; long fields are shortened', async (t) => {
  const event = eventOf({ ...railwayPayload({ commitMessage: 'm'.repeat(5000) }), timestamp: 'yesterday' })
  t.equal(event.timestamp, RECEIVED.toISOString())
  t.ok(event.commitMessage!.length <= 500)
})

t.test('the metric label is bounded: known types by name, the rest other', async (t) => {
  t.equal(eventTypeLabel('Deployment.oom_killed'), 'Deployment.oom_killed')
  t.equal(eventTypeLabel('Deployment.something_new'), 'other')
  t.equal(eventTypeLabel('x'.repeat(1000)), 'other')
})

t.test('the gate passes each deployment id + type + timestamp once and drops what is older than its service\'s newest', async (t) => {
  const gate = createEventGate()
  const at = (type: string, id: string, minute: number, service = 'api'): DeployEvent =>
    eventOf(railwayPayload({ type, deploymentId: id, service, timestamp: new Date(Date.UTC(2026, 10, 30, 12, minute)).toISOString() }))
  t.equal(gate.admit(at('Deployment.deployed', 'd2', 10)), 'new')
  t.equal(gate.admit(at('Deployment.deployed', 'd2', 10)), 'duplicate')
  t.equal(gate.admit(at('Deployment.crashed', 'd2', 12)), 'new', 'another type of the same deployment')
  t.equal(gate.admit(at('Deployment.crashed', 'd2', 12)), 'duplicate', 'the same crash resent')
  t.equal(gate.admit(at('Deployment.crashed', 'd2', 20)), 'new', 'a later crash of the same deployment is news')
  t.equal(gate.admit(at('Deployment.crashed', 'd1', 5)), 'stale', 'an older deployment of the same service')
  t.equal(gate.admit(at('Deployment.crashed', 'w1', 5, 'web')), 'new', 'another service keeps its own order')
})

t.test('the gate forgets its oldest entries past its bound', async (t) => {
  const gate = createEventGate(3)
  const event = (id: string, service: string): DeployEvent => eventOf(railwayPayload({ deploymentId: id, service, timestamp: '2026-11-30T12:00:00Z' }))
  t.equal(gate.admit(event('a', 's1')), 'new')
  for (const id of ['b', 'c', 'd']) gate.admit(event(id, `s-${id}`))
  t.equal(gate.admit(event('a', 's1')), 'new', 'forgotten after three newer ones')
})
