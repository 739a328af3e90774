import { buildDeploymentContext, errorLines, activeDeployment, MAX_ERROR_LINES, type DeploymentNode, type ServicePlace } from './deployment-context.js'
import { discoveredServices, type ProjectServicesAnswer } from './discovered-services.js'
import { DEPLOYMENT_ERROR_LOGS, DEPLOYMENT_ROLLBACK, PROJECT_LAYOUT, PROJECT_SERVICES, SERVICE_DEPLOYMENTS } from './documents.js'
import { RailwayApiError } from './errors.js'
import { createGraphqlTransport, type GraphqlTransportOptions } from './graphql-transport.js'
import type { DeploymentContext, DiscoveredService, RailwayApi, RailwayRef } from './types.js'

export interface RailwayClientOptions extends GraphqlTransportOptions {
  /** The project of refs that name none (RAILWAY_PROJECT_ID). */
  readonly projectId?: string | undefined
}

interface Named { readonly id: string, readonly name: string }
interface LayoutAnswer { project: { id: string, environments: { edges: Array<{ node: Named }> }, services: { edges: Array<{ node: Named }> } } }

// Deployments read per context: enough to reach the previous good one behind a few failed tries.
const DEPLOYMENTS_READ = 20

/** By id, else by name (Railway names are case-insensitive in the dashboard). */
function pick (items: readonly Named[], wanted: string): Named | undefined {
  return items.find((i) => i.id === wanted) ?? items.find((i) => i.name.toLowerCase() === wanted.toLowerCase())
}

/**
 * Railway's public GraphQL API as Vigil uses it: deployment context for incidents, rollback and
 * discovery. Every document is one of documents.ts (validated against Railway's schema in tests).
 * Errors are RailwayApiError, redacted.
 */
export function createRailwayClient (options: RailwayClientOptions) {
  const send = createGraphqlTransport(options)
  const now = options.now ?? (() => new Date())
  const projectOf = (ref: RailwayRef): string => {
    const projectId = ref.projectId ?? options.projectId
    if (projectId === undefined) throw new RailwayApiError('project_layout', 'failure', 'no project id (set RAILWAY_PROJECT_ID)')
    return projectId
  }

  async function deploymentContext (ref: RailwayRef, callOptions: { timeoutMs?: number } = {}): Promise<DeploymentContext | undefined> {
    const projectId = projectOf(ref)
    const layout = await send<LayoutAnswer>('project_layout', PROJECT_LAYOUT, { projectId }, callOptions)
    const environment = pick(layout.project.environments.edges.map((e) => e.node), ref.environment)
    const services = layout.project.services.edges.map((e) => e.node)
    // Without a service named, only a project of one service is unambiguous.
    const service = ref.service === undefined ? (services.length === 1 ? services[0] : undefined) : pick(services, ref.service)
    if (environment === undefined || service === undefined) return undefined
    const place: ServicePlace = { projectId, environmentId: environment.id, serviceId: service.id, serviceName: service.name }
    const answer = await send<{ deployments: { edges: Array<{ node: DeploymentNode }> } }>('deployments', SERVICE_DEPLOYMENTS,
      { projectId, environmentId: environment.id, serviceId: service.id, first: DEPLOYMENTS_READ }, callOptions)
    const nodes = answer.deployments.edges.map((e) => e.node)
    const active = activeDeployment(nodes)
    const logs = active === undefined
      ? []
      : (await send<{ deploymentLogs: Array<{ timestamp: string, message: string }> }>('deployment_logs', DEPLOYMENT_ERROR_LOGS,
          { deploymentId: active.id, limit: MAX_ERROR_LINES, filter: '@level:error' }, callOptions)).deploymentLogs
    return buildDeploymentContext(place, nodes, errorLines(logs, options.redact), options.redact, now())
  }

  async function rollback (deploymentId: string): Promise<void> {
    const answer = await send<{ deploymentRollback: boolean }>('deployment_rollback', DEPLOYMENT_ROLLBACK, { id: deploymentId }, { mutation: true })
    if (!answer.deploymentRollback) throw new RailwayApiError('deployment_rollback', 'failure', `Railway refused to roll back to ${deploymentId}`)
  }

  async function discover (projectId: string): Promise<DiscoveredService[]> {
    return discoveredServices(await send<ProjectServicesAnswer>('project_services', PROJECT_SERVICES, { projectId }))
  }

  return { deploymentContext, rollback, discover } satisfies RailwayApi
}

/** The client's type: RailwayApi, with a per-call deadline on deploymentContext. */
export type RailwayClient = ReturnType<typeof createRailwayClient>
