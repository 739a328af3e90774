import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { commentJson, issueJson, privateUserJson, repositoryJson, type StoredIssue } from './github-fixtures.js'
import { openApiValidator, type MatchedOperation } from './openapi-validator.js'

/** How the stand-in misbehaves on demand. */
export type FailureMode =
  | 'server-error' | 'hang' | 'secondary-rate-limit' | 'too-many-requests' | 'primary-rate-limit' | 'lost-answer'
  | 'unauthorized' | 'forbidden' | 'bad-gateway' | 'locked'

/** Details of a failure: `retryAfterSeconds` (default 1) for the rate-limit modes. */
export interface FailureOptions { retryAfterSeconds?: number }

/** One request as it arrived; `at` is its arrival time in ms (Date.now()). */
export interface RecordedRequest { method: string, path: string, operationId: string, body: unknown, authorization: string | undefined, at: number }

/** How the stand-in's account stands: its login (default `vigil-bot`), and whether it may label (triage rights, default true). */
export interface StandInOptions { login?: string, canLabel?: boolean }

export interface GithubStandIn {
  /** Base URL to pass as GITHUB_API_URL. */
  readonly url: string
  readonly repository: string
  /** The token's account. */
  readonly login: string
  /** Issues of the repository; deleted and transferred ones leave it. */
  readonly issues: StoredIssue[]
  /** Every way a request or response departed from GitHub's description; should stay empty. */
  readonly violations: string[]
  readonly requests: RecordedRequest[]
  /** Fail the next `count` requests. */
  failNext: (count: number, mode: FailureMode, options?: FailureOptions) => void
  /** Fail every request until called with null. */
  failAll: (mode: FailureMode | null, options?: FailureOptions) => void
  /** Fail every request `matches` picks (say, every comment) with `mode`, until called with null. */
  failWhen: (matches: ((request: RecordedRequest) => boolean) | null, mode: FailureMode) => void
  /** An issue that already exists (left by an earlier process, say); `author` defaults to the stand-in's login. */
  seedIssue: (issue: { title: string, body: string, labels: string[], createdAt?: string, author?: string }) => StoredIssue
  /** Delete an issue: from then on every request on its number answers 410. */
  deleteIssue: (number: number) => void
  /** Transfer an issue to another repository: from then on every request on its number answers 404. */
  transferIssue: (number: number) => void
  /** Hide from `issues/list-for-repo` the issues created less than `ms` ago (GitHub's search index lag). */
  setListingLag: (ms: number) => void
  close: () => Promise<void>
}

const LOST = { writeHead: () => LOST, end: () => LOST } as unknown as ServerResponse

/** The limit GitHub puts on issue and comment bodies, in characters. */
export const MAX_BODY = 65_536

const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
const RATE_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'
const UNICORN = '<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n    <title>Unicorn! &middot; GitHub</title>\n  </head>\n  <body>\n    <div class="container">\n      <p><strong>We couldn\'t respond to your request in time.</strong></p>\n      <p>Sorry about that. Please try refreshing and contact us if the problem persists.</p>\n    </div>\n  </body>\n</html>\n'
const BODY_DOCS: Record<string, string> = {
  'issues/create': 'https://docs.github.com/rest/issues/issues#create-an-issue',
  'issues/update': 'https://docs.github.com/rest/issues/issues#update-an-issue',
  'issues/create-comment': 'https://docs.github.com/rest/issues/comments#create-an-issue-comment'
}

// Labels may be given as names or as objects with a name.
const labelNames = (labels: unknown): string[] =>
  Array.isArray(labels) ? labels.map((l) => String(typeof l === 'object' && l !== null ? (l as { name?: unknown }).name : l)) : []

async function readJson (req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/** A local GitHub REST API holding issues and comments in memory, checked against the description. */
export async function startGithubStandIn (repository = 'acme/platform', options: StandInOptions = {}): Promise<GithubStandIn> {
  const login = options.login ?? 'vigil-bot'
  const canLabel = options.canLabel ?? true
  const validator = openApiValidator()
  const issues: StoredIssue[] = []
  const gone = new Map<number, 'deleted' | 'transferred'>()
  const violations: string[] = []
  const requests: RecordedRequest[] = []
  let failures: Array<{ mode: FailureMode, options: FailureOptions }> = []
  let failingAll: { mode: FailureMode, options: FailureOptions } | null = null
  let failingWhen: { matches: (request: RecordedRequest) => boolean, mode: FailureMode } | null = null
  let listingLagMs = 0
  let nextIssueNumber = 1
  let nextCommentId = 1
  let api = ''
  const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

  function send (res: ServerResponse, op: MatchedOperation | undefined, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (op !== undefined && status >= 200 && status < 300) {
      for (const v of validator.checkResponse(op, status, body)) violations.push(`${op.operationId}: ${v}`)
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': `REQ-${requests.length}`, ...headers })
    res.end(JSON.stringify(body))
  }

  function fail (res: ServerResponse, mode: FailureMode, { retryAfterSeconds = 1 }: FailureOptions): void {
    switch (mode) {
      case 'hang': return // never answers: the client's timeout has to fire
      case 'server-error': return send(res, undefined, 500, { message: 'Server Error' })
      case 'unauthorized': return send(res, undefined, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
      case 'forbidden': return send(res, undefined, 403, { message: 'Resource not accessible by personal access token' })
      // What a comment on a locked issue meets from an account that may not comment there.
      case 'locked': return send(res, undefined, 422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Unable to create comment because issue is locked.' }], documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment', status: '422' })
      case 'bad-gateway':
        res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' })
        return void res.end(UNICORN)
      case 'primary-rate-limit': {
        const reset = Math.ceil(Date.now() / 1000) + retryAfterSeconds
        const headers = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' }
        return send(res, undefined, 403, { message: 'API rate limit exceeded for user ID 1.', documentation_url: RATE_DOCS, status: '403' }, headers)
      }
      case 'secondary-rate-limit':
      case 'too-many-requests': {
        const status = mode === 'secondary-rate-limit' ? 403 : 429
        return send(res, undefined, status, { message: SECONDARY, documentation_url: RATE_DOCS }, { 'retry-after': String(retryAfterSeconds) })
      }
      case 'lost-answer': throw new Error('lost-answer is handled by performing the request')
    }
  }

  /** GitHub's 422 for a body over the limit, or undefined when it fits. */
  function tooLong (op: MatchedOperation, body: unknown): object | undefined {
    if (BODY_DOCS[op.operationId] === undefined || typeof body !== 'string' || body.length <= MAX_BODY) return undefined
    const resource = op.operationId === 'issues/create-comment' ? 'IssueComment' : 'Issue'
    const errors = [{ resource, code: 'custom', field: 'body', message: `body is too long (maximum is ${MAX_BODY} characters)` }]
    return { message: 'Validation Failed', errors, documentation_url: BODY_DOCS[op.operationId], status: '422' }
  }

  function perform (op: MatchedOperation, query: URLSearchParams, body: Record<string, unknown>, res: ServerResponse, base: string): void {
    const number = Number(op.pathParams.issue_number)
    const issue = issues.find((i) => i.number === number)
    const json = (i: StoredIssue): object => issueJson(api, repository, i, login)
    if (op.pathParams.issue_number !== undefined && issue === undefined) {
      return gone.get(number) === 'deleted' ? send(res, undefined, 410, { message: 'This issue was deleted' }) : send(res, undefined, 404, { message: 'Not Found' })
    }
    const invalid = tooLong(op, body.body)
    if (invalid !== undefined) return send(res, undefined, 422, invalid)
    switch (op.operationId) {
      case 'users/get-authenticated':
        return send(res, op, 200, privateUserJson(api, login))
      case 'repos/get':
        return send(res, op, 200, repositoryJson(api, repository, login, { push: canLabel, triage: canLabel }, issues.filter((i) => i.state === 'open').length))
      case 'issues/list-for-repo': {
        const state = query.get('state') ?? 'open'
        const labels = (query.get('labels') ?? '').split(',').filter((l) => l !== '')
        const creator = query.get('creator')?.toLowerCase()
        const desc = (query.get('direction') ?? 'desc') === 'desc'
        const indexedBefore = Date.now() - listingLagMs
        const matching = issues
          .filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)))
          .filter((i) => (creator === undefined || i.author.toLowerCase() === creator) && i.createdAtMs <= indexedBefore)
          .sort((a, b) => (desc ? b.number - a.number : a.number - b.number))
        const perPage = Number(query.get('per_page') ?? 30)
        const page = Number(query.get('page') ?? 1)
        const slice = matching.slice((page - 1) * perPage, page * perPage)
        const next = new URLSearchParams(query)
        next.set('page', String(page + 1))
        const link: Record<string, string> = page * perPage < matching.length ? { link: `<${base}?${next.toString()}>; rel="next"` } : {}
        return send(res, op, 200, slice.map(json), link)
      }
      case 'issues/create': {
        // Without push or triage access GitHub drops labels silently instead of refusing the issue.
        const labels = canLabel ? labelNames(body.labels) : []
        const created = store({ title: String(body.title), body: String(body.body ?? ''), labels, author: login })
        return send(res, op, 201, json(created))
      }
      case 'issues/get':
        return send(res, op, 200, json(issue!))
      case 'issues/update': {
        const target = issue!
        if (typeof body.title === 'string') target.title = body.title
        if (typeof body.body === 'string') target.body = body.body
        if (Array.isArray(body.labels) && canLabel) target.labels = labelNames(body.labels)
        if (body.state === 'closed' && target.state === 'open') { target.state = 'closed'; target.closedAt = now(); target.stateReason = String(body.state_reason ?? 'completed') }
        if (body.state === 'open' && target.state === 'closed') { target.state = 'open'; target.closedAt = null; target.stateReason = 'reopened' }
        target.updatedAt = now()
        return send(res, op, 200, json(target))
      }
      case 'issues/list-comments':
        return send(res, op, 200, issue!.comments.map((c) => commentJson(api, repository, number, c, login)))
      case 'issues/create-comment': {
        const comment = { id: nextCommentId++, body: String(body.body), createdAt: now(), author: login }
        issue!.comments.push(comment)
        issue!.updatedAt = now()
        return send(res, op, 201, commentJson(api, repository, number, comment, login))
      }
      default:
        violations.push(`${op.operationId}: not implemented by the stand-in`)
        return send(res, undefined, 501, { message: 'Not implemented by the stand-in' })
    }
  }

  function store ({ title, body, labels, author, createdAt }: { title: string, body: string, labels: string[], author: string, createdAt?: string }): StoredIssue {
    const at = createdAt ?? now()
    const issue: StoredIssue = {
      number: nextIssueNumber++, title, body, labels, state: 'open', stateReason: null,
      createdAt: at, createdAtMs: Date.now(), updatedAt: at, closedAt: null, author, comments: []
    }
    issues.push(issue)
    return issue
  }

  function remove (number: number, how: 'deleted' | 'transferred'): void {
    const index = issues.findIndex((i) => i.number === number)
    if (index < 0) throw new Error(`no issue #${number} to mark ${how}`)
    issues.splice(index, 1)
    gone.set(number, how)
  }

  const server = createServer((req, res) => {
    const at = Date.now()
    readJson(req).then((body) => {
      const url = new URL(req.url ?? '/', api)
      const method = req.method ?? 'GET'
      const op = validator.match(method, url.pathname)
      requests.push({ method, path: url.pathname + url.search, operationId: op?.operationId ?? '?', body, authorization: req.headers.authorization, at })
      if (op === undefined) {
        violations.push(`${method} ${url.pathname}: no such operation in GitHub's description`)
        return send(res, undefined, 404, { message: 'Not Found' })
      }
      const problems = validator.checkRequest(op, url.searchParams, body)
      if (problems.length > 0) {
        violations.push(...problems.map((p) => `${op.operationId}: ${p}`))
        return send(res, undefined, 422, { message: 'Validation Failed', errors: problems })
      }
      if (op.pathParams.owner !== undefined && `${op.pathParams.owner}/${op.pathParams.repo}` !== repository) return send(res, undefined, 404, { message: 'Not Found' })
      const recorded = requests[requests.length - 1]!
      const failure = (failingWhen?.matches(recorded) === true ? { mode: failingWhen.mode, options: {} } : undefined) ?? failures.shift() ?? failingAll
      const args = [op, url.searchParams, (body ?? {}) as Record<string, unknown>] as const
      // Done, but the answer never arrives: what a timed-out write looks like from the client.
      if (failure?.mode === 'lost-answer') return perform(...args, LOST, `${api}${url.pathname}`)
      if (failure !== null) return fail(res, failure.mode, failure.options)
      perform(...args, res, `${api}${url.pathname}`)
    }).catch((error: unknown) => {
      violations.push(`unreadable request: ${String(error)}`)
      send(res, undefined, 400, { message: 'Problems parsing JSON' })
    })
  })
  // Compiled up front: compiling on the first request would stall the test's event loop past client timeouts.
  const compiled = [
    ['GET', '/repos/o/r/issues', 200], ['POST', '/repos/o/r/issues', 201], ['GET', '/repos/o/r/issues/1', 200], ['PATCH', '/repos/o/r/issues/1', 200],
    ['GET', '/repos/o/r/issues/1/comments', 200], ['POST', '/repos/o/r/issues/1/comments', 201], ['GET', '/user', 200], ['GET', '/repos/o/r', 200]
  ] as const
  for (const [method, path, status] of compiled) validator.checkResponse(validator.match(method, path)!, status, null)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: api,
    repository,
    login,
    issues,
    violations,
    requests,
    failNext: (count, mode, options = {}) => { failures = [...failures, ...Array.from({ length: count }, () => ({ mode, options }))] },
    failAll: (mode, options = {}) => { failingAll = mode === null ? null : { mode, options } },
    failWhen: (matches, mode) => { failingWhen = matches === null ? null : { matches, mode } },
    seedIssue: ({ title, body, labels, createdAt, author = login }) => store({ title, body, labels, createdAt, author }),
    deleteIssue: (number) => { remove(number, 'deleted') },
    transferIssue: (number) => { remove(number, 'transferred') },
    setListingLag: (ms) => { listingLagMs = ms },
    close: async () => {
      // Also ends connections left hanging by the 'hang' mode.
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
