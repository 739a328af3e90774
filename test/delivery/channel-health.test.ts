import t from 'tap'
import { ACCESS_UNVERIFIED, channelHealth, type ChannelHealthInput } from '../../src/delivery/channel-health.js'
import type { OutboxStats } from '../../src/state/types.js'

const NOW = new Date('2026-11-26T10:00:00.000Z')
const secondsAgo = (s: number): string => new Date(NOW.getTime() - s * 1000).toISOString()

const stats = (over: Partial<OutboxStats> = {}): OutboxStats =>
  ({ pending: 0, oldestPendingAt: null, recentFailures: [], lastDelivered: null, lastDeliveredAt: {}, recentDropped: [], ...over })

const input = (over: Partial<ChannelHealthInput> = {}): ChannelHealthInput =>
  ({ stats: stats(), verdict: undefined, heldUntil: null, retrying: null, staleAfterMs: 300_000, now: NOW, ...over })

// 10,000 events waited while GitHub refused every connection, and the channel read healthy for
// about a minute: the first try was still in flight (the client retries reads inside it).
t.test('events pending while the receiver gives no answer: degraded at once, not after staleAfterMs', async (t) => {
  const waiting = stats({ pending: 10_000, oldestPendingAt: secondsAgo(2) })
  t.match(channelHealth(input({ stats: waiting, unanswered: 'get_user: no answer (connect ECONNREFUSED 127.0.0.1:443)' })), {
    status: 'degraded',
    error: '10000 event(s) pending and the receiver gives no answer: get_user: no answer (connect ECONNREFUSED 127.0.0.1:443)',
    details: { pending: 10_000, access: ACCESS_UNVERIFIED }
  })
  t.equal(channelHealth(input({ stats: waiting })).status, 'healthy', 'without the receiver\'s silence, two seconds of waiting is normal')
  t.equal(channelHealth(input({ stats: stats(), unanswered: 'no answer' })).status, 'healthy', 'nothing pending: nothing is late')
  t.match(channelHealth(input({ stats: waiting, unanswered: 'no answer', retrying: { environment: 'production', kind: 'opened', reason: 'get_user: no answer' } })),
    { status: 'degraded', error: 'retrying opened for production: get_user: no answer' }, 'a try that failed names its event')
})

t.test('access reads "unverified" until a verdict, then the verdict', async (t) => {
  t.equal(channelHealth(input()).details?.access, 'unverified')
  t.equal(channelHealth(input({ verdict: { ok: true, message: 'access to acme/platform verified as vigil-bot' } })).details?.access, 'access to acme/platform verified as vigil-bot')
  t.match(channelHealth(input({ verdict: { ok: false, message: 'GitHub refused the token (HTTP 401): check GITHUB_TOKEN' } })),
    { status: 'unhealthy', details: { access: 'GitHub refused the token (HTTP 401): check GITHUB_TOKEN' } })
})

t.test('the other rules keep their order: a refused token, a failed delivery, a hold, a retry, a stale wait', async (t) => {
  const waiting = stats({ pending: 3, oldestPendingAt: secondsAgo(400) })
  t.match(channelHealth(input({ stats: waiting })), { status: 'degraded', error: '3 event(s) pending, the oldest for 400 s' })
  t.match(channelHealth(input({ stats: waiting, heldUntil: secondsAgo(-60), unanswered: 'no answer' })), { status: 'degraded', error: /^rate limited: no delivery before / })
  t.match(channelHealth(input({ stats: waiting, verdict: { ok: false, message: 'refused' }, unanswered: 'no answer' })), { status: 'unhealthy', error: 'refused' })
})
