import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { commentJson, issueJson, type StoredIssue } from './github-fixtures.js'
import { openApiValidator, type MatchedOperation } from './openapi-validator.js'

/** How the stand-in misbehaves on demand. */
export type FailureMode = 'server-error' | 'hang' | 'secondary-rate-limit' | 'too-many-requests' | 'lost-answer'

export interface RecordedRequest { method: string, path: string, operationId: string, body: unknown, authorization: string | undefined }

export interface GithubStandIn {
  /** Base URL to pass as GITHUB_API_URL. */
  readonly url: string
  readonly repository: string
  readonly issues: StoredIssue[]
  /** Every way a request or response departed from GitHub's description; should stay empty. */
  readonly violations: string[]
  readonly requests: RecordedRequest[]
  /** Fail the next `count` requests. */
  failNext: (count: number, mode: FailureMode) => void
  /** Fail every request until called with null. */
  failAll: (mode: FailureMode | null) => void
  /** An issue that already exists (left by an earlier process, say). */
  seedIssue: (issue: { title: string, body: string, labels: string[], createdAt?: string }) => StoredIssue
  close: () => Promise<void>
}

const LOST = { writeHead: () => LOST, end: () => LOST } as unknown as ServerResponse

const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'

async function readJson (req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/** A local GitHub REST API holding issues and comments in memory, checked against the description. */
export async function startGithubStandIn (repository = 'acme/platform'): Promise<GithubStandIn> {
  const validator = openApiValidator()
  const issues: StoredIssue[] = []
  const violations: string[] = []
  const requests: RecordedRequest[] = []
  let failures: Array<FailureMode> = []
  let failingAll: FailureMode | null = null
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

  function fail (res: ServerResponse, mode: FailureMode): void {
    if (mode === 'hang') return // never answers: the client's timeout has to fire
    if (mode === 'server-error') return send(res, undefined, 500, { message: 'Server Error' })
    const status = mode === 'secondary-rate-limit' ? 403 : 429
    send(res, undefined, status, { message: SECONDARY, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, { 'retry-after': '1' })
  }

  function perform (op: MatchedOperation, query: URLSearchParams, body: Record<string, unknown>, res: ServerResponse, base: string): void {
    const find = (): StoredIssue | undefined => issues.find((i) => i.number === Number(op.pathParams.issue_number))
    switch (op.operationId) {
      case 'issues/list-for-repo': {
        const state = query.get('state') ?? 'open'
        const labels = (query.get('labels') ?? '').split(',').filter((l) => l !== '')
        const desc = (query.get('direction') ?? 'desc') === 'desc'
        const matching = issues
          .filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)))
          .sort((a, b) => (desc ? b.number - a.number : a.number - b.number))
        const perPage = Number(query.get('per_page') ?? 30)
        const page = Number(query.get('page') ?? 1)
        const slice = matching.slice((page - 1) * perPage, page * perPage)
        const next = new URLSearchParams(query)
        next.set('page', String(page + 1))
        const link: Record<string, string> = page * perPage < matching.length ? { link: `<${base}?${next.toString()}>; rel="next"` } : {}
        return send(res, op, 200, slice.map((i) => issueJson(api, repository, i)), link)
      }
      case 'issues/create': {
        const issue: StoredIssue = {
          number: issues.length + 1, title: String(body.title), body: String(body.body ?? ''), labels: (body.labels as string[] | undefined) ?? [],
          state: 'open', stateReason: null, createdAt: now(), updatedAt: now(), closedAt: null, comments: []
        }
        issues.push(issue)
        return send(res, op, 201, issueJson(api, repository, issue))
      }
      case 'issues/update': {
        const issue = find()
        if (issue === undefined) return send(res, undefined, 404, { message: 'Not Found' })
        if (body.state === 'closed' && issue.state === 'open') { issue.state = 'closed'; issue.closedAt = now(); issue.stateReason = String(body.state_reason ?? 'completed') }
        issue.updatedAt = now()
        return send(res, op, 200, issueJson(api, repository, issue))
      }
      case 'issues/list-comments': {
        const issue = find()
        if (issue === undefined) return send(res, undefined, 404, { message: 'Not Found' })
        return send(res, op, 200, issue.comments.map((c) => commentJson(api, repository, issue.number, c)))
      }
      case 'issues/create-comment': {
        const issue = find()
        if (issue === undefined) return send(res, undefined, 404, { message: 'Not Found' })
        const comment = { id: nextCommentId++, body: String(body.body), createdAt: now() }
        issue.comments.push(comment)
        issue.updatedAt = now()
        return send(res, op, 201, commentJson(api, repository, issue.number, comment))
      }
      default:
        violations.push(`${op.operationId}: not implemented by the stand-in`)
        return send(res, undefined, 501, { message: 'Not implemented by the stand-in' })
    }
  }

  const server = createServer((req, res) => {
    readJson(req).then((body) => {
      const url = new URL(req.url ?? '/', api)
      const method = req.method ?? 'GET'
      const op = validator.match(method, url.pathname)
      requests.push({ method, path: url.pathname + url.search, operationId: op?.operationId ?? '?', body, authorization: req.headers.authorization })
      if (op === undefined) {
        violations.push(`${method} ${url.pathname}: no such operation in GitHub's description`)
        return send(res, undefined, 404, { message: 'Not Found' })
      }
      const problems = validator.checkRequest(op, url.searchParams, body)
      if (problems.length > 0) {
        violations.push(...problems.map((p) => `${op.operationId}: ${p}`))
        return send(res, undefined, 422, { message: 'Validation Failed', errors: problems })
      }
      if (`${op.pathParams.owner}/${op.pathParams.repo}` !== repository) return send(res, undefined, 404, { message: 'Not Found' })
      const mode = failures.shift() ?? failingAll
      // Done, but the answer never arrives: what a timed-out write looks like from the client.
      if (mode === 'lost-answer') return perform(op, url.searchParams, (body ?? {}) as Record<string, unknown>, LOST, `${api}${url.pathname}`)
      if (mode !== null) return fail(res, mode)
      perform(op, url.searchParams, (body ?? {}) as Record<string, unknown>, res, `${api}${url.pathname}`)
    }).catch((error: unknown) => {
      violations.push(`unreadable request: ${String(error)}`)
      send(res, undefined, 400, { message: 'Problems parsing JSON' })
    })
  })
  // Compiled up front: compiling on the first request would stall the test's event loop past client timeouts.
  for (const [method, path, status] of [['GET', '/repos/o/r/issues', 200], ['POST', '/repos/o/r/issues', 201], ['PATCH', '/repos/o/r/issues/1', 200], ['GET', '/repos/o/r/issues/1/comments', 200], ['POST', '/repos/o/r/issues/1/comments', 201]] as const) {
    validator.checkResponse(validator.match(method, path)!, status, null)
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: api,
    repository,
    issues,
    violations,
    requests,
    failNext: (count, mode) => { failures = [...failures, ...Array<FailureMode>(count).fill(mode)] },
    failAll: (mode) => { failingAll = mode },
    seedIssue ({ title, body, labels, createdAt }) {
      const at = createdAt ?? now()
      const issue: StoredIssue = { number: issues.length + 1, title, body, labels, state: 'open', stateReason: null, createdAt: at, updatedAt: at, closedAt: null, comments: [] }
      issues.push(issue)
      return issue
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
