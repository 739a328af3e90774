import { escapeMarkdown, formatDuration, formatMs, formatPercent, formatTime, STATUS_LABEL } from './format.js'
import { isPartial, type StatusSnapshot } from './status-snapshot.js'

const m = escapeMarkdown
const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`

/**
 * The health report in markdown (GitHub flavour), from a status snapshot: pure. Sections, in
 * order: title and time, `## Environments` (status, uptime, percentiles, TLS), `## Incidents`,
 * `## Components`, `## Links`. Every cell is escaped; the caller redacts. A snapshot of part of a
 * board (isPartial) says which part under `## Environments`: counts by status, the
 * page, and links to the neighbouring pages.
 */
export function renderMarkdownReport (snapshot: StatusSnapshot): string {
  const s = snapshot
  const total = s.summary?.total ?? s.environments.length
  const lines: string[] = [
    '# Vigil health report',
    '',
    `Generated ${formatTime(s.generated_at)} for the period since ${formatTime(s.period.since)}.`,
    '',
    `**Overall: ${STATUS_LABEL[s.status]}** (${total} environment${total === 1 ? '' : 's'}; checked every ${formatDuration(s.interval_seconds)}; history: ${s.history.available ? s.history.store : `unavailable, ${m(s.history.error ?? 'no answer')}`})`,
    '',
    '## Environments',
    ''
  ]
  const page = s.page
  if (isPartial(page)) {
    const c = s.summary
    const first = (page.number - 1) * page.size
    const shown = s.environments.length === 0 ? `none of the ${page.matching.toLocaleString('en-US')} selected` : `${first + 1}–${first + s.environments.length} of the ${page.matching.toLocaleString('en-US')} selected`
    const filters = [page.filter.environments === null ? undefined : `environment ${m(page.filter.environments.join(', '))}`, page.filter.statuses === null ? undefined : `status ${page.filter.statuses.join(', ')}`].filter((f) => f !== undefined)
    lines.push(
      ...(c === undefined ? [] : [`By status: ${c.down} down, ${c.degraded} degraded, ${c.unknown} unknown, ${c.up} up.`, '']),
      `Page ${page.number} of ${page.pages}: ${shown}${filters.length === 0 ? '' : ` (${filters.join('; ')})`}${page.order === 'attention' ? ', those not up first' : ''}.` +
        `${page.previous === null ? '' : ` [Previous page](${page.previous})`}${page.next === null ? '' : ` [Next page](${page.next})`}`,
      '')
  }
  if (s.environments.length === 0) lines.push('No environments are monitored.')
  else {
    lines.push(
      row(['Environment', 'Status', 'Since', 'Uptime 24h', 'Uptime 7d', 'Uptime 30d', 'p50', 'p95', 'p99', 'TLS days left']),
      row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
      ...s.environments.map((env) => row([
        m(env.name), STATUS_LABEL[env.status], formatTime(env.since),
        formatPercent(env.uptime['24h']), formatPercent(env.uptime['7d']), formatPercent(env.uptime['30d']),
        formatMs(env.response_time_percentiles_ms.p50), formatMs(env.response_time_percentiles_ms.p95), formatMs(env.response_time_percentiles_ms.p99),
        env.tls_days_left === null ? '—' : String(env.tls_days_left)
      ])))
  }
  const incidents = s.environments.flatMap((env) => env.incidents.map((i) => ({ env, i })))
  lines.push('', '## Incidents', '')
  if (incidents.length === 0) lines.push('None in the period.')
  else {
    lines.push(row(['Environment', 'Started', 'Ended', 'Duration', 'Issue']), row(['---', '---', '---', '---:', '---']))
    for (const { env, i } of incidents) {
      lines.push(row([m(env.name), formatTime(i.started_at), i.ended_at === null ? 'ongoing' : formatTime(i.ended_at), formatDuration(i.duration_seconds), i.issue_url === null ? '—' : `[issue](${i.issue_url})`]))
    }
  }
  lines.push('', '## Components', '')
  if (s.components.length === 0) lines.push('No components are configured.')
  else {
    lines.push(row(['Component', 'Status', 'Problem']), row(['---', '---', '---']))
    for (const c of s.components) lines.push(row([m(c.name), STATUS_LABEL[c.status], c.error === null ? '' : m(c.error)]))
  }
  lines.push('', '## Links', '')
  const links = [
    s.links.status_page === null ? undefined : `- [Status page](${s.links.status_page})`,
    s.links.railway_dashboard === null ? undefined : `- [Railway dashboard](${s.links.railway_dashboard})`,
    s.links.issues === null ? undefined : `- [Incident issues](${s.links.issues})`
  ].filter((l) => l !== undefined)
  lines.push(...(links.length === 0 ? ['None known.'] : links), '')
  return lines.join('\n')
}
