import type { IssueRef } from '../state/types.js'
import type { VigilOctokit } from './github-client.js'
import { DEFAULT_INCIDENT_LABELS, environmentMarker } from './render.js'
import type { IncidentTracker } from './tracker.js'

export interface GithubTrackerOptions {
  readonly octokit: VigilOctokit
  /** `owner/name`. */
  readonly repository: string
  /** `github.labels`; the first one narrows the search for open incident issues. */
  readonly labels?: readonly string[]
  /** Further tries of a write that failed in a way that may have left it done (5xx, timeout). Default 3. */
  readonly retries?: number
  /** Unit of the backoff between those tries; 1000 = seconds. Tests pass 1. */
  readonly retryDelayUnitMs?: number
}

interface IssueLike {
  readonly number: number
  readonly html_url: string
  readonly created_at: string
  readonly body?: string | null
  readonly pull_request?: unknown
}

const toRef = (issue: IssueLike): IssueRef => ({ number: issue.number, url: issue.html_url, openedAt: new Date(issue.created_at).toISOString() })

/** Splits `owner/name`; anything else is a configuration error. */
export function parseRepository (repository: string): { owner: string, repo: string } {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(repository.trim())
  if (match === null) throw new Error(`GitHub repository must be owner/name, got ${JSON.stringify(repository)}`)
  return { owner: match[1]!, repo: match[2]! }
}

// Writes are not retried by the plugin: a POST that timed out may have been done, so it is checked first.
const NO_PLUGIN_RETRY = { request: { retries: 0 } }

const mayBeRetried = (error: unknown): boolean => {
  const status = (error as { status?: unknown }).status
  return typeof status !== 'number' || status >= 500
}

/** Incident issues on GitHub through Octokit. Errors propagate: the sink keeps the action pending. */
export function createGithubTracker (options: GithubTrackerOptions) {
  const { octokit } = options
  const repo = parseRepository(options.repository)
  const searchLabel = (options.labels ?? DEFAULT_INCIDENT_LABELS)[0]
  const retries = options.retries ?? 3
  const unit = options.retryDelayUnitMs ?? 1000

  /** Runs a write, and before each retry asks whether the failed try took effect after all. */
  async function write<T> (perform: () => Promise<T>, alreadyDone: () => Promise<T | null>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        const done = await alreadyDone()
        if (done !== null) return done
      }
      try {
        return await perform()
      } catch (error) {
        if (attempt >= retries || !mayBeRetried(error)) throw error
        await new Promise((resolve) => setTimeout(resolve, unit * (attempt + 1) ** 2))
      }
    }
  }

  const tracker: IncidentTracker = {
    async findOpen (environment) {
      const marker = environmentMarker(environment)
      const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
        ...repo,
        state: 'open',
        ...(searchLabel === undefined ? {} : { labels: searchLabel }),
        sort: 'created',
        direction: 'asc',
        per_page: 100
      })
      const mine = issues.filter((i) => i.pull_request === undefined && (i.body ?? '').includes(marker))
      return mine.length === 0 ? null : toRef(mine.reduce((a, b) => (a.number <= b.number ? a : b)))
    },
    async open (environment, title, body, labels) {
      return await write(
        async () => toRef((await octokit.rest.issues.create({ ...repo, title, body, labels: [...labels], ...NO_PLUGIN_RETRY })).data),
        async () => await tracker.findOpen(environment)
      )
    },
    async comment (issue, body) {
      const marker = /<!-- vigil:action=[^ ]+ -->/.exec(body)?.[0]
      await write(
        async () => { await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body, ...NO_PLUGIN_RETRY }) },
        async () => (marker !== undefined && await tracker.hasComment(issue, marker) ? undefined : null)
      )
    },
    async hasComment (issue, marker) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 })
      return comments.some((c) => (c.body ?? '').includes(marker))
    },
    async close (issue) {
      await octokit.rest.issues.update({ ...repo, issue_number: issue, state: 'closed', state_reason: 'completed' })
    }
  }
  return tracker
}
