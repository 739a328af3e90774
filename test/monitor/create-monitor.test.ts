import t from 'tap'
import { overallStatus } from '../../src/health/detailed-report.js'
import { createLifecycle } from '../../src/health/lifecycle.js'
import { evaluateReadiness } from '../../src/health/readiness.js'
import { createMonitor, MAX_WARNING_LINES, UNHEALTHY_AFTER_FAILED_CYCLES, type MonitorOptions } from '../../src/monitor/create-monitor.js'
import type { CheckResult, CycleLeadership, EnvironmentTarget, IncidentIntake, IncidentLink, LeadershipRole } from '../../src/monitor/types.js'
import { createRedactor } from '../../src/redact.js'
import { testTarget } from '../support/targets.js'
import { monitorParts, quietLog as quiet } from '../support/monitor-parts.js'
import { waitFor } from '../support/wait-for.js'

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
  const parts = monitorParts(targets, {
    cycle: { check: async (target: EnvironmentTarget) => resultFor(target, statuses[target.name] ?? 'healthy') },
    ...overrides
  })
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

t.test('a follower that sees no cycle by the leader for two intervals reports the monitor unhealthy: no incident is decided', async (t) => {
  const clock = Date.parse('2026-11-26T10:00:00Z')
  const leadership = leadershipAs('follower', new Date(clock - 3 * 60_000).toISOString())
  const { monitor, components } = setup({ leadership, now: () => new Date(clock) })
  monitor.checkStaleness()
  t.match(components.get('monitor'), { status: 'unhealthy', error: /^no monitor cycle has finished for 180 s \(interval 60 s\), so no incident is decided until a replica takes the lead over$/ })
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

t.test('a monitor whose every cycle fails turns unhealthy at the third failure in a row, stays optional, and a cycle that runs to its end clears it', async (t) => {
  let broken = true
  const { monitor, metrics, components } = setup({
    cycle: { check: async (target) => { if (broken) throw new Error('the check thread exited (code 1)'); return resultFor(target, 'healthy') } }
  })
  const seen: Array<string | undefined> = []
  for (let i = 0; i < UNHEALTHY_AFTER_FAILED_CYCLES; i++) {
    t.equal(await monitor.runOnce(), 'failure')
    seen.push(components.get('monitor')?.status)
  }
  t.same(seen, ['degraded', 'degraded', 'unhealthy'], 'one or two failures are a blip, three an outage of the monitor')
  t.match(components.get('monitor'), {
    status: 'unhealthy',
    required: false,
    error: 'the last 3 cycles failed, so no environment is being checked: the check thread exited (code 1)',
    details: { consecutive_failed_cycles: 3, last_result: 'failure' }
  })
  t.same(await sample(metrics.monitorConsecutiveFailures), [[{}, 3]])
  // Optional (product.md): the service is degraded, and stays ready.
  t.equal(overallStatus(components.list(), []), 'degraded', 'the service reads degraded, not unhealthy')
  t.same(evaluateReadiness(components.list(), createLifecycle()), { ready: true, reasons: [] }, 'readiness does not drop')

  broken = false
  t.equal(await monitor.runOnce(), 'success')
  t.match(components.get('monitor'), { status: 'healthy', details: { consecutive_failed_cycles: 0 } })
  t.same(await sample(metrics.monitorConsecutiveFailures), [[{}, 0]])
})

t.test('a failed cycle is no cycle duration and no overrun, and staleness after failures still says why they failed', async (t) => {
  let clock = Date.parse('2026-11-26T10:00:00Z')
  const { monitor, metrics, components } = setup({
    now: () => new Date(clock),
    // The cycle fails after 5 minutes, well past the 1-minute interval.
    cycle: { check: async () => { clock += 5 * 60_000; throw new Error('the check thread exited (code 1)') } }
  })
  t.equal(await monitor.runOnce(), 'failure')
  t.equal((await metrics.monitorCycleDuration.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0, 0, 'no duration observed')
  t.same(await sample(metrics.monitorCycleOverruns), [[{}, 0]], 'no overrun counted')
  t.match(components.get('monitor')?.error, /^last cycle failed: the check thread exited/)
  clock += 10 * 60_000
  monitor.checkStaleness()
  t.match(components.get('monitor'), { status: 'unhealthy', error: /^no monitor cycle has finished for \d+ s .*; the last 1 cycle\(s\) failed: the check thread exited \(code 1\)$/ })
})

t.test('the monitor component turns unhealthy when no cycle finished for two intervals plus the longest cycle', async (t) => {
  let clock = Date.parse('2026-11-26T10:00:00Z')
  const { monitor, components, metrics } = setup({ now: () => new Date(clock) })
  await monitor.runOnce()
  // Two targets, one try of at most 2 s each, at concurrency 100: the longest cycle is 2 s.
  t.same(await sample(metrics.monitorStaleAfter), [[{}, 122]])
  clock += 2 * 60_000 + 2_000
  monitor.checkStaleness()
  t.equal(components.get('monitor')?.status, 'healthy', 'exactly the limit is still fine')
  clock += 1000
  monitor.checkStaleness()
  t.equal(components.get('monitor')?.status, 'unhealthy')
  t.match(components.get('monitor')?.error, /^no monitor cycle has finished for 123 s \(interval 60 s\), so no environment is being checked$/)
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
  // The in-process runner loads the checks on its first run: the check starts a turn later.
  await waitFor('the check to start', () => started)
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

/** Targets named env-0… env-(n−1), each taking at most `timeoutMs` per try. */
function manyTargets (n: number, overrides: Partial<EnvironmentTarget> = {}): EnvironmentTarget[] {
  return Array.from({ length: n }, (_, i) => testTarget(`https://env-${i}.example.com`, { name: `env-${i}`, ...overrides }))
}

t.test('a cycle longer than the interval warns with what to change, counts an overrun and degrades the monitor until a cycle fits again', async (t) => {
  let clock = Date.parse('2026-11-26T10:00:00Z')
  let cycleMs = 90_000
  const warnings: Array<{ obj: object, msg: string }> = []
  const { monitor, components, metrics } = setup({
    now: () => new Date(clock),
    log: { ...quiet, warn: (obj, msg) => { warnings.push({ obj, msg }) } },
    cycle: { concurrency: 7, check: async (target) => { clock += cycleMs / 2; return resultFor(target, 'healthy') } }
  })
  t.equal(await monitor.runOnce(), 'success')
  t.match(components.get('monitor'), { status: 'degraded', error: /the last cycle took 90 s, longer than the interval \(60 s\) for 2 environment\(s\) at concurrency 7: raise `concurrency`, lengthen `interval`, or shorten `timeout`\/`attempts`/, details: { concurrency: 7, last_cycle_seconds: 90 } })
  t.same(await sample(metrics.monitorCycleOverruns), [[{}, 1]])
  t.same(warnings.map((w) => w.obj), [{ environments: 2, duration_ms: 90_000, interval_ms: 60_000, concurrency: 7 }])
  t.match(warnings[0]?.msg, /raise `concurrency`/)

  cycleMs = 60_000
  t.equal(await monitor.runOnce(), 'success')
  t.match(components.get('monitor'), { status: 'healthy', details: { last_cycle_seconds: 60 } }, 'a cycle of exactly the interval fits')
  t.same(await sample(metrics.monitorCycleOverruns), [[{}, 1]], 'no overrun counted for it')
  t.equal(warnings.length, 1)
})

t.test('a long first cycle is not stale: staleness counts from the start of the first cycle, not from start-up', async (t) => {
  let clock = Date.parse('2026-11-26T10:00:00Z')
  let during: string | undefined
  const { monitor, components } = setup({
    now: () => new Date(clock),
    staleAfterMs: 4 * 60_000,
    cycle: {
      check: async (target) => {
        if (target.name === 'staging') {
          clock += 3 * 60_000
          monitor.checkStaleness()
          during = components.get('monitor')?.status
        }
        return resultFor(target, 'healthy')
      }
    }
  })
  // The app was slow to become ready: the first cycle starts three minutes after start-up.
  clock += 3 * 60_000
  await monitor.runOnce()
  t.equal(during, 'healthy', 'six minutes after start-up, three into the first cycle, within the four-minute limit')
  t.match(components.get('monitor')?.error, /^the last cycle took 180 s, longer than the interval/, 'degraded for the overrun, not as stale')
})

t.test('environments added at runtime raise the staleness limit to the longest cycle of the new list', async (t) => {
  let clock = Date.parse('2026-11-26T10:00:00Z')
  let during: string | undefined
  let long = false
  const { monitor, components, metrics } = setup({
    now: () => new Date(clock),
    cycle: {
      concurrency: 100,
      check: async (target) => {
        if (long && target.name === 'env-999') {
          clock += 5 * 60_000
          monitor.checkStaleness()
          during = components.get('monitor')?.status
        }
        return resultFor(target, 'healthy')
      }
    }
  })
  await monitor.runOnce()
  // 1,000 environments of three 10 s tries 1 s apart: 32 s per check, ten waves at concurrency 100.
  monitor.setTargets(manyTargets(1000, { timeoutMs: 10_000, attempts: 3, retryDelayMs: 1_000 }))
  long = true
  await monitor.runOnce()
  t.same(await sample(metrics.monitorStaleAfter), [[{}, 120 + 320]])
  t.equal(during, 'healthy', 'five minutes into the first cycle of 1,000 environments is within 2 intervals + 320 s')
})

t.test('many environments not healthy: one summary line naming the first ones instead of a line each', async (t) => {
  const warnings: Array<{ obj: Record<string, unknown>, msg: string }> = []
  const targets = manyTargets(MAX_WARNING_LINES + 10)
  const { monitor } = setup({
    targets,
    log: { ...quiet, warn: (obj, msg) => { warnings.push({ obj: obj as Record<string, unknown>, msg }) } },
    cycle: { check: async (target) => resultFor(target, target.name === 'env-0' ? 'degraded' : 'unhealthy') }
  })
  await monitor.runOnce()
  t.equal(warnings.length, 1)
  t.match(warnings[0], { obj: { unhealthy: MAX_WARNING_LINES + 9, degraded: 1 }, msg: `${MAX_WARNING_LINES + 10} environments are not healthy (${MAX_WARNING_LINES + 9} unhealthy)` })
  t.equal((warnings[0]?.obj.environments as string[]).length, MAX_WARNING_LINES)
  t.equal((warnings[0]?.obj.environments as string[])[0], 'env-0 (degraded)')

  warnings.length = 0
  monitor.setTargets(targets.slice(0, MAX_WARNING_LINES))
  await monitor.runOnce()
  t.equal(warnings.length, MAX_WARNING_LINES, 'at the threshold, a line each')
  t.match(warnings[1], { obj: { environment: 'env-1', status: 'unhealthy' }, msg: 'environment env-1 is unhealthy' })
})

t.test('after a cycle the warnings, board and hand-over of 1,200 environments let the event loop run between slices', async (t) => {
  const targets = manyTargets(1200)
  let turns = 0
  let done = false
  const turn = (): void => { turns++; if (!done) setImmediate(turn) }
  const intake = recordingIntake()
  const { monitor, environments } = setup({
    targets,
    incidents: intake,
    cycle: {
      concurrency: 1200,
      check: async (target) => {
        // Every check answered at once: from here on, only the post-cycle passes run.
        if (target.name === 'env-1199') setImmediate(turn)
        return resultFor(target, 'unhealthy')
      }
    }
  })
  await monitor.runOnce()
  done = true
  t.equal(Object.keys(environments.entries()).length, 1200)
  t.equal(intake.submitted[0]?.length, 1200)
  // Slices of 500: three for the warnings, three for the board, three for the incident gauges.
  t.ok(turns >= 6, `the event loop turned ${turns} times while the cycle's results were recorded`)
})

t.test('a check now and a change of incident links redraw the board exactly as the cycle drew it, from the results kept', async (t) => {
  const links: Record<string, IncidentLink> = {}
  let linksChanged = (): void => {}
  const intake: IncidentIntake = { submit: () => {}, links: () => links, onLinksChanged: (listener) => { linksChanged = listener }, close: async () => {} }
  const statuses: Record<string, CheckResult['status']> = { production: 'unhealthy', staging: 'healthy' }
  const { monitor, environments, metrics } = setup({
    incidents: intake,
    cycle: { check: async (target: EnvironmentTarget) => resultFor(target, statuses[target.name] ?? 'healthy') }
  })
  t.teardown(() => monitor.close())
  t.equal(await monitor.runOnce(), 'success')
  const afterCycle = JSON.stringify(environments.entries())

  links.production = { issue_url: 'https://github.com/o/r/issues/12', opened_at: '2026-11-26T10:00:00.000Z' }
  linksChanged()
  await new Promise((resolve) => setImmediate(resolve))
  const linked = environments.entries()
  t.same(linked.production, { ...JSON.parse(afterCycle).production, incident: links.production }, 'the same entry, with its incident')
  t.same(linked.staging, JSON.parse(afterCycle).staging)

  statuses.staging = 'unhealthy'
  const result = await monitor.checkNow('staging')
  t.equal(result?.status, 'unhealthy')
  const after = environments.entries()
  t.same(after.production, linked.production, 'the other environment as it was')
  t.match(after.staging, { status: 'unhealthy', http_status: 502, error: '/health: HTTP 502', incident: null })
  t.same(await sample(metrics.environmentUp), [[{ environment: 'production' }, 0], [{ environment: 'staging' }, 0]])
  t.same(await sample(metrics.incidentsOpen), [[{ environment: 'production' }, 1], [{ environment: 'staging' }, 0]])
})
