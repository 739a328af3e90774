import { DeliveryError, type Channel, type ChannelMemory, type ChannelVerdict, type IncidentEvent, type OpenIncident, type OutboxEntry } from '../delivery/types.js'
import { resultOf } from '../delivery/snapshot.js'
import type { Redactor } from '../redact.js'
import type { VigilOctokit } from './github-client.js'
import { classifyGithubError, isGone } from './github-errors.js'
import {
  actionMarker, DEFAULT_INCIDENT_LABELS, incidentLabels, incidentTitle,
  renderChangeComment, renderFailingAgainComment, renderIssueBody, renderRecoveryComment, renderReminderComment, renderRetiredComment
} from './github-render.js'

/** What the GitHub channel remembers per environment: the incident's open issue. */
export interface HeldIssue {
  readonly number: number
  /** The issue's page (html_url), shown in the report. */
  readonly url: string
  /** ISO time the issue was opened. */
  readonly openedAt: string
  readonly incidentId: string
}

export interface GithubChannelOptions {
  readonly octokit: VigilOctokit
  /** `owner/name`. */
  readonly repository: string
  /** `github.labels` (default `deployment-alert`). */
  readonly labels?: readonly string[]
  /** Each environment's own labels. */
  readonly environmentLabels?: (environment: string) => readonly string[]
  readonly redact: Redactor
  /** Railway deployment context (Markdown) for an environment's issue and change comments; waits ~2 s at most (railway/incident-context.ts). */
  readonly deploymentContextOf?: ((environment: string) => Promise<string | undefined>) | undefined
}

interface IssueLike {
  readonly number: number
  readonly html_url: string
  readonly created_at: string
  readonly body?: string | null
  readonly pull_request?: unknown
  readonly user?: { readonly login: string } | null
}

const MARKER = /<!-- vigil:environment=(.+?) -->/
/** An open issue created this long before an outage began is an earlier incident's (clock skew aside). */
const EARLIER_INCIDENT_SLACK_MS = 60_000

/** Splits `owner/name`; anything else is a configuration error. */
export function parseRepository (repository: string): { owner: string, repo: string } {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(repository.trim())
  if (match === null) throw new Error(`GitHub repository must be owner/name, got ${JSON.stringify(repository)}`)
  return { owner: match[1]!, repo: match[2]! }
}

// Writes are never retried inside Octokit: one whose answer was lost may have happened, so the
// delivery worker retries later and the channel checks first.
const NO_PLUGIN_RETRY = { request: { retries: 0 } }

/**
 * GitHub issues as the incident record: `opened` files one issue (or adopts Vigil's own open one by
 * its marker), `changed`/`reminder` comment on it, `resolved`/`retired` comment and close every open
 * issue of Vigil's own account that carries the environment's marker. Only issues opened by the
 * token's own account (GET /user) are ever adopted, found by author and marker, never by label
 * (a token without triage rights has its labels dropped). A comment carries the outbox entry's id
 * as a hidden marker, so a retried comment is looked for before it is posted again.
 */
export function createGithubChannel (options: GithubChannelOptions): Channel<HeldIssue> {
  const { octokit, redact } = options
  const repo = parseRepository(options.repository)
  let login: string | undefined

  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (error) {
      throw isGone(error) ? error : classifyGithubError(error, operation)
    }
  }

  const whoAmI = async (): Promise<string> => {
    login ??= (await call('get_user', async () => await octokit.rest.users.getAuthenticated())).data.login
    return login
  }

  const held = (issue: IssueLike, incidentId: string): HeldIssue =>
    ({ number: issue.number, url: issue.html_url, openedAt: new Date(issue.created_at).toISOString(), incidentId })

  /** Vigil's own open incident issues, oldest first, with the environment each is for. */
  async function ownOpenIssues (): Promise<Array<{ environment: string, issue: IssueLike }>> {
    const me = await whoAmI()
    const issues = await call('list_issues', async () => await octokit.paginate(octokit.rest.issues.listForRepo, {
      ...repo, state: 'open', creator: me, sort: 'created', direction: 'asc', per_page: 100
    }))
    return issues
      .filter((i) => i.pull_request === undefined && i.user?.login === me)
      .flatMap((issue) => {
        const environment = MARKER.exec(issue.body ?? '')?.[1]
        return environment === undefined ? [] : [{ environment, issue }]
      })
  }

  const ownOpenFor = async (environment: string): Promise<IssueLike[]> =>
    (await ownOpenIssues()).filter((i) => i.environment === environment).map((i) => i.issue)

  // Best effort: no context rather than no incident.
  const contextOf = async (environment: string): Promise<string | undefined> =>
    await options.deploymentContextOf?.(environment).catch(() => undefined)

  async function create (event: IncidentEvent, memory: ChannelMemory<HeldIssue>): Promise<void> {
    if (event.result === null) return
    const labels = incidentLabels(event.environment, options.environmentLabels?.(event.environment) ?? [], options.labels ?? DEFAULT_INCIDENT_LABELS)
    const context = await contextOf(event.environment)
    const { data } = await call('create_issue', async () => await octokit.rest.issues.create({
      ...repo, title: incidentTitle(event.environment, event.result?.deploy), body: renderIssueBody(resultOf(event.result!), redact, context), labels, ...NO_PLUGIN_RETRY
    }))
    login ??= data.user?.login
    await memory.set(event.environment, held(data, event.incidentId))
  }

  async function hasComment (issue: number, marker: string): Promise<boolean> {
    const comments = await call('list_comments', async () => await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 }))
    return comments.some((c) => (c.body ?? '').includes(marker))
  }

  async function comment (issue: number, body: string, entry: OutboxEntry, maybeDone: boolean): Promise<void> {
    if (maybeDone && await hasComment(issue, actionMarker(entry.id))) return
    await call('create_comment', async () => await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body, ...NO_PLUGIN_RETRY }))
  }

  async function open (entry: OutboxEntry, memory: ChannelMemory<HeldIssue>, maybeDone: boolean): Promise<void> {
    const event = entry.event
    const current = await memory.get(event.environment)
    if (current?.incidentId === event.incidentId) return
    // Adopting by marker is also what keeps a create whose answer was lost from being repeated.
    const existing = (await ownOpenFor(event.environment))[0]
    if (existing !== undefined) {
      // An issue opened before this outage began belongs to an earlier incident whose close did not
      // happen: it carries the new one, and people are told, as they would be by a new issue.
      if (Date.parse(existing.created_at) < Date.parse(event.outageSince) - EARLIER_INCIDENT_SLACK_MS && event.result !== null) {
        await comment(existing.number, renderFailingAgainComment(resultOf(event.result), entry.id, redact), entry, maybeDone)
      }
      await memory.set(event.environment, held(existing, event.incidentId))
      return
    }
    await create(event, memory)
  }

  async function update (entry: OutboxEntry, memory: ChannelMemory<HeldIssue>, maybeDone: boolean): Promise<void> {
    const event = entry.event
    const result = resultOf(event.result!)
    const body = event.kind === 'changed'
      ? renderChangeComment(result, event.previousFailures ?? [], entry.id, redact, event.flaps, await contextOf(event.environment))
      : renderReminderComment(result, event.outageSince, entry.id, redact, event.flaps)
    const known = await memory.get(event.environment)
    let issue = known
    if (issue === undefined) {
      const found = (await ownOpenFor(event.environment))[0]
      if (found !== undefined) issue = held(found, event.incidentId)
    }
    if (issue !== undefined) {
      try {
        await comment(issue.number, body, entry, maybeDone)
        if (known === undefined) await memory.set(event.environment, issue)
        return
      } catch (error) {
        if (!isGone(error)) throw error
      }
    }
    // The incident goes on but its issue is gone (deleted, transferred, closed by someone): a new one.
    await memory.set(event.environment, undefined)
    await create(event, memory)
  }

  async function close (entry: OutboxEntry, memory: ChannelMemory<HeldIssue>, maybeDone: boolean): Promise<void> {
    const event = entry.event
    const known = await memory.get(event.environment)
    const numbers = new Set((await ownOpenFor(event.environment)).map((i) => i.number))
    if (known !== undefined) numbers.add(known.number)
    const body = event.kind === 'retired' || event.result === null
      ? renderRetiredComment(event.environment, event.decidedAt, entry.id, redact)
      : renderRecoveryComment(resultOf(event.result), event.recoveredAt ?? event.decidedAt, event.outageMs ?? 0, entry.id, redact)
    // A comment GitHub refuses for good (a locked issue, say) never keeps the issue open: it is
    // closed all the same, and the refusal is reported as this delivery's failure afterwards.
    let refused: unknown
    for (const number of [...numbers].sort((a, b) => a - b)) {
      try {
        await comment(number, body, entry, maybeDone).catch((error: unknown) => {
          if (isGone(error) || classifyGithubError(error, 'create_comment').failure !== 'permanent') throw error
          refused ??= error
        })
        await call('update_issue', async () => await octokit.rest.issues.update({ ...repo, issue_number: number, state: 'closed', state_reason: 'completed', ...NO_PLUGIN_RETRY }))
      } catch (error) {
        if (!isGone(error)) throw error
      }
    }
    await memory.set(event.environment, undefined)
    if (refused !== undefined) {
      const reason = classifyGithubError(refused, 'create_comment')
      throw new DeliveryError('permanent', `${reason.message}; the issue was closed without the comment`, { cause: refused })
    }
  }

  return {
    name: 'github',
    async deliver (entry, memory, maybeDone) {
      try {
        switch (entry.event.kind) {
          case 'opened': return await open(entry, memory, maybeDone)
          case 'changed':
          case 'reminder': return await update(entry, memory, maybeDone)
          case 'resolved':
          case 'retired': return await close(entry, memory, maybeDone)
        }
      } catch (error) {
        throw classifyGithubError(error, entry.event.kind)
      }
    },
    async verify (): Promise<ChannelVerdict> {
      const where = `${repo.owner}/${repo.repo}`
      try {
        // Not retried here: the worker asks again with its own backoff, and says meanwhile that
        // GitHub gives no answer (channel-health.ts), rather than waiting out three retries first.
        login ??= (await octokit.rest.users.getAuthenticated(NO_PLUGIN_RETRY)).data.login
        const me = login
        const { data } = await octokit.rest.repos.get({ ...repo, ...NO_PLUGIN_RETRY })
        const canLabel = data.permissions?.triage === true || data.permissions?.push === true
        return { ok: true, message: `access to ${where} verified as ${me}${canLabel ? '' : ' (no triage rights: labels will be dropped; issues are found by author and marker)'}` }
      } catch (error) {
        const status = (error as { status?: unknown }).status
        if (status === 401) return { ok: false, message: 'GitHub refused the token (HTTP 401): check GITHUB_TOKEN' }
        if (status === 404) return { ok: false, message: `repository ${where} not found or not visible to the token (HTTP 404): check GITHUB_REPOSITORY and the token's access` }
        const failure = classifyGithubError(error, 'verify')
        // No answer, 5xx or a rate limit says nothing about the token: the worker asks again later.
        if (failure.failure !== 'permanent') throw failure
        return { ok: false, message: `could not verify access to ${where}: ${failure.message}` }
      }
    },
    async openIncidents (): Promise<Array<OpenIncident<HeldIssue>>> {
      const seen = new Map<string, OpenIncident<HeldIssue>>()
      for (const { environment, issue } of await ownOpenIssues()) {
        const openedAt = new Date(issue.created_at).toISOString()
        if (!seen.has(environment)) seen.set(environment, { environment, openedAt, held: held(issue, `${environment}@${openedAt}`) })
      }
      return [...seen.values()]
    },
    link: (issue) => ({ issue_url: issue.url, opened_at: issue.openedAt })
  }
}
