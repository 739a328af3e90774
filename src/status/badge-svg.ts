import { escapeHtml } from './format.js'
import type { StatusWord } from './status-snapshot.js'

/** The message colours of shields.io's named colours: brightgreen, yellow, red, lightgrey. */
export const BADGE_COLOURS: Record<StatusWord, string> = { up: '#4c1', degraded: '#dfb317', down: '#e05d44', unknown: '#9f9f9f' }

// Widths of Verdana 11 px, roughly, by character class (shields measures exactly; this is close).
function textWidth (text: string): number {
  let width = 0
  for (const c of text) {
    if (/[iljtfr.,:;'|!I ]/.test(c)) width += 4
    else if (/[mwMW]/.test(c)) width += 10
    else if (/[A-Z]/.test(c)) width += 8
    else width += 7
  }
  return width
}

/**
 * A shields.io "flat" badge (https://github.com/badges/shields/blob/master/spec/SPECIFICATION.md):
 * grey label on the left, the status word on the right in its colour, text with a shadow.
 */
export function renderBadge (label: string, status: StatusWord): string {
  const labelWidth = textWidth(label) + 10
  const messageWidth = textWidth(status) + 10
  const width = labelWidth + messageWidth
  const l = escapeHtml(label)
  const title = `${l}: ${status}`
  const text = (x: number, value: string): string =>
    `<text x="${x}" y="15" fill="#010101" fill-opacity=".3">${value}</text><text x="${x}" y="14">${value}</text>`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">` +
    `<title>${title}</title>` +
    '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>' +
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${labelWidth}" height="20" fill="#555"/><rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${BADGE_COLOURS[status]}"/><rect width="${width}" height="20" fill="url(#s)"/></g>` +
    '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">' +
    text(labelWidth / 2, l) + text(labelWidth + messageWidth / 2, status) +
    '</g></svg>'
}
