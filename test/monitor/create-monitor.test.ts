import t from 'tap'
import { createComponentRegistry } from '../../src/health/component-registry.js'
import { createEnvironmentBoard } from '../../src/health/environment-board.js'
import { createMetrics } from '../../src/metrics/create-metrics.js'
import { createMonitor, type MonitorOptions } from '../../src/monitor/create-monitor.js'
import type { CheckResult, CycleLeadership, EnvironmentTarget, IncidentIntake, IncidentLink, LeadershipRole } from '../../src/monitor/types.js'
import { createRedactor } from '../../src/redact.js'
import { testTarget } from '../support/targets.js'

const quiet = { info: () => {}, warn: () => {}, error: () => {} }

/** An intake that records what it is handed and answers with fixed links. */
function recordingIntake (links: Record<string, IncidentLink> = {}): IncidentIntake & { submitted: CheckResult[][] } {
  const submitted: CheckResult[][] = []
  return { submitted, submit: (results) => { submitted.push([...results]) }, links: () => links, onLinksChanged: () => {}, close: async () => {} }
}

/** Leadership with a role the test sets. */
function leadershipAs (role: LeadershipRole, lastCycleAt: string | null = null): CycleLeadership & { finished: number } {
  const state = { finished: 0 }
  return Object.assign(state, { role: () => role, leader: () => ({ holder: 'other-replica', lastCycleAt }), cycleFinished: () => { state.finished++ }, confirm: async () => role === 'leader', close: async () => {} })
}

function resultFor (target: EnvironmentTarget, status: CheckResult['status']): CheckResult {
  return {
    environment: target.name,
    displayUrl: target.displayUrl,
    status,
    checkedAt: new Date('2026-11-26T10:00:00Z'),
    httpStatus: status === 'unhealthy' ? 502 : 200,
    responseTimeMs: 120,
    tlsDaysLeft: 41,
    tlsExpiresAt: new Date('2027-01-06T10:00:00Z'),
    failures: status === 'unhealthy' ? ['/health: HTTP 502'] : [],
    attempts: [],
    paths: []
  }
}

function setup (overrides: Partial<MonitorOptions> = {}) {
  const targets = [
    testTarget('https://ops:hunter2pw@api.example.com', { name: 'production' }),
    testTarget('https://staging.example.com', { name: 'staging' })
  ]
  const statuses: Record<string, CheckResult['status']> = { production: 'unhealthy', staging: 'healthy' }
  const parts = {
    targets,
    intervalMs: 60_000,
    metrics: createMetrics(),
    environments: createEnvironmentBoard(),
    components: createComponentRegistry(),
    redact: createRedactor([]),
    log: quiet,
    cycle: { check: async (target: EnvironmentTarget) => resultFor(target, statuses[target.name] ?? 'healthy') },
    ...overrides
  }
  return { ...parts, monitor: createMonitor(parts) }
}

const sample = async (metric: { get: () => Promise<{ values: { labels: object, value: number }[] }> }) =>
  (await metric.get()).values.map((v) => [v.labels, v.value])

t.test('a cycle fills the board and the metrics, hands the results over and shows the incident links', async (t) => {
  const intake = recordingIntake({ production: { issue_url: 'https://github.com/o/r/issues/12', opened_at: '2026-11-26T10:00:00.000Z' } })
  const { monitor, environments, metrics, components } = setup({ incidents: intake })
  t.equal(await monitor.runOnce(), 'success')
  t.same(intake.submitted[0]?.map((r) => r.environment), ['production', 'staging'])
  const board = environments.entries()
  t.match(board.production, {
    status: 'unhealthy',
    url: 'https://api.example.com',
    http_status: 502,
    response_time_ms: 120,
    tls_days_left: 41,
    error: '/health: HTTP 502',
    incident: { issue_url: 'https://github.com/o/r/issues/12' }
  })
  t.equal(board.staging?.incident, null)
  t.same(await sample(metrics.environmentUp), [[{ environment: 'production' }, 0], [{ environment: 'staging' }, 1]])
  t.same(await sample(metrics.incidentsOpen), [[{ environment: 'production' }, 1], [{ environment: 'staging' }, 0]])
  t.same(await sample(metrics.monitorRuns), [[{ result: 'success' }, 1]])
  t.equal((await sample(metrics.environmentTlsExpiry))[0]?.[1], Date.parse('2027-01-06T10:00:00Z') / 1000)
  t.ok(((await sample(metrics.monitorLastRun))[0]?.[1] as number) > 0)
  t.equal(components.get('monitor')?.status, 'healthy')
  t.equal(components.get('monitor')?.required, false)
})

t.test('a follower checks and reports too, so every replica tells the truth; the decider drops its results', async (t) => {
  let checked = 0
  const intake = recordingIntake()
  const leadership = leadershipAs('follower', new Date().toISOString())
  const { monitor, metrics, components, environments } = setup({ leadership, incidents: intake, cycle: { check: async (target) => { checked++; return resultFor(target, 'unhealthy') } } })
  t.equal(await monitor.runOnce(), 'success')
  t.equal(checked, 2)
  t.equal(environments.entries().production?.status, 'unhealthy', 'its own report is current')
  t.ok(((await sample(metrics.monitorLastRun))[0]?.[1] as number) > 0, 'the stall alert has a current time on every replica')
  t.same(await sample(metrics.monitorRuns), [[{ result: 'success' }, 1]])
  t.match(components.get('monitor'), { status: 'healthy', details: { role: 'follower', leader: 'other-replica' } })
})

t.test('a cycle longer than two intervals is not stale while within the longest a cycle can take', async (t) => {
  const clock = Date.parse('2026-11-26T10:00:00Z')
  const leadership = leadershipAs('follower', new Date(clock - 3 * 60_000).toISOString())
  const { monitor, components } = setup({ leadership, now: () => new Date(clock), staleAfterMs: 4 * 60_000 })
  monitor.checkStaleness()
  t.equal(components.get('monitor')?.status, 'healthy')
})

t.test('with no known leader (state database down) the replica checks anyway and says decisions wait', async (t) => {
  const intake = recordingIntake()
  const leadership = leadershipAs('unknown')
  const { monitor, environments, components } = setup({ leadership, incidents: intake })
  t.equal(await monitor.runOnce(), 'success')
  t.equal(environments.entries().production?.status, 'unhealthy')
  t.equal(intake.submitted.length, 1, 'handed over; the decider waits for leadership')
  t.match(components.get('monitor'), { status: 'degraded', error: /incident decisions wait/ })
})

t.test('a follower that sees no cycle by the leader for two intervals reports the monitor degraded', async (t) => {
  const clock = Date.parse('2026-11-26T10:00:00Z')
  const leadership = leadershipAs('follower', new Date(clock - 3 * 60_000).toISOString())
  const { monitor, components } = setup({ leadership, now: () => new Date(clock) })
  monitor.checkStaleness()
  t.match(components.get('monitor'), { status: 'degraded', error: /no monitor cycle has finished for 180 s/ })
})

t.test('the leader tells the others when it finished a cycle', async (t) => {
  const leadership = leadershipAs('leader')
  const { monitor } = setup({ leadership })
  await monitor.runOnce()
  t.equal(leadership.finished, 1)
})

t.test('a check that throws is counted as a failed cycle, never thrown, with the error redacted', async (t) => {
  const { monitor, metrics, components } = setup({
    redact: createRedactor(['ghp_abcdefgh12345678']),
    cycle: { check: async () => { throw new Error('bug with token ghp_abcdefgh12345678') } }
  })
  t.equal(await monitor.runOnce(), 'failure')
  t.same(await sample(metrics.monitorRuns), [[{ result: 'failure' }, 1]])
  const state = components.get('monitor')
  t.equal(state?.status, 'degraded')
  t.match(state?.error, /last cycle failed: bug with token/)
  t.notMatch(state?.error, /ghp_abcdefgh12345678/)
})

t.test('the monitor component turns degraded when no cycle finished for two intervals', async (t) => {
  let clock = Date.parse('2026-11-26T10:00:00Z')
  const { monitor, components } = setup({ now: () => new Date(clock) })
  await monitor.runOnce()
  clock += 2 * 60_000
  monitor.checkStaleness()
  t.equal(components.get('monitor')?.status, 'healthy', 'exactly two intervals is still fine')
  clock += 1000
  monitor.checkStaleness()
  t.equal(components.get('monitor')?.status, 'degraded')
  t.match(components.get('monitor')?.error, /no monitor cycle has finished/)
  await monitor.runOnce()
  t.equal(components.get('monitor')?.status, 'healthy')
})

t.test('two overlapping calls run one cycle', async (t) => {
  let checked = 0
  const { monitor } = setup({ cycle: { check: async (target) => { checked++; return resultFor(target, 'healthy') } } })
  await Promise.all([monitor.runOnce(), monitor.runOnce()])
  t.equal(checked, 2, 'once per target')
})

t.test('close aborts the running cycle; aborted results are never handed over', async (t) => {
  let started = false
  const intake = recordingIntake()
  const check = async (target: EnvironmentTarget, deps: { signal?: AbortSignal | undefined }): Promise<CheckResult> => {
    started = true
    await new Promise((resolve) => deps.signal?.addEventListener('abort', resolve))
    return resultFor(target, 'unhealthy')
  }
  const { monitor, metrics } = setup({ incidents: intake, cycle: { check } })
  const running = monitor.runOnce()
  t.ok(started)
  await monitor.close()
  t.equal(await running, 'aborted')
  t.same(intake.submitted, [])
  t.same(await sample(metrics.monitorRuns), [])
})

t.test('a result with many long failures is shown bounded in the report and the log', async (t) => {
  const lines: string[] = []
  const many = Array.from({ length: 50 }, (_, i) => `/assets/${i}-${'x'.repeat(2_000)} answered HTTP 404`)
  const { monitor, environments } = setup({
    log: { info: () => {}, error: () => {}, warn: (obj) => { lines.push(JSON.stringify(obj)) } },
    cycle: { check: async (target) => ({ ...resultFor(target, 'unhealthy'), failures: many }) }
  })
  await monitor.runOnce()
  const error = environments.entries().production?.error ?? ''
  t.ok(error.length < 4_000, `report error is ${error.length} characters`)
  t.match(error, /… and 40 more$/)
  t.ok(lines.every((l) => l.length < 4_000), 'log lines are bounded too')
})
