import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { parse } from 'yaml'
import { exportedMetricNames } from '../support/exported-metrics.js'
import { markdownAnchors } from '../support/markdown-anchors.js'
import { promqlMetricNames } from '../support/promql-names.js'
import { runPromtool } from '../support/promtool.js'

const DIR = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url))
const RUNBOOK = new URL('../../docs/runbook.md', import.meta.url)

interface Rule { alert?: string, record?: string, expr: string, for?: string, labels?: Record<string, string>, annotations?: Record<string, string> }
interface AlertCase { alertname: string, eval_time: string, exp_alerts?: unknown[] }
interface TestGroup { alert_rule_test?: AlertCase[] }

const rules = (parse(readFileSync(`${DIR}vigil-rules.yml`, 'utf8')) as { groups: Array<{ name: string, rules: Rule[] }> })
  .groups.flatMap((group) => group.rules)
const alerts = rules.filter((rule) => rule.alert !== undefined)
const unitTests = (parse(readFileSync(`${DIR}vigil-rules.test.yml`, 'utf8')) as { tests: TestGroup[] }).tests

t.test('promtool check rules accepts vigil-rules.yml', async (t) => {
  const { code, output } = await runPromtool(['check', 'rules', 'vigil-rules.yml'], { cwd: DIR })
  t.equal(code, 0, output)
  t.match(output, /SUCCESS: \d+ rules found/)
})

t.test('promtool test rules passes every unit test of vigil-rules.test.yml', async (t) => {
  const { code, output } = await runPromtool(['test', 'rules', 'vigil-rules.test.yml'], { cwd: DIR })
  t.equal(code, 0, output)
  t.notMatch(output, /FAILED/)
})

t.test('every alert is unit-tested firing and silent', async (t) => {
  const cases = unitTests.flatMap((group) => group.alert_rule_test ?? [])
  for (const { alert } of alerts) {
    const mine = cases.filter((c) => c.alertname === alert)
    t.ok(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${alert}: a case where it fires`)
    t.ok(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${alert}: a case where it stays silent (healthy, or before its for:)`)
  }
  t.same(cases.filter((c) => !alerts.some((a) => a.alert === c.alertname)).map((c) => c.alertname), [], 'no test of an alert that does not exist')
})

t.test('every alert has a severity, a summary, a description and a runbook link to an existing section', async (t) => {
  const anchors = markdownAnchors(RUNBOOK)
  for (const alert of alerts) {
    t.match(alert.labels?.severity, /^(critical|warning|info)$/, `${alert.alert}: severity`)
    t.ok((alert.annotations?.summary ?? '').length > 0, `${alert.alert}: summary`)
    t.ok((alert.annotations?.description ?? '').length > 0, `${alert.alert}: description`)
    const anchor = /docs\/runbook\.md#(.+)$/.exec(alert.annotations?.runbook_url ?? '')?.[1]
    t.ok(anchor !== undefined && anchors.has(anchor), `${alert.alert}: runbook_url ${alert.annotations?.runbook_url ?? '(none)'} names a heading of docs/runbook.md`)
  }
})

t.test('every metric a rule reads is one Vigil exports, or a recording rule of the file', async (t) => {
  const exported = await exportedMetricNames()
  const recorded = new Set(rules.flatMap((rule) => rule.record ?? []))
  t.ok(exported.has('vigil_environment_status') && exported.has('http_request_duration_seconds_bucket'), 'the names come from a real scrape')
  for (const rule of rules) {
    for (const name of promqlMetricNames(rule.expr)) {
      t.ok(exported.has(name) || recorded.has(name), `${rule.alert ?? rule.record ?? ''} reads ${name}`)
    }
  }
})

t.test('docs/metrics.md points to the rules file instead of repeating rules inline', async (t) => {
  const metricsDoc = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8')
  t.match(metricsDoc, 'deploy/prometheus/vigil-rules.yml')
  t.notMatch(metricsDoc, /^\s*-?\s*(alert|record):/m, 'no rule copied into the doc, to drift from the file')
})
