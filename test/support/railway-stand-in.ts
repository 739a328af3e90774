import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildClientSchema, execute, parse, validate, type DocumentNode, type GraphQLSchema, type IntrospectionQuery, type OperationDefinitionNode } from 'graphql'

/** Railway's published schema (see /work/shared/railway/README.md), shared by tests and the stand-in. */
export const RAILWAY_SCHEMA_PATH = '/work/shared/railway/public-api.introspection.json'

let schemaCache: GraphQLSchema | undefined
/** The schema built from Railway's introspection result with graphql-js (built once per process). */
export function railwaySchema (): GraphQLSchema {
  schemaCache ??= buildClientSchema((JSON.parse(readFileSync(RAILWAY_SCHEMA_PATH, 'utf8')) as { data: IntrospectionQuery }).data)
  return schemaCache
}

/** The problems graphql-js finds in `source` against Railway's schema (empty: valid). */
export function railwayDocumentProblems (source: string): string[] {
  let document: DocumentNode
  try { document = parse(source) } catch (error) { return [String((error as Error).message)] }
  return validate(railwaySchema(), document).map((e) => e.message)
}

export interface FixtureDeployment {
  id: string
  environmentId: string
  serviceId: string
  /** Railway's DeploymentStatus. */
  status: string
  createdAt: string
  canRollback: boolean
  /** What Railway keeps in `Deployment.meta` (a JSON scalar): commitHash, commitMessage, branch, commitAuthor, repo, … */
  meta: Record<string, unknown> | null
}

export interface FixtureLog { timestamp: string, message: string, severity: string }

export interface FixtureInstance {
  environmentId: string
  serviceId: string
  healthcheckPath: string | null
  /** Railway-provided domains (`*.up.railway.app`). */
  serviceDomains: string[]
  customDomains?: string[]
}

/** What the stand-in answers from; tests edit it freely between requests. */
export interface RailwayFixtures {
  project: { id: string, name: string }
  environments: Array<{ id: string, name: string }>
  services: Array<{ id: string, name: string }>
  instances: FixtureInstance[]
  deployments: FixtureDeployment[]
  /** Log lines by deployment id, oldest first. */
  logs: Record<string, FixtureLog[]>
}

/** One request the stand-in received. */
export interface RailwayRequest {
  operationName: string | undefined
  query: string
  variables: Record<string, unknown>
  headers: IncomingMessage['headers']
  at: number
}

/** How the stand-in fails on demand. */
/** `slow` is not a failure of the answer: it answers as usual after `delayMs`. */
export type RailwayFailure = 'server-error' | 'hang' | 'rate-limited' | 'graphql-error' | 'bad-gateway' | 'slow'

export interface RailwayFailureOptions {
  /** For `rate-limited`: seconds in Retry-After and until X-RateLimit-Reset (default 1). */
  retryAfterSeconds?: number
  /** For `graphql-error`: the message (default Railway's "Problem processing request"). */
  message?: string
  /** For `slow`: ms before the usual answer (default 3000). */
  delayMs?: number
}

export interface RailwayStandIn {
  /** The GraphQL endpoint, for RAILWAY_API_URL. */
  readonly url: string
  readonly fixtures: RailwayFixtures
  readonly requests: RailwayRequest[]
  /** Documents that did not validate against the schema, or requests that were not GraphQL: a test asserts this stays empty. */
  readonly violations: string[]
  /** Deployment ids `deploymentRollback` was called with. */
  readonly rollbacks: string[]
  failNext: (count: number, mode: RailwayFailure, options?: RailwayFailureOptions) => void
  failAll: (mode: RailwayFailure | null, options?: RailwayFailureOptions) => void
  /**
   * Answers the next requests of one operation (e.g. `VigilProjectServices`) in turn: `null` as
   * usual, a mode failing that way; the requests after the steps as `after` (usual by default).
   * Other operations are not affected; `script(operation, [])` ends the script.
   */
  script: (operation: string, steps: ReadonlyArray<RailwayFailure | null>, after?: RailwayFailure | null) => void
  /** Headers added to every successful answer, e.g. `{ remaining: 0, resetInSeconds: 2 }` to signal an exhausted quota. */
  setRateLimit: (limit: { remaining: number, resetInSeconds: number } | null) => void
  close: () => Promise<void>
}

export interface RailwayStandInOptions {
  /** Accepted as `Authorization: Bearer <token>` (account or team token). */
  token?: string
  /** Accepted as `Project-Access-Token: <token>` (project token); only this project is visible. */
  projectToken?: string
  fixtures?: RailwayFixtures
}

/** Two environments (production, staging) × two services (api, web) with domains, deployments and logs. */
export function railwayFixtures (): RailwayFixtures {
  const environments = [{ id: 'env-prod', name: 'production' }, { id: 'env-stg', name: 'staging' }]
  const services = [{ id: 'svc-api', name: 'api' }, { id: 'svc-web', name: 'web' }]
  const instances: FixtureInstance[] = []
  const deployments: FixtureDeployment[] = []
  const logs: Record<string, FixtureLog[]> = {}
  for (const e of environments) {
    for (const s of services) {
      const slug = `${s.name}-${e.name}`
      instances.push({ environmentId: e.id, serviceId: s.id, healthcheckPath: s.name === 'api' ? '/health' : null, serviceDomains: [`${slug}.up.railway.app`] })
      const at = (minutes: number): string => new Date(Date.UTC(2026, 10, 30, 12, minutes)).toISOString()
      const meta = (n: number): Record<string, unknown> => ({ commitHash: `${n}${'a'.repeat(39)}`.slice(0, 40), commitMessage: `Change ${n} of ${s.name}`, branch: 'main', commitAuthor: 'ada', repo: 'acme/platform' })
      deployments.push(
        { id: `dep-${slug}-1`, environmentId: e.id, serviceId: s.id, status: 'REMOVED', createdAt: at(0), canRollback: true, meta: meta(1) },
        { id: `dep-${slug}-2`, environmentId: e.id, serviceId: s.id, status: 'REMOVED', createdAt: at(10), canRollback: true, meta: meta(2) },
        { id: `dep-${slug}-3`, environmentId: e.id, serviceId: s.id, status: 'SUCCESS', createdAt: at(20), canRollback: false, meta: meta(3) }
      )
      logs[`dep-${slug}-3`] = [
        { timestamp: at(21), message: 'listening on :8080', severity: 'info' },
        { timestamp: at(22), message: 'connect ECONNREFUSED 10.0.0.5:5432', severity: 'error' }
      ]
    }
  }
  return { project: { id: 'proj-1', name: 'acme' }, environments, services, instances, deployments, logs }
}

async function readBody (req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const connection = <T>(nodes: T[]): object => ({
  edges: nodes.map((node, i) => ({ cursor: String(i), node })),
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: nodes.length > 0 ? '0' : null, endCursor: nodes.length > 0 ? String(nodes.length - 1) : null }
})

/**
 * A local Railway public GraphQL API (`/graphql/v2`): every document is parsed and validated with
 * graphql-js against Railway's published schema (an invalid one gets Railway's GraphQL error answer
 * and lands in `violations`), then executed against the same schema with the fixtures as root
 * values, so answers have exactly the shape the schema gives. Auth headers are checked as Railway
 * does (Bearer account/team token, or Project-Access-Token).
 */
export async function startRailwayStandIn (options: RailwayStandInOptions = {}): Promise<RailwayStandIn> {
  const schema = railwaySchema()
  const fixtures = options.fixtures ?? railwayFixtures()
  const requests: RailwayRequest[] = []
  const violations: string[] = []
  const rollbacks: string[] = []
  let failures: Array<{ mode: RailwayFailure, options: RailwayFailureOptions }> = []
  let failingAll: { mode: RailwayFailure, options: RailwayFailureOptions } | null = null
  const scripts = new Map<string, { steps: Array<RailwayFailure | null>, after: RailwayFailure | null }>()
  let rateLimit: { remaining: number, resetInSeconds: number } | null = null

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(body))
  }
  const graphqlError = (res: ServerResponse, message: string, code?: string): void =>
    send(res, 200, { data: null, errors: [{ message, locations: [], path: [], ...(code === undefined ? {} : { extensions: { code } }) }] })

  function fail (res: ServerResponse, mode: RailwayFailure, { retryAfterSeconds = 1, message }: RailwayFailureOptions): void {
    switch (mode) {
      case 'hang': return
      case 'server-error': return send(res, 500, { errors: [{ message: 'Internal Server Error' }] })
      case 'bad-gateway':
        res.writeHead(502, { 'content-type': 'text/html' })
        return void res.end('<html><body>502 Bad Gateway</body></html>')
      case 'graphql-error': return graphqlError(res, message ?? 'Problem processing request', 'INTERNAL_SERVER_ERROR')
      case 'rate-limited': {
        const reset = Math.ceil(Date.now() / 1000) + retryAfterSeconds
        return send(res, 429, { errors: [{ message: 'Rate limit exceeded' }] }, {
          'retry-after': String(retryAfterSeconds), 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset)
        })
      }
    }
  }

  // Objects as the schema names them; functions take the field's arguments (graphql-js's default resolver).
  const deploymentJson = (d: FixtureDeployment): object => ({
    ...d, projectId: fixtures.project.id, updatedAt: d.createdAt, statusUpdatedAt: d.createdAt, deploymentStopped: false, canRedeploy: true,
    suggestAddServiceDomain: false, instances: [], sockets: [], staticUrl: null, url: null
  })
  const byNewest = (a: FixtureDeployment, b: FixtureDeployment): number => Date.parse(b.createdAt) - Date.parse(a.createdAt)
  const instanceJson = (i: FixtureInstance): object => {
    const service = fixtures.services.find((s) => s.id === i.serviceId)
    const mine = fixtures.deployments.filter((d) => d.environmentId === i.environmentId && d.serviceId === i.serviceId).sort(byNewest)
    const domain = (name: string, custom: boolean): object => ({
      id: `dom-${name}`, domain: name, environmentId: i.environmentId, serviceId: i.serviceId, projectId: fixtures.project.id,
      targetPort: null, suffix: custom ? null : 'up.railway.app', isRailwayDomain: !custom
    })
    return {
      id: `si-${i.environmentId}-${i.serviceId}`, environmentId: i.environmentId, serviceId: i.serviceId, serviceName: service?.name ?? i.serviceId,
      healthcheckPath: i.healthcheckPath, numReplicas: 1, isUpdatable: true, watchPatterns: [],
      domains: { serviceDomains: i.serviceDomains.map((d) => domain(d, false)), customDomains: (i.customDomains ?? []).map((d) => domain(d, true)) },
      latestDeployment: mine[0] === undefined ? null : deploymentJson(mine[0]),
      activeDeployments: mine.filter((d) => d.status === 'SUCCESS').map(deploymentJson)
    }
  }
  const environmentJson = (e: { id: string, name: string }): object => ({
    ...e, projectId: fixtures.project.id, isEphemeral: false, canAccess: true,
    serviceInstances: () => connection(fixtures.instances.filter((i) => i.environmentId === e.id).map(instanceJson))
  })
  const projectJson = (): object => ({
    ...fixtures.project,
    environments: () => connection(fixtures.environments.map(environmentJson)),
    services: () => connection(fixtures.services.map((s) => ({ ...s, projectId: fixtures.project.id })))
  })
  const notFound = (what: string): Error => new Error(`${what} not found`)

  const rootValue = {
    project: ({ id }: { id: string }) => { if (id !== fixtures.project.id) throw notFound('Project'); return projectJson() },
    environment: ({ id }: { id: string }) => {
      const e = fixtures.environments.find((x) => x.id === id)
      if (e === undefined) throw notFound('Environment')
      return environmentJson(e)
    },
    serviceInstance: ({ environmentId, serviceId }: { environmentId: string, serviceId: string }) => {
      const i = fixtures.instances.find((x) => x.environmentId === environmentId && x.serviceId === serviceId)
      if (i === undefined) throw notFound('ServiceInstance')
      return instanceJson(i)
    },
    deployments: ({ input, first }: { input: { projectId?: string, environmentId?: string, serviceId?: string, status?: { in?: string[], notIn?: string[] } }, first?: number }) => {
      const list = fixtures.deployments
        .filter((d) => (input.projectId === undefined || input.projectId === fixtures.project.id) &&
          (input.environmentId === undefined || d.environmentId === input.environmentId) &&
          (input.serviceId === undefined || d.serviceId === input.serviceId) &&
          (input.status?.in === undefined || input.status.in.includes(d.status)) &&
          (input.status?.notIn === undefined || !input.status.notIn.includes(d.status)))
        .sort(byNewest)
      return connection(list.slice(0, first ?? list.length).map(deploymentJson))
    },
    deployment: ({ id }: { id: string }) => {
      const d = fixtures.deployments.find((x) => x.id === id)
      if (d === undefined) throw notFound('Deployment')
      return deploymentJson(d)
    },
    deploymentLogs: ({ deploymentId, limit, filter }: { deploymentId: string, limit?: number, filter?: string }) => {
      const lines = fixtures.logs[deploymentId] ?? []
      // Railway's filter syntax: `@level:error` keeps the error lines; other words match the message.
      const level = /@level:(\w+)/.exec(filter ?? '')?.[1]
      const words = (filter ?? '').replace(/@level:\w+/g, '').trim()
      const kept = lines.filter((l) => (level === undefined || l.severity === level) && (words === '' || l.message.includes(words)))
      return kept.slice(-(limit ?? 100)).map((l) => ({ ...l, attributes: [{ key: 'level', value: l.severity }] }))
    },
    deploymentRollback: ({ id }: { id: string }) => {
      const d = fixtures.deployments.find((x) => x.id === id)
      if (d === undefined) throw notFound('Deployment')
      if (!d.canRollback) throw new Error('Deployment cannot be rolled back')
      rollbacks.push(id)
      return true
    }
  }

  function authorized (req: IncomingMessage): boolean {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const project = req.headers['project-access-token']
    if (options.token !== undefined && bearer === options.token) return true
    if (options.projectToken !== undefined && project === options.projectToken) return true
    return options.token === undefined && options.projectToken === undefined
  }

  const server = createServer((req, res) => {
    const at = Date.now()
    readBody(req).then(async (text) => {
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/graphql/v2') {
        violations.push(`${req.method ?? '?'} ${req.url ?? '?'}: not Railway's GraphQL endpoint`)
        return send(res, 404, { message: 'Not Found' })
      }
      let body: { query?: unknown, variables?: unknown, operationName?: unknown }
      try { body = JSON.parse(text) as typeof body } catch {
        violations.push('unreadable request body')
        return send(res, 400, { errors: [{ message: 'Unexpected token in JSON' }] })
      }
      const query = typeof body.query === 'string' ? body.query : ''
      const variables = (body.variables ?? {}) as Record<string, unknown>
      let document: DocumentNode | undefined
      let problems: string[]
      try {
        document = parse(query)
        problems = validate(schema, document).map((e) => e.message)
      } catch (error) { problems = [(error as Error).message] }
      const operation = document?.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')
      requests.push({ operationName: operation?.name?.value, query, variables, headers: req.headers, at })
      if (problems.length > 0 || document === undefined) {
        violations.push(...problems.map((p) => `${operation?.name?.value ?? 'anonymous'}: ${p}`))
        return send(res, 400, { errors: problems.map((message) => ({ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) })
      }
      const scripted = scripts.get(operation?.name?.value ?? '')
      // A step of `null` answers as usual (so no `??` here).
      const step = scripted === undefined ? undefined : scripted.steps.length > 0 ? scripted.steps.shift() : scripted.after
      const failure = step === undefined ? failures.shift() ?? failingAll : step === null ? null : { mode: step, options: {} }
      if (failure !== null && failure.mode === 'slow') await sleep(failure.options.delayMs ?? 3000)
      else if (failure !== null) return fail(res, failure.mode, failure.options)
      if (!authorized(req)) return graphqlError(res, 'Not Authorized', 'UNAUTHENTICATED')
      const result = execute({ schema, document, rootValue, variableValues: variables }) as { data?: unknown, errors?: readonly Error[] }
      const headers: Record<string, string> = rateLimit === null
        ? {}
        : { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': String(rateLimit.remaining), 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + rateLimit.resetInSeconds) }
      send(res, 200, { data: result.data ?? null, ...(result.errors === undefined ? {} : { errors: result.errors.map((e) => ({ message: e.message })) }) }, headers)
    }).catch((error: unknown) => {
      violations.push(`stand-in failed: ${String(error)}`)
      send(res, 500, { errors: [{ message: 'stand-in failed' }] })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql/v2`

  return {
    url,
    fixtures,
    requests,
    violations,
    rollbacks,
    failNext: (count, mode, failureOptions = {}) => { failures = [...failures, ...Array.from({ length: count }, () => ({ mode, options: failureOptions }))] },
    failAll: (mode, failureOptions = {}) => { failingAll = mode === null ? null : { mode, options: failureOptions } },
    script: (operation, steps, after = null) => {
      if (steps.length === 0 && after === null) scripts.delete(operation)
      else scripts.set(operation, { steps: [...steps], after })
    },
    setRateLimit: (limit) => { rateLimit = limit },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
