import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { exportedMetricNames } from '../support/exported-metrics.js'
import { promqlMetricNames } from '../support/promql-names.js'

interface Target { expr?: string, datasource?: { uid?: string } }
interface Panel { id: number, type: string, title: string, gridPos?: object, datasource?: { uid?: string }, targets?: Target[], panels?: Panel[] }
interface Variable { name: string, type: string, query?: string | { query?: string } }
interface Dashboard {
  schemaVersion: number
  uid: string
  __inputs: Array<{ name: string, type: string, pluginId: string }>
  panels: Panel[]
  templating: { list: Variable[] }
}

const text = readFileSync(new URL('../../deploy/grafana/vigil-dashboard.json', import.meta.url), 'utf8')
const DS = '${DS_PROMETHEUS}'

const EXPECTED_TITLES = [
  'Environment status', 'Uptime over the range', 'Uptime (24 h)', 'Response time', 'Last HTTP status code',
  'TLS certificate days left', 'Extra paths (checks)', 'Open incidents',
  'Time since the last cycle', 'Cycle duration', 'Monitor cycles by result',
  'Pending incident events', 'Oldest pending event age', 'Deliveries by channel and result', 'Failed deliveries',
  'Component status', 'Probe latency (p95)',
  'HTTP request rate', 'HTTP latency', 'HTTP errors (5xx)', 'Memory', 'CPU', 'Event loop lag', 'Threshold alerts', 'Build'
]

/** Every panel, those inside collapsed rows included. */
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])])

/** Grafana's own variables made into what PromQL accepts, so the expression can be parsed. */
const asPromql = (expr: string): string => expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m')

/** Queries of the template variables: `label_values(<selector>, label)` reads the selector's metric. */
const variableSelectors = (dashboard: Dashboard): string[] => dashboard.templating.list.flatMap((variable) => {
  const query = typeof variable.query === 'string' ? variable.query : variable.query?.query ?? ''
  const selector = /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1]
  return selector === undefined ? [] : [selector]
})

t.test('the dashboard is valid JSON that imports anywhere: schema 39, one Prometheus input used by every query', async (t) => {
  const dashboard = JSON.parse(text) as Dashboard
  t.ok(dashboard.schemaVersion >= 36 && dashboard.schemaVersion <= 41, `schemaVersion ${dashboard.schemaVersion}`)
  t.same(dashboard.__inputs.map((input) => [input.name, input.type, input.pluginId]), [['DS_PROMETHEUS', 'datasource', 'prometheus']])
  t.match(dashboard.uid, /^[a-zA-Z0-9_-]{1,40}$/)
  const panels = allPanels(dashboard.panels).filter((panel) => panel.type !== 'row')
  const ids = allPanels(dashboard.panels).map((panel) => panel.id)
  t.equal(new Set(ids).size, ids.length, 'panel ids are unique')
  for (const panel of panels) {
    t.ok(panel.gridPos !== undefined, `${panel.title}: has a place`)
    t.equal(panel.datasource?.uid, DS, `${panel.title}: panel datasource`)
    t.ok((panel.targets ?? []).length > 0, `${panel.title}: has a query`)
    for (const target of panel.targets ?? []) t.equal(target.datasource?.uid, DS, `${panel.title}: query datasource`)
  }
  t.notMatch(text, /"uid":\s*"(?!\$\{DS_PROMETHEUS\}|vigil-overview|-- Grafana --)[^"]*"/, 'no datasource uid of one particular Grafana')
})

t.test('the expected panels are there', async (t) => {
  const titles = allPanels((JSON.parse(text) as Dashboard).panels).map((panel) => panel.title)
  for (const title of EXPECTED_TITLES) t.ok(titles.includes(title), title)
})

t.test('every metric a panel or a variable reads is one Vigil exports, or a recording rule of deploy/prometheus/vigil-rules.yml', async (t) => {
  const dashboard = JSON.parse(text) as Dashboard
  const exported = await exportedMetricNames()
  const rules = parse(readFileSync(new URL('../../deploy/prometheus/vigil-rules.yml', import.meta.url), 'utf8')) as { groups: Array<{ rules: Array<{ record?: string }> }> }
  const recorded = new Set(rules.groups.flatMap((group) => group.rules.flatMap((rule) => rule.record ?? [])))
  const queries = [
    ...allPanels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: panel.title, expr: target.expr ?? '' }))),
    ...variableSelectors(dashboard).map((expr) => ({ where: 'template variable', expr }))
  ]
  t.ok(queries.length > 30, `${queries.length} queries read`)
  for (const { where, expr } of queries) {
    const names = promqlMetricNames(asPromql(expr))
    t.ok(names.size > 0, `${where}: reads a metric`)
    for (const name of names) t.ok(exported.has(name) || recorded.has(name), `${where} reads ${name}`)
  }
})
