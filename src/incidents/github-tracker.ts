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

/** Incident issues on GitHub through Octokit. Errors propagate: the sink keeps the action pending. */
export function createGithubTracker (options: GithubTrackerOptions) {
  const { octokit } = options
  const repo = parseRepository(options.repository)
  const searchLabel = (options.labels ?? DEFAULT_INCIDENT_LABELS)[0]

  return {
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
    async open (_environment, title, body, labels) {
      const { data } = await octokit.rest.issues.create({ ...repo, title, body, labels: [...labels] })
      return toRef(data)
    },
    async comment (issue, body) {
      await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body })
    },
    async hasComment (issue, marker) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 })
      return comments.some((c) => (c.body ?? '').includes(marker))
    },
    async close (issue) {
      await octokit.rest.issues.update({ ...repo, issue_number: issue, state: 'closed', state_reason: 'completed' })
    }
  } satisfies IncidentTracker
}
