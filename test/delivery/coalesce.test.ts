import t from 'tap'
import { coalesce, droppedSummary, DROPPED_NAMED } from '../../src/delivery/coalesce.js'
import type { IncidentEvent, NewOutboxEntry, OutboxEntry } from '../../src/delivery/types.js'
import { snapshotOf } from '../../src/delivery/snapshot.js'
import { checkResult } from '../support/check-results.js'

const resultBase = snapshotOf(checkResult('production', 'unhealthy'))

const AT = '2026-11-26T10:00:00.000Z'
let n = 0
const event = (kind: IncidentEvent['kind'], incident = 'production@A', extra: Partial<IncidentEvent> = {}): IncidentEvent =>
  ({ id: `e${++n}`, kind, environment: 'production', incidentId: incident, decidedAt: AT, outageSince: AT, result: null, ...extra })
const incoming = (e: IncidentEvent): NewOutboxEntry => ({ id: `new-${e.id}`, channel: 'github', environment: 'production', event: e, createdAt: AT, notBefore: AT })
const pending = (e: IncidentEvent, attempts = 0): OutboxEntry => ({ ...incoming(e), id: `p-${e.id}`, seq: ++n, attempts, state: 'pending', lastError: null, finishedAt: null })

t.test('an update replaces the untried updates of its incident and keeps the oldest "before"', async (t) => {
  const first = pending(event('changed', 'production@A', { previousFailures: ['HTTP 500'] }))
  const reminder = pending(event('reminder'))
  const plan = coalesce([pending(event('opened'), 1), first, reminder], incoming(event('changed', 'production@A', { previousFailures: ['HTTP 502'] })))
  t.same(plan.drop.map((d) => d.id), [first.id, reminder.id])
  t.same(plan.insert?.event.previousFailures, ['HTTP 500'])
})

t.test('an update never replaces one that was tried (it may have been posted)', async (t) => {
  const tried = pending(event('changed'), 1)
  const plan = coalesce([tried], incoming(event('changed')))
  t.same(plan.drop, [])
  t.ok(plan.insert)
})

t.test('a recovery of an incident never sent cancels it as a whole', async (t) => {
  const opened = pending(event('opened'))
  const update = pending(event('changed'))
  const plan = coalesce([opened, update], incoming(event('resolved')))
  t.same(plan.drop.map((d) => d.id), [opened.id, update.id])
  t.match(plan.drop[0]!.reason, /resolved before it was sent/)
  t.equal(plan.insert, null)
})

t.test('a recovery after an open that was tried goes out, after dropping untried updates', async (t) => {
  const opened = pending(event('opened'), 1)
  const update = pending(event('reminder'))
  const plan = coalesce([opened, update], incoming(event('resolved')))
  t.same(plan.drop.map((d) => d.id), [update.id])
  t.equal(plan.insert?.event.kind, 'resolved')
})

t.test('events of another incident are left alone', async (t) => {
  const older = pending(event('changed', 'production@OLD'))
  const plan = coalesce([older], incoming(event('changed', 'production@NEW')))
  t.same(plan.drop, [])
})

t.test('a retired environment whose incident was never sent sends nothing', async (t) => {
  const plan = coalesce([pending(event('opened'))], incoming(event('retired')))
  t.equal(plan.insert, null)
  t.match(plan.drop[0]!.reason, /removed/)
})

t.test('changed and changed back before anything was sent: nothing to say, both dropped', async (t) => {
  const withFailures = (failures: string[], previous: string[]) => event('changed', 'production@A', { previousFailures: previous, result: { ...resultBase, failures } })
  const first = pending(withFailures(['HTTP 502'], ['HTTP 500']))
  const plan = coalesce([first], incoming(withFailures(['HTTP 500'], ['HTTP 502'])))
  t.same(plan.drop.map((d) => [d.id, d.reason]), [[first.id, 'changed back before it was sent']])
  t.equal(plan.insert, null)
})

t.test('droppedSummary: one line for a burst, counts by reason and channel, the first environments named once each', async (t) => {
  t.equal(droppedSummary([]), undefined, 'nothing dropped, nothing logged')
  const entries = Array.from({ length: 25 }, (_, i) => ({
    environment: `env-${i % 12}`, channel: i % 5 === 0 ? 'pager' : 'github', lastError: i % 2 === 0 ? 'the incident resolved before it was sent' : 'changed back before it was sent'
  }))
  const summary = droppedSummary(entries)
  t.equal(summary?.message, '25 incident events dropped before delivery')
  t.same(summary?.fields.reasons, { 'the incident resolved before it was sent': 13, 'changed back before it was sent': 12 })
  t.same(summary?.fields.channels, { pager: 5, github: 20 })
  t.same(summary?.fields.environments, Array.from({ length: DROPPED_NAMED }, (_, i) => `env-${i}`))
  t.equal(summary?.fields.more_environments, 2)
  t.equal(droppedSummary([{ environment: 'preview', channel: 'github', lastError: null }])?.message, '1 incident event dropped before delivery')
})
