import t from 'tap'
import { createContextCache } from '../../src/railway/context-cache.js'
import type { DeploymentContext, RailwayRef } from '../../src/railway/types.js'
import { recordingLog } from '../support/incident-harness.js'

const context = (id: string): DeploymentContext => ({ active: { id, status: 'SUCCESS', createdAt: '2026-11-30T12:00:00Z' }, errorLogs: [], dashboardUrl: undefined, rollback: undefined, fetchedAt: '2026-11-30T12:00:00Z' })

function setUp (answer: (ref: RailwayRef) => Promise<DeploymentContext | undefined>, waitMs = 1000) {
  let clock = 0
  const asked: RailwayRef[] = []
  const log = recordingLog()
  const cache = createContextCache({
    fetch: async (ref) => { asked.push(ref); return await answer(ref) },
    refOf: (environment) => (environment === 'unmapped' ? undefined : { environment, service: 'api' }),
    log, waitMs, ttlMs: 60_000, now: () => clock
  })
  return { cache, asked, log, advance: (ms: number) => { clock += ms } }
}

t.test('a context is read once and reused for a minute, then read again', async (t) => {
  let n = 0
  const { cache, asked, advance } = setUp(async () => context(`dep-${++n}`))
  cache.prefetch('production')
  t.equal((await cache.contextOf('production'))?.active?.id, 'dep-1')
  advance(59_000)
  t.equal((await cache.contextOf('production'))?.active?.id, 'dep-1')
  t.equal(asked.length, 1)
  advance(2_000)
  t.equal((await cache.contextOf('production'))?.active?.id, 'dep-2')
  t.same(asked.map((r) => r.environment), ['production', 'production'])
})

t.test('a read that does not finish within the wait gives no context, and is still used when it ends', async (t) => {
  let release: (value: DeploymentContext) => void = () => {}
  const { cache } = setUp(async () => await new Promise<DeploymentContext>((resolve) => { release = resolve }), 20)
  t.equal(await cache.contextOf('production'), undefined)
  release(context('dep-late'))
  t.equal((await cache.contextOf('production'))?.active?.id, 'dep-late')
})

t.test('a failed read gives no context, is logged, and is not repeated at once', async (t) => {
  const { cache, asked, log, advance } = setUp(async () => { throw new Error('Railway deployments: HTTP 502') })
  t.equal(await cache.contextOf('production'), undefined)
  t.equal(await cache.contextOf('production'), undefined)
  t.equal(asked.length, 1)
  t.ok(log.lines.some((l) => l.includes('unavailable') && l.includes('HTTP 502')))
  advance(16_000)
  await cache.contextOf('production')
  t.equal(asked.length, 2)
})

t.test('an environment without a Railway ref is never asked about', async (t) => {
  const { cache, asked } = setUp(async () => context('x'))
  cache.prefetch('unmapped')
  t.equal(await cache.contextOf('unmapped'), undefined)
  t.equal(asked.length, 0)
})
