import type { StatusWord } from './status-snapshot.js'

/** Characters with a meaning in HTML text and attribute values, escaped (`&`, `<`, `>`, `"`, `'`). */
export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Text safe in a markdown table cell: markdown punctuation escaped, `|` and line breaks neutralised. */
export function escapeMarkdown (text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+!|~]/g, '\\$&').replace(/\r?\n/g, ' ')
}

/** `99.95 %` (two decimals below 100, none at 100), `no data` for null. */
export function formatPercent (percent: number | null): string {
  if (percent === null) return 'no data'
  if (percent >= 100) return '100 %'
  // Truncated, not rounded: 99.996 % must not read as 100 %.
  return `${(Math.floor(percent * 100) / 100).toFixed(2)} %`
}

/** `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function formatDuration (seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
  const days = Math.floor(hours / 24)
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`
}

/** `2026-11-30 20:05 UTC`; `—` for null. */
export function formatTime (iso: string | null): string {
  if (iso === null) return '—'
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** `123 ms`, `—` for null. */
export const formatMs = (ms: number | null): string => (ms === null ? '—' : `${Math.round(ms)} ms`)

/** The status as a person reads it: `Up`, `Degraded`, `Down`, `Unknown`. */
export const STATUS_LABEL: Record<StatusWord, string> = { up: 'Up', degraded: 'Degraded', down: 'Down', unknown: 'Unknown' }
