import type { IncidentEvent } from '../delivery/types.js'
import { sameFailures } from '../delivery/snapshot.js'
import type { Status } from '../health/status.js'
import type { Redactor } from '../redact.js'
import { capped, formatDuration, incidentTitle, shorten, utc } from './github-render.js'

/** A labelled value shown beside the message (Slack fields, Discord embed fields, an e-mail's list). */
export interface IncidentFact {
  readonly label: string
  readonly value: string
}

/**
 * One incident event in words, the same for every chat and mail channel; each lays it out its own
 * way and fits it to its own limits. Every string is redacted already.
 */
export interface IncidentText {
  /** `[Unhealthy] Production Deployment Health Check Failed`: the GitHub title with the event first. */
  readonly title: string
  /** What the environment is now, in words (`retired`: no longer monitored). */
  readonly status: Status | 'unmonitored'
  /** One or two sentences saying what happened. */
  readonly summary: string
  readonly facts: readonly IncidentFact[]
  /** `What failed`, `Now failing`; no list when empty (recovery, retirement). */
  readonly failuresHeading: string
  /** What fails now, each item cut to 500 characters, at most 20 and a "… and N more" line. */
  readonly failures: readonly string[]
  /** `changed`: what failed when people were last told, capped the same way. */
  readonly previousFailures: readonly string[]
}

const titleWord = (word: string): string => `${word.charAt(0).toUpperCase()}${word.slice(1)}`
const list = (items: readonly string[]): string[] => capped(items.map(shorten), (n) => `… and ${n} more`)

function label (event: IncidentEvent): string {
  const status = event.result?.status ?? 'unhealthy'
  switch (event.kind) {
    case 'opened': return titleWord(status)
    case 'changed': return changedByFlapping(event) ? 'Flapping' : 'Changed'
    case 'reminder': return `Still ${status}`
    case 'resolved': return 'Resolved'
    case 'retired': return 'Monitoring stopped'
  }
}

// As the GitHub comment says it: the same failures with a flap is flapping; anything else a change.
const changedByFlapping = (event: IncidentEvent): boolean =>
  (event.flaps ?? 0) > 0 && sameFailures(event.previousFailures ?? [], event.result?.failures ?? [])

function summary (event: IncidentEvent): string {
  const env = event.environment
  const result = event.result
  const at = result === null ? utc(event.decidedAt) : utc(result.checkedAt)
  const flaps = event.flaps ?? 0
  const flapping = flaps > 0 ? ` It looked recovered and failed again ${flaps} time${flaps === 1 ? '' : 's'} during this incident.` : ''
  switch (event.kind) {
    case 'opened': return `${env} is ${result?.status ?? 'unhealthy'}: its health check failed at ${at}.`
    case 'changed': return `${changedByFlapping(event) ? `${env} is flapping` : `What fails in ${env} has changed`} (${at}).${flapping}`
    case 'reminder': return `${env} is still ${result?.status ?? 'unhealthy'} at ${at}, for ${formatDuration(Date.parse(result?.checkedAt ?? event.decidedAt) - Date.parse(event.outageSince))} now (since ${utc(event.outageSince)}).${flapping}`
    case 'resolved': return `${env} recovered at ${utc(event.recoveredAt ?? event.decidedAt)} after an outage of ${formatDuration(event.outageMs ?? 0)}.`
    case 'retired': return `${env} is no longer in Vigil's configuration (${at}), so this incident can no longer be followed; it is closed unresolved.`
  }
}

function facts (event: IncidentEvent): IncidentFact[] {
  const result = event.result
  const rows: Array<[string, string | null | undefined]> = [
    ['Environment', event.environment],
    ['Status', result?.status ?? 'no longer monitored'],
    ['URL', result?.displayUrl],
    ['HTTP status', result === null || event.kind === 'resolved' ? undefined : String(result.httpStatus ?? '—')],
    ['Since', utc(event.outageSince)],
    ['Recovered', event.kind === 'resolved' ? utc(event.recoveredAt ?? event.decidedAt) : undefined],
    ['Outage length', event.kind === 'resolved' ? formatDuration(event.outageMs ?? 0) : undefined]
  ]
  return rows.flatMap(([name, value]) => (value === undefined || value === null ? [] : [{ label: name, value: shorten(value) }]))
}

/** Words for one incident event (redacted), from which the Slack, Discord and e-mail messages are laid out. */
export function incidentText (event: IncidentEvent, redact: Redactor): IncidentText {
  const failing = event.kind === 'resolved' || event.kind === 'retired' ? [] : (event.result?.failures ?? [])
  const shown = failing.length === 0 && (event.kind === 'opened' || event.kind === 'changed') ? ['(no detail reported)'] : failing
  return {
    title: redact(`[${label(event)}] ${incidentTitle(event.environment)}`),
    status: event.result?.status ?? 'unmonitored',
    summary: redact(summary(event)),
    facts: facts(event).map((f) => ({ label: f.label, value: redact(f.value) })),
    failuresHeading: event.kind === 'changed' ? 'Now failing' : 'What failed',
    failures: list(shown).map(redact),
    previousFailures: event.kind === 'changed' ? list(event.previousFailures ?? []).map(redact) : []
  }
}

/**
 * The message as plain text (the e-mail's text part, Slack's `text` fallback): summary, facts,
 * failure lists and the issue link, one item a line.
 */
export function plainIncidentText (text: IncidentText, issueUrl: string | undefined): string {
  const section = (heading: string, items: readonly string[]): string[] => (items.length === 0 ? [] : ['', `${heading}:`, ...items.map((i) => `- ${i}`)])
  return [
    text.summary,
    '',
    ...text.facts.map((f) => `${f.label}: ${f.value}`),
    ...section(text.failuresHeading, text.failures),
    ...section('Before', text.previousFailures),
    ...(issueUrl === undefined ? [] : ['', `GitHub issue: ${issueUrl}`])
  ].join('\n')
}

/** `text` cut to at most `limit` characters (at a line break when one is near), ending with `…`. */
export function fitText (text: string, limit: number): string {
  if (text.length <= limit) return text
  const room = limit - 1
  const cut = text.lastIndexOf('\n', room)
  return `${text.slice(0, cut > room / 2 ? cut : room)}…`
}
