import { renderResponseChart } from './chart-svg.js'
import { escapeHtml, formatDuration, formatMs, formatPercent, formatTime, STATUS_LABEL } from './format.js'
import { PAGE_STYLE } from './page-style.js'
import { isPartial, type ComponentView, type EnvironmentView, type PageView, type StatusCounts, type StatusSnapshot, type StatusWord } from './status-snapshot.js'

const e = escapeHtml

const statusText = (status: StatusWord): string =>
  `<span class="status s-${status}">${STATUS_LABEL[status]}</span>`

const OVERALL: Record<StatusWord, string> = {
  up: 'All environments are up',
  degraded: 'Some environments are degraded',
  down: 'Some environments are down',
  unknown: 'No environment has been checked yet'
}

const time = (iso: string | null): string => (iso === null ? '—' : `<time datetime="${e(iso)}">${e(formatTime(iso))}</time>`)

function fact (term: string, value: string): string {
  return `<div><dt>${e(term)}</dt><dd>${value}</dd></div>`
}

function strip (env: EnvironmentView): string {
  if (env.recent_checks.length === 0) return '<p class="muted">No checks recorded yet.</p>'
  const counts = new Map<StatusWord, number>()
  for (const c of env.recent_checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1)
  const summary = [...counts].map(([s, n]) => `${n} ${STATUS_LABEL[s].toLowerCase()}`).join(', ')
  const cells = env.recent_checks.map((c) => {
    const text = `${STATUS_LABEL[c.status]} at ${formatTime(c.at)}${c.http_status === null ? '' : `, HTTP ${c.http_status}`}${c.response_time_ms === null ? '' : `, ${c.response_time_ms} ms`}`
    return `<li class="c-${c.status}" title="${e(text)}"><span class="sr">${e(text)}</span></li>`
  }).join('')
  return `<ol class="strip" aria-label="Last ${env.recent_checks.length} checks, oldest first">${cells}</ol><p class="muted">Last ${env.recent_checks.length} checks: ${e(summary)}</p>`
}

function incidents (env: EnvironmentView): string {
  const items: string[] = []
  if (env.incident !== null && !env.incidents.some((i) => i.issue_url === env.incident!.issue_url)) {
    items.push(`<li>Open since ${time(env.incident.opened_at)}: <a href="${e(env.incident.issue_url)}">incident issue</a></li>`)
  }
  for (const i of env.incidents) {
    const what = i.ended_at === null ? `Down since ${time(i.started_at)} (${e(formatDuration(i.duration_seconds))} so far)` : `Down from ${time(i.started_at)} to ${time(i.ended_at)} (${e(formatDuration(i.duration_seconds))})`
    items.push(`<li>${what}${i.issue_url === null ? '' : `: <a href="${e(i.issue_url)}">incident issue</a>`}</li>`)
  }
  return items.length === 0 ? '<p class="muted">No incidents in this period.</p>' : `<ul class="incidents">${items.join('')}</ul>`
}

function environment (env: EnvironmentView, index: number): string {
  const id = `env-${index}`
  const uptime = Object.entries(env.uptime).map(([window, percent]) => fact(`Uptime ${window}`, e(formatPercent(percent)))).join('')
  return `<article class="env" aria-labelledby="${id}">
<div class="env-head"><h3 id="${id}">${e(env.name)}</h3>${statusText(env.status)}<span class="muted">${env.since === null ? '' : `since ${time(env.since)}`}</span></div>
<dl class="facts">${[
    fact('URL', env.url === null ? '—' : e(env.url)),
    fact('Last checked', time(env.last_checked_at)),
    fact('HTTP status', env.http_status === null ? '—' : String(env.http_status)),
    fact('Response time', e(formatMs(env.response_time_ms))),
    fact('TLS certificate', env.tls_days_left === null ? '—' : `${env.tls_days_left} days left`)
  ].join('')}${uptime}</dl>
${env.error === null ? '' : `<p><strong>Failing:</strong> ${e(env.error)}</p>`}
<h4>Response time</h4>
${renderResponseChart(env.response_times, `Response time of ${env.name}`)}
<h4>Recent checks</h4>
${strip(env)}
<h4>Incidents</h4>
${incidents(env)}
</article>`
}

function components (list: readonly ComponentView[]): string {
  if (list.length === 0) return '<p class="muted">No components are configured.</p>'
  const rows = list.map((c) => `<tr><th scope="row">${e(c.name)}${c.required ? '' : ' <span class="muted">(optional)</span>'}</th><td data-label="Status">${statusText(c.status)}</td><td data-label="Checked">${time(c.checked_at)}</td><td data-label="Latency">${e(formatMs(c.latency_ms))}</td>${c.error === null ? '<td></td>' : `<td data-label="Problem">${e(c.error)}</td>`}</tr>`)
  return `<table class="components"><caption class="sr">Components</caption><thead><tr><th scope="col">Component</th><th scope="col">Status</th><th scope="col">Checked</th><th scope="col">Latency</th><th scope="col">Problem</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

const WORDS: readonly StatusWord[] = ['down', 'degraded', 'unknown', 'up']
const count = (n: number): string => n.toLocaleString('en-US')

// Relative links to this route with `?since=` kept (the token never: the redactor would blank it).
function routeLink (since: string | undefined, params: Record<string, string> = {}): string {
  const search = new URLSearchParams({ ...(since === undefined ? {} : { since }), ...params }).toString()
  return search === '' ? 'status' : `status?${search}`
}

function summarySection (counts: StatusCounts, page: PageView, since: string | undefined): string {
  const items = WORDS.map((word) => `<li><a href="${e(routeLink(since, { status: word }))}">${statusText(word)}</a> <strong>${count(counts[word])}</strong></li>`).join('')
  const selected = (word: StatusWord): string => (page.filter.statuses?.length === 1 && page.filter.statuses[0] === word ? ' selected' : '')
  const options = '<option value="">any status</option>' + WORDS.map((word) => `<option value="${word}"${selected(word)}>${STATUS_LABEL[word]}</option>`).join('')
  const shownName = page.filter.environments?.join(',') ?? ''
  return `<section aria-labelledby="summary-heading">
<h2 id="summary-heading">Summary</h2>
<ul class="counts" aria-label="Environments by status">${items}</ul>
<p class="muted">${count(counts.total)} environments. ${page.order === 'attention' ? `Listed ${page.size} a page, those not up first (down, degraded, unknown, then up).` : `Listed ${page.size} a page.`}</p>
<form class="filter" method="get" action="status" role="search">
<label>Environment <input name="environment" value="${e(shownName)}" placeholder="e.g. production"></label>
<label>Status <select name="status">${options}</select></label>
${since === undefined ? '' : `<input type="hidden" name="since" value="${e(since)}">`}<button type="submit">Show</button>${page.filter.environments === null && page.filter.statuses === null ? '' : ` <a href="${e(routeLink(since))}">Show all</a>`}
</form>
</section>
`
}

function pager (page: PageView, where: string): string {
  const first = (page.number - 1) * page.size
  const range = page.matching === 0 || first >= page.matching
    ? `no environment on page ${count(page.number)}`
    : `${count(first + 1)}–${count(Math.min(page.matching, first + page.size))} of ${count(page.matching)}`
  const previous = page.previous === null ? '' : `<a rel="prev" href="${e(page.previous)}">← Previous</a> `
  const next = page.next === null ? '' : ` <a rel="next" href="${e(page.next)}">Next →</a>`
  return `<nav class="pager" aria-label="Pages, ${where}">${previous}<span>Page ${count(page.number)} of ${count(page.pages)} (${range})</span>${next}</nav>`
}

function environmentsSection (s: StatusSnapshot): string {
  const page = s.page
  if (!isPartial(page)) {
    return s.environments.length === 0 ? '<p class="muted">No environments are monitored.</p>' : s.environments.map(environment).join('\n')
  }
  const list = s.environments.length === 0 ? '<p class="muted">No environment matches.</p>' : s.environments.map(environment).join('\n')
  return `${pager(page, 'top')}
${list}
${pager(page, 'bottom')}`
}

/** Options of renderStatusPage: the title, and the request's `?since=` (kept in its links). */
export interface PageOptions {
  readonly title?: string
  readonly since?: string
}

/**
 * The status page: one self-contained HTML document (no script, no external asset) that reloads
 * itself every `refresh_seconds` with a meta refresh. Every value is escaped; the caller redacts.
 * A snapshot of part of the board (`page`, see isPartial) gets the summary by status, a filter
 * form and the page links above and below its environments; a whole small board looks as ever.
 */
export function renderStatusPage (snapshot: StatusSnapshot, options: PageOptions = {}): string {
  const s = snapshot
  const title = options.title ?? 'Status'
  const history = s.history.available
    ? `History: ${s.history.store === 'postgres' ? 'PostgreSQL' : 'memory of this replica'}, ${s.history.retention_days} days kept.`
    : `History unavailable (${e(s.history.error ?? 'the store did not answer')}): showing the latest checks only.`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<meta http-equiv="refresh" content="${s.refresh_seconds}">
<title>${e(title)}: ${e(OVERALL[s.status])}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<h1>${e(title)}</h1>
<p class="overall">${statusText(s.status)} ${e(OVERALL[s.status])}</p>
<p class="muted">Updated ${time(s.generated_at)}; this page reloads every ${e(formatDuration(s.refresh_seconds))}. Period shown: since ${time(s.period.since)}.</p>
</header>
<main id="main">
${isPartial(s.page) && s.summary !== undefined ? summarySection(s.summary, s.page, options.since) : ''}<section aria-labelledby="environments-heading">
<h2 id="environments-heading">Environments</h2>
${environmentsSection(s)}
</section>
<section aria-labelledby="components-heading">
<h2 id="components-heading">Components</h2>
${components(s.components)}
</section>
</main>
<footer>
<p>${history} Checked every ${e(formatDuration(s.interval_seconds))}.</p>
<nav aria-label="Other formats"><a href="status.json">JSON</a> · <a href="status.md">Markdown report</a>${s.links.issues === null ? '' : ` · <a href="${e(s.links.issues)}">Incident issues</a>`}${s.links.railway_dashboard === null ? '' : ` · <a href="${e(s.links.railway_dashboard)}">Railway dashboard</a>`}</nav>
</footer>
</body>
</html>
`
}
