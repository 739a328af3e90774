import t from 'tap'
import { evaluateAlerts } from '../../src/health/alerts.js'
import type { ComponentState } from '../../src/health/component-registry.js'
import { overallStatus, parseEnvironmentFilter } from '../../src/health/detailed-report.js'
import type { Status } from '../../src/health/status.js'

const component = (status: Status | undefined, required: boolean): ComponentState => ({
  name: 'c', group: undefined, required, status, latencyMs: 1, checkedAt: undefined, lastSuccessAt: undefined, consecutiveFailures: 0, error: undefined, details: undefined
})
const quiet = evaluateAlerts({ memoryPercent: 10, cpuPercent: 10, p95Ms: 1, errorRatePercent: 0 }, { memoryPercent: 80, cpuPercent: 85, responseTimeMs: 5000, errorRatePercent: 1 })

const cases: Array<[string, ComponentState[], Status]> = [
  ['nothing configured', [], 'healthy'],
  ['all healthy', [component('healthy', true), component('healthy', false)], 'healthy'],
  ['required unhealthy', [component('unhealthy', true), component('healthy', false)], 'unhealthy'],
  ['optional unhealthy', [component('healthy', true), component('unhealthy', false)], 'degraded'],
  ['required degraded', [component('degraded', true)], 'degraded'],
  ['required not checked yet', [component(undefined, true)], 'degraded']
]
for (const [name, components, expected] of cases) {
  t.test(`overall status: ${name} → ${expected}`, async (t) => {
    t.equal(overallStatus(components, quiet), expected)
  })
}

t.test('a firing alert makes the status degraded, never unhealthy', async (t) => {
  const alerts = evaluateAlerts({ memoryPercent: 95, cpuPercent: 10, p95Ms: 1, errorRatePercent: 0 }, { memoryPercent: 80, cpuPercent: 85, responseTimeMs: 5000, errorRatePercent: 1 })
  t.same(alerts.find((a) => a.name === 'memory'), { name: 'memory', status: 'firing', value: 95, threshold: 80, unit: 'percent' })
  t.same(alerts.find((a) => a.name === 'response_time'), { name: 'response_time', status: 'ok', value: 1, threshold: 5000, unit: 'ms' }, 'each alert says its unit')
  t.equal(overallStatus([component('healthy', true)], alerts), 'degraded')
  t.equal(overallStatus([component('unhealthy', true)], alerts), 'unhealthy')
})

t.test('parseEnvironmentFilter holds each name as monitored, whatever case it was asked in', async (t) => {
  // As the route gives it: a configured name not yet on the board is known by lower case.
  const monitored = new Map([['production', 'Production'], ['staging', 'staging']])
  const spelling = (name: string): string | undefined => monitored.get(name.toLowerCase())
  const filter = parseEnvironmentFilter({ environment: ['PRODUCTION', 'Staging'], status: 'Healthy,UNHEALTHY' }, spelling)
  t.same(filter, { environments: new Set(['Production', 'staging']), statuses: new Set(['healthy', 'unhealthy']) })
  t.same(parseEnvironmentFilter({ environment: 'prod' }, spelling), { error: 'environment: "prod" is not a monitored environment' })
  t.same(parseEnvironmentFilter({ status: 'down' }, spelling), { error: 'status: expected healthy, degraded, unhealthy, got "down"' })
})
