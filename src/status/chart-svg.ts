import { escapeHtml, formatMs } from './format.js'
import { percentile } from './uptime.js'

const WIDTH = 600
const HEIGHT = 120
const PAD = 4

/**
 * An inline SVG line chart of response times (oldest first), with a text alternative naming the
 * lowest, median and highest values; a sentence instead when there are fewer than two points.
 */
export function renderResponseChart (points: ReadonlyArray<{ readonly at: string, readonly ms: number }>, label: string): string {
  if (points.length < 2) return '<p class="muted">Not enough checks yet for a response-time chart.</p>'
  const values = points.map((p) => p.ms)
  const max = Math.max(...values, 1)
  const min = Math.min(...values)
  const x = (i: number): number => PAD + (i * (WIDTH - 2 * PAD)) / (points.length - 1)
  const y = (ms: number): number => HEIGHT - PAD - ((ms / max) * (HEIGHT - 2 * PAD))
  const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p.ms).toFixed(1)}`).join(' ')
  const description = `${label}: ${points.length} points from ${points[0]!.at.slice(11, 16)} to ${points.at(-1)!.at.slice(11, 16)} UTC; lowest ${formatMs(min)}, median ${formatMs(percentile(values, 50))}, highest ${formatMs(max)}`
  return `<figure class="chart"><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(description)}" focusable="false">` +
    `<title>${escapeHtml(description)}</title>` +
    `<line x1="0" y1="${HEIGHT - PAD}" x2="${WIDTH}" y2="${HEIGHT - PAD}" class="axis"/>` +
    `<polyline points="${line}" class="line" fill="none" vector-effect="non-scaling-stroke"/></svg>` +
    `<figcaption>highest ${escapeHtml(formatMs(max))} · median ${escapeHtml(formatMs(percentile(values, 50)))} · lowest ${escapeHtml(formatMs(min))}</figcaption></figure>`
}
