import t from 'tap'
import type { ComponentState } from '../../src/health/component-registry.js'
import type { EnvironmentSummary } from '../../src/health/environment-board.js'
import type { HistoryEntry } from '../../src/state/history.js'
import { renderBadge } from '../../src/status/badge-svg.js'
import { renderStatusPage } from '../../src/status/render-html.js'
import { renderMarkdownReport } from '../../src/status/report-markdown.js'
import { buildStatusSnapshot, type SnapshotInputs } from '../../src/status/status-snapshot.js'

const now = new Date('2026-11-30T12:00:00Z')
const minutesAgo = (m: number): Date => new Date(now.getTime() - m * 60_000)
const HOSTILE = '<img src=x onerror=alert(1)>&"\'|*_'

function summary (status: EnvironmentSummary['status'], extra: Partial<EnvironmentSummary> = {}): EnvironmentSummary {
  return { status, url: 'https://shop.example.com', last_checked_at: minutesAgo(1).toISOString(), http_status: status === 'unhealthy' ? 502 : 200, response_time_ms: 120, tls_days_left: 41, incident: null, ...extra }
}

function history (environment: string, statuses: ReadonlyArray<HistoryEntry['status']>): HistoryEntry[] {
  return statuses.map((status, i) => ({ environment, checkedAt: minutesAgo(statuses.length - i), status, responseTimeMs: 100 + i, httpStatus: status === 'unhealthy' ? 502 : 200, tlsDaysLeft: 41 }))
}

const component: ComponentState = { name: 'database', group: undefined, required: true, status: 'healthy', latencyMs: 3.2, checkedAt: minutesAgo(0), lastSuccessAt: minutesAgo(0), consecutiveFailures: 0, error: undefined, details: undefined }

function inputs (overrides: Partial<SnapshotInputs> = {}): SnapshotInputs {
  return {
    now,
    periodStart: minutesAgo(24 * 60),
    intervalMs: 60_000,
    refreshMs: 60_000,
    environments: ['production', 'staging'],
    board: {
      production: summary('healthy'),
      staging: summary('unhealthy', { error: '/health: HTTP 502', incident: { issue_url: 'https://github.com/acme/shop/issues/7', opened_at: minutesAgo(3).toISOString() } })
    },
    history: new Map([
      ['production', history('production', ['healthy', 'healthy', 'degraded', 'healthy'])],
      ['staging', history('staging', ['healthy', 'unhealthy', 'unhealthy', 'unhealthy'])]
    ]),
    historyStore: 'memory',
    retentionMs: 30 * 86_400_000,
    components: [component],
    links: { status_page: 'https://vigil.example.com/status', railway_dashboard: 'https://railway.com/project/p1', issues: 'https://github.com/acme/shop/issues?q=label%3Adeployment-alert' },
    ...overrides
  }
}

t.test('the snapshot: status words, since, uptime, open incident with its issue', async (t) => {
  const s = buildStatusSnapshot(inputs())
  t.equal(s.status, 'down', 'the worst environment')
  const [production, staging] = s.environments
  t.match(production, { name: 'production', status: 'up', since: minutesAgo(1).toISOString(), tls_days_left: 41, incident: null })
  t.equal(production!.uptime['24h'], 100, 'degraded counts as up')
  t.match(staging, { status: 'down', since: minutesAgo(3).toISOString(), error: '/health: HTTP 502' })
  t.same(staging!.incidents, [{ started_at: minutesAgo(3).toISOString(), ended_at: null, duration_seconds: 180, issue_url: 'https://github.com/acme/shop/issues/7' }])
  t.same(staging!.recent_checks.map((c) => c.status), ['up', 'down', 'down', 'down'])
  t.same(s.components, [{ name: 'database', status: 'up', required: true, checked_at: now.toISOString(), latency_ms: 3, error: null }])
})

t.test('without history the latest checks still show, and the page says why', async (t) => {
  const s = buildStatusSnapshot(inputs({ history: undefined, historyError: 'connection refused' }))
  t.match(s.history, { available: false, error: 'connection refused' })
  t.equal(s.environments[1]!.status, 'down')
  t.match(renderStatusPage(s), /History unavailable \(connection refused\)/)
})

t.test('an environment never checked is unknown, in words', async (t) => {
  const s = buildStatusSnapshot(inputs({ environments: ['fresh'], board: {}, history: new Map() }))
  t.equal(s.status, 'unknown')
  t.match(renderStatusPage(s), /<span class="status s-unknown">Unknown<\/span>/)
})

t.test('the page escapes environment names, URLs, errors and links', async (t) => {
  const s = buildStatusSnapshot(inputs({
    environments: [HOSTILE],
    board: { [HOSTILE]: summary('unhealthy', { url: `https://x.example.com/?q=${HOSTILE}`, error: HOSTILE, incident: { issue_url: `https://github.com/a/b/issues/1"><script>alert(2)</script>`, opened_at: now.toISOString() } }) },
    history: new Map([[HOSTILE, history(HOSTILE, ['unhealthy', 'unhealthy'])]]),
    components: [{ ...component, name: HOSTILE, error: HOSTILE }]
  }))
  const html = renderStatusPage(s)
  t.notMatch(html, /<img|<script>|onerror=alert\(1\)>/, 'no markup from the data')
  t.match(html, /&#60;img src=x onerror=alert\(1\)&#62;&#38;&#34;&#39;/, 'shown as text')
  const markdown = renderMarkdownReport(s)
  t.match(markdown, /\\<img src=x onerror=alert\\\(1\\\)\\>&"'\\\|\\\*\\_/, 'escaped in markdown, | included')
  t.notMatch(renderBadge(HOSTILE, 'down'), /<img/)
})

t.test('the page: landmarks, one h1, a heading per environment, refresh, light and dark', async (t) => {
  const html = renderStatusPage(buildStatusSnapshot(inputs()))
  t.match(html, /<html lang="en">/)
  t.match(html, /<meta http-equiv="refresh" content="60">/)
  t.match(html, /prefers-color-scheme:dark/)
  for (const landmark of ['<header>', '<main id="main">', '<footer>']) t.ok(html.includes(landmark), landmark)
  t.equal(html.match(/<h1>/g)?.length, 1)
  t.same([...html.matchAll(/<h3 id="env-\d+">([^<]*)<\/h3>/g)].map((m) => m[1]), ['production', 'staging'])
  t.match(html, /<a href="https:\/\/github.com\/acme\/shop\/issues\/7">incident issue<\/a>/)
  t.match(html, /41 days left/)
  t.match(html, /<svg viewBox="0 0 600 120"[^>]*role="img" aria-label="Response time of production:/)
})

t.test('the markdown report keeps its structure', async (t) => {
  const markdown = renderMarkdownReport(buildStatusSnapshot(inputs()))
  const headings = markdown.split('\n').filter((line) => line.startsWith('#'))
  t.same(headings, ['# Vigil health report', '## Environments', '## Incidents', '## Components', '## Links'])
  t.match(markdown, /^Generated 2026-11-30 12:00 UTC for the period since 2026-11-29 12:00 UTC\.$/m)
  t.match(markdown, /^\*\*Overall: Down\*\* \(2 environments; checked every 1 min; history: memory\)$/m)
  t.match(markdown, /^\| Environment \| Status \| Since \| Uptime 24h \| Uptime 7d \| Uptime 30d \| p50 \| p95 \| p99 \| TLS days left \|$/m)
  t.match(markdown, /^\| production \| Up \| 2026-11-30 11:59 UTC \| 100 % \| 100 % \| 100 % \| 101 ms \| 103 ms \| 103 ms \| 41 \|$/m)
  t.match(markdown, /^\| staging \| Down \| 2026-11-30 11:57 UTC \| 25\.00 % \| 25\.00 % \| 25\.00 % \| 101 ms \| 103 ms \| 103 ms \| 41 \|$/m)
  t.match(markdown, /^\| staging \| 2026-11-30 11:57 UTC \| ongoing \| 3 min \| \[issue\]\(https:\/\/github.com\/acme\/shop\/issues\/7\) \|$/m)
  t.match(markdown, /^\| database \| Up \| {2}\|$/m)
  t.match(markdown, /^- \[Status page\]\(https:\/\/vigil.example.com\/status\)$/m)
  t.match(markdown, /^- \[Railway dashboard\]\(https:\/\/railway.com\/project\/p1\)$/m)
  t.match(markdown, /^- \[Incident issues\]\(https:\/\/github.com\/acme\/shop\/issues\?q=label%3Adeployment-alert\)$/m)
})

t.test('a finished outage in the period: start, end and duration', async (t) => {
  const s = buildStatusSnapshot(inputs({ history: new Map([['production', history('production', ['healthy', 'unhealthy', 'unhealthy', 'healthy'])]]) }))
  t.same(s.environments[0]!.incidents, [{ started_at: minutesAgo(3).toISOString(), ended_at: minutesAgo(1).toISOString(), duration_seconds: 120, issue_url: null }])
  t.match(renderMarkdownReport(s), /^\| production \| 2026-11-30 11:57 UTC \| 2026-11-30 11:59 UTC \| 2 min \| — \|$/m)
})

t.test('badges: shields flat layout, the status word and its colour', async (t) => {
  const up = renderBadge('production', 'up')
  t.match(up, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="20" role="img" aria-label="production: up">/)
  t.match(up, /fill="#4c1"/)
  t.match(renderBadge('production', 'degraded'), /fill="#dfb317"/)
  t.match(renderBadge('production', 'down'), /fill="#e05d44"/)
  t.match(renderBadge('production', 'unknown'), /fill="#9f9f9f"/)
  t.match(up, />production<\/text>.*>up<\/text>/)
})
