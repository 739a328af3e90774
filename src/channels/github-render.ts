import { sameFailures } from '../delivery/snapshot.js'
import type { CheckResult, DeployNote } from '../monitor/types.js'
import type { Redactor } from '../redact.js'

/** Labels on every incident issue when the monitor file sets no `github.labels`. */
export const DEFAULT_INCIDENT_LABELS: readonly string[] = ['deployment-alert']

/**
/**
 * An environment's name as people read it (product.md's `<Name>`): `production` → `Production`; a
 * name that is not one lowercase word keeps its spelling exactly, since `tls-edge`, `pr-42` or
 * `eu.api` made `Tls-edge`.
 */
export function displayName (environment: string): string {
  return /^[a-z]+$/.test(environment) ? `${environment.charAt(0).toUpperCase()}${environment.slice(1)}` : environment
}

/**
 * `production` → `Production Deployment Health Check Failed` (`tls-edge` → `tls-edge …`); an
 * incident opened by a post-deploy verification that never passed (`deploy`) →
 * `Production Deployment Verification Failed`.
 */
export function incidentTitle (environment: string, deploy?: DeployNote): string {
  const what = deploy?.verification?.healthy === false ? 'Verification' : 'Health Check'
  return `${displayName(environment)} Deployment ${what} Failed`
}

/** The hidden marker by which Vigil finds an environment's open issue again. */
export function environmentMarker (environment: string): string {
  return `<!-- vigil:environment=${environment} -->`
}

/** Hidden marker of one comment, so a retried comment is never posted twice. */
export function actionMarker (actionId: string): string {
  return `<!-- vigil:action=${actionId} -->`
}

/**
 * The issue's labels: the base (`github.labels`) plus the environment's own; `production` with no
 * labels of its own (the RAILWAY_DOMAIN shorthand included) is urgent.
 */
export function incidentLabels (environment: string, ownLabels: readonly string[], baseLabels: readonly string[] = DEFAULT_INCIDENT_LABELS): string[] {
  const own = ownLabels.length === 0 && environment === 'production' ? ['urgent'] : ownLabels
  return [...new Set([...baseLabels, ...own])]
}

/** `2h 5m`, `3d 4h`, `45s`: the length of an outage for people. */
export function formatDuration (ms: number): string {
  const seconds = Math.round(ms / 1000)
  const parts: Array<[number, string]> = [[Math.floor(seconds / 86400), 'd'], [Math.floor(seconds / 3600) % 24, 'h'], [Math.floor(seconds / 60) % 60, 'm'], [seconds % 60, 's']]
  const shown = parts.filter(([n]) => n > 0).slice(0, 2).map(([n, unit]) => `${n}${unit}`)
  return shown.length === 0 ? '0s' : shown.join(' ')
}

/** `2026-11-26 10:00:00 UTC`: a time for people, as every channel writes it. */
export const utc = (iso: string | Date): string => `${new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`
const orDash = (value: number | null, suffix = ''): string => (value === null ? '—' : `${value}${suffix}`)
// Table cells: a `|` or a line break inside a value would break the Markdown table.
const cell = (text: string): string => shorten(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')

/** GitHub refuses issue and comment bodies longer than this (HTTP 422). */
export const GITHUB_BODY_LIMIT = 65_536
/** Rows of a list or table shown before "… and N more". */
const MAX_ROWS = 20
/** Characters of one list item or table cell shown. */
const MAX_ITEM = 500

/** One list item or table cell cut to MAX_ITEM (500) characters, with an ellipsis. */
export const shorten = (text: string): string => (text.length <= MAX_ITEM ? text : `${text.slice(0, MAX_ITEM - 1)}…`)

/** The first MAX_ROWS rows, then one line saying how many were left out. */
export function capped (rows: readonly string[], more: (n: number) => string): string[] {
  return rows.length <= MAX_ROWS ? [...rows] : [...rows.slice(0, MAX_ROWS), more(rows.length - MAX_ROWS)]
}

/**
 * Makes a rendered body fit GitHub's limit: lists are capped already, so this only cuts a body
 * that is still too long (very long failure phrases), at a line break, saying so.
 */
export function fitBody (body: string): string {
  if (body.length <= GITHUB_BODY_LIMIT) return body
  const note = `\n\n_… cut to fit GitHub's ${GITHUB_BODY_LIMIT}-character limit (${body.length} characters)._`
  const room = GITHUB_BODY_LIMIT - note.length
  const cut = body.lastIndexOf('\n', room)
  return body.slice(0, cut > room / 2 ? cut : room) + note
}

/**
 * Failures in the order on-call reads them: the health path's and host-wide ones (TLS, DNS) first,
 * then each extra path's in the order `checks` lists them. `result.failures` itself stays sorted,
 * since the incident policy compares it between cycles.
 */
export function orderedFailures (failures: readonly string[], paths: readonly { path: string }[]): string[] {
  const rank = (failure: string): number => 1 + paths.findIndex((p) => failure.startsWith(`${p.path}: `))
  return failures.map((failure, i) => ({ failure, i, rank: rank(failure) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ failure }) => failure)
}

function failureList (failures: readonly string[], paths: readonly { path: string }[] = []): string {
  return failures.length === 0 ? '- (no detail reported)' : capped(orderedFailures(failures, paths).map((f) => `- ${shorten(f)}`), (n) => `- … and ${n} more`).join('\n')
}

/** The URLs that failed: the health URL when its last try failed, then each failing extra path. */
function failingUrls (result: CheckResult): string[] {
  const healthUrl = result.healthUrl ?? result.displayUrl
  const healthFailed = result.attempts.at(-1)?.error !== undefined
  return [...(healthFailed ? [healthUrl] : []), ...result.paths.filter((p) => p.error !== undefined).map((p) => p.url ?? p.path)]
}

function urlLines (result: CheckResult): string[] {
  const failing = failingUrls(result)
  if (failing.length === 0) return [`- **URL:** ${result.healthUrl ?? result.displayUrl}`]
  if (failing.length === 1) return [`- **Failing URL:** ${failing[0]!}`]
  return ['- **Failing URLs:**', ...capped(failing.map((url) => `  - ${url}`), (n) => `  - … and ${n} more`)]
}

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function fenced (text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}${language}\n${text}\n${fence}`
}

/** The application's own answer from its health URL, as the check kept it (shortened, redacted). */
function answerSection (result: CheckResult): string[] {
  if (result.bodyExcerpt === undefined) return []
  const language = /^[[{]/.test(result.bodyExcerpt) ? 'json' : 'text'
  return ['### The application\'s answer', fenced(result.bodyExcerpt, language), `_The start of the body from ${result.healthUrl ?? result.displayUrl}, secrets removed._`, '']
}

function attemptTable (result: CheckResult): string {
  const rows = result.attempts.map((a) =>
    `| ${a.attempt} | ${utc(a.startedAt)} | ${orDash(a.httpStatus)} | ${orDash(a.responseTimeMs, ' ms')} | ${cell(a.error ?? '')} |`)
  const paths = result.paths.map((p) =>
    `| \`${cell(p.path)}\` | ${orDash(p.httpStatus)} | ${orDash(p.responseTimeMs, ' ms')} | ${cell(p.error ?? '')} |`)
  return [
    '| attempt | started | HTTP status | response time | error |', '| --- | --- | --- | --- | --- |', ...capped(rows, (n) => `| … and ${n} more | | | | |`),
    ...(paths.length === 0 ? [] : ['', '| extra path | HTTP status | response time | error |', '| --- | --- | --- | --- |', ...capped(paths, (n) => `| … and ${n} more | | | |`)])
  ].join('\n')
}

function actionItems (environment: string): string {
  return [
    '### Action items',
    `1. **Read the logs.** Railway dashboard → project → \`${environment}\` environment → the service → *Deployments* → latest deployment → *View logs* (or \`railway logs --environment ${environment}\`). Look for crash loops, failed migrations, out-of-memory kills and errors right after the deploy.`,
    `2. **Verify the variables.** \`railway variables --environment ${environment}\`: \`DATABASE_URL\`, \`REDIS_URL\`, the AI provider keys and \`PORT\` are set and current; a recently rotated credential is a common cause.`,
    '3. **Check the dependencies.** `/health/detailed` on the environment shows which component (database, Redis, AI provider) fails.',
    '4. **Roll back if the last deploy caused it.** Railway dashboard → *Deployments* → the last deployment that was healthy → ⋯ menu → *Rollback*. Vigil comments and closes this issue by itself once the environment answers healthy again.'
  ].join('\n')
}

/**
 * The issue body: marker, time, environment, the failing URLs, what failed (the health path first),
 * the application's own answer, each attempt, the deployment context when given (a Markdown
 * section, railway/render-context.ts), action items.
 */
export function renderIssueBody (result: CheckResult, redact: Redactor, deploymentContext?: string): string {
  return fitBody(redact([
    environmentMarker(result.environment),
    `**${result.environment}** failed its health check at **${utc(result.checkedAt)}**.`,
    '',
    `- **Environment:** ${result.environment}`,
    ...urlLines(result),
    `- **Time (UTC):** ${utc(result.checkedAt)}`,
    `- **HTTP status:** ${orDash(result.httpStatus)}`,
    `- **Response time:** ${orDash(result.responseTimeMs, ' ms')}`,
    ...(result.tlsDaysLeft === null ? [] : [`- **TLS certificate:** ${result.tlsDaysLeft} days left`]),
    ...deploySection(result.deploy),
    '',
    '### What failed',
    failureList(result.failures, result.paths),
    '',
    ...answerSection(result),
    '### Attempts',
    attemptTable(result),
    '',
    ...(deploymentContext === undefined ? [] : [deploymentContext, '']),
    actionItems(result.environment),
    '',
    '_Opened by Vigil. One issue per incident: updates come as comments, and it is closed on recovery._'
  ].join('\n')))
}

/** One line saying the incident flaps, or nothing when it does not. */
function flappingLine (flaps: number): string[] {
  return flaps === 0
    ? []
    : ['', `**Flapping:** it looked recovered and failed again ${flaps} time${flaps === 1 ? '' : 's'} during this incident. The issue stays open until the environment passes \`success_threshold\` checks in a row.`]
}

/** Comment when what fails has changed during an incident (or it started flapping: `flaps`), with the deployment context when given. */
export function renderChangeComment (result: CheckResult, previousFailures: readonly string[], actionId: string, redact: Redactor, flaps = 0, deploymentContext?: string): string {
  return fitBody(redact([
    actionMarker(actionId),
    result.deploy !== undefined && sameFailures(previousFailures, result.failures)
      ? `**Railway deployment news** (${utc(result.checkedAt)}): ${deployHeadline(result.deploy)}.`
      : sameFailures(previousFailures, result.failures) && flaps > 0 ? `**Flapping** (${utc(result.checkedAt)}).` : `**What fails has changed** (${utc(result.checkedAt)}).`,
    ...flappingLine(flaps),
    ...deploySection(result.deploy),
    '', '**Now failing:**', failureList(result.failures, result.paths),
    '', '**Before:**', failureList(previousFailures, result.paths),
    '', '### Attempts', attemptTable(result),
    ...(deploymentContext === undefined ? [] : ['', deploymentContext])
  ].join('\n')))
}

/** Daily comment while an incident lasts with the same failures. */
export function renderReminderComment (result: CheckResult, outageSince: string, actionId: string, redact: Redactor, flaps = 0): string {
  return fitBody(redact([
    actionMarker(actionId),
    `**Still unhealthy** at ${utc(result.checkedAt)}, for ${formatDuration(result.checkedAt.getTime() - Date.parse(outageSince))} now (since ${utc(outageSince)}).`,
    ...flappingLine(flaps),
    '', failureList(result.failures, result.paths)
  ].join('\n')))
}

/** Comment posted just before the issue is closed on recovery. */
export function renderRecoveryComment (result: CheckResult, recoveredAt: string, outageMs: number, actionId: string, redact: Redactor): string {
  return redact([
    actionMarker(actionId),
    `**Recovered.** ${result.environment} answered ${result.status} at **${utc(recoveredAt)}**.`,
    '',
    `- **Time of recovery (UTC):** ${utc(recoveredAt)}`,
    `- **Outage length:** ${formatDuration(outageMs)}`,
    '', 'Closing this issue.'
  ].join('\n'))
}

/** Comment posted before closing the issue of an environment that is no longer monitored. */
export function renderRetiredComment (environment: string, at: string, actionId: string, redact: Redactor): string {
  return redact([
    actionMarker(actionId),
    `**Monitoring stopped.** \`${environment}\` is no longer in Vigil's configuration (${utc(at)}), so this incident can no longer be followed.`,
    '', 'Closing this issue. If the environment still exists and is still failing, add it back to the monitor file.'
  ].join('\n'))
}

/** Comment on an issue left open by an earlier incident when a new outage begins (instead of a new issue). */
export function renderFailingAgainComment (result: CheckResult, actionId: string, redact: Redactor): string {
  return fitBody(redact([
    actionMarker(actionId),
    `**Failing again** at **${utc(result.checkedAt)}**: a new outage began while this issue was still open.`,
    '', '**Now failing:**', failureList(result.failures, result.paths),
    '', '### Attempts', attemptTable(result)
  ].join('\n')))
}

// ── Railway deploy events (railway/deploy-events.ts): the event, the verification, the rollback ──

/** One line saying what Railway reported and what Vigil did about it. */
function deployHeadline (deploy: DeployNote): string {
  const { event, verification, rollback } = deploy
  if (verification?.of === 'rollback') return `the rolled-back deployment ${verification.healthy ? 'verified healthy' : 'never verified healthy either'}`
  if (verification !== undefined) {
    const verdict = verification.healthy ? 'verified healthy' : `never verified healthy in ${verification.attempts.length} tries`
    return `deployment \`${event.deploymentId}\` ${verdict}${rollback?.outcome === 'requested' ? ', rolled back automatically' : ''}`
  }
  return `\`${event.type}\` for deployment \`${event.deploymentId}\``
}

/** The deploy-event section of an issue or comment; nothing for a result without a deploy event. */
function deploySection (deploy: DeployNote | undefined): string[] {
  if (deploy === undefined) return []
  const { event, verification, rollback } = deploy
  const commit = event.commitHash === undefined ? undefined : `\`${event.commitHash.slice(0, 12)}\`${event.branch === undefined ? '' : ` on \`${cell(event.branch)}\``}`
  const lines = [
    '', '### Railway deploy event',
    `- **Event:** \`${cell(event.type)}\` at ${utc(event.timestamp)}${event.status === undefined ? '' : ` (status ${cell(event.status)})`}`,
    `- **Deployment:** \`${cell(event.deploymentId)}\`${event.service === undefined ? '' : ` of service \`${cell(event.service)}\``}`,
    ...(commit === undefined ? [] : [`- **Commit:** ${commit}`]),
    ...(event.commitAuthor === undefined ? [] : [`- **Author:** ${cell(event.commitAuthor)}`]),
    ...(event.commitMessage === undefined ? [] : [`- **Message:** ${cell(event.commitMessage)}`])
  ]
  if (verification !== undefined) {
    const subject = verification.of === 'rollback' ? 'The rolled-back deployment' : 'The new deployment'
    lines.push('', `**Verification:** ${subject} was checked ${verification.attempts.length} time${verification.attempts.length === 1 ? '' : 's'}, ${verification.delayMs / 1000} s apart: ${verification.healthy ? 'healthy' : 'never healthy'}.`, '',
      '| try | checked | status | HTTP status | response time | what failed |', '| --- | --- | --- | --- | --- | --- |',
      ...capped(verification.attempts.map((a, i) => `| ${i + 1} | ${utc(a.checkedAt)} | ${a.status} | ${orDash(a.httpStatus)} | ${orDash(a.responseTimeMs, ' ms')} | ${cell(a.failures.join('; '))} |`), (n) => `| … and ${n} more | | | | | |`))
  }
  if (rollback !== undefined) {
    lines.push('', rollback.outcome === 'requested'
      ? `**Automatic rollback:** Vigil asked Railway to roll back to deployment \`${cell(rollback.toDeploymentId ?? '?')}\` (\`auto_rollback: true\`), once, and verifies it when Railway reports it deployed.`
      : `**Automatic rollback not done:** ${cell(rollback.reason ?? rollback.outcome)}. Roll back by hand (see the action items).`)
  }
  return lines
}
