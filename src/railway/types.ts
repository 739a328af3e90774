/**
 * What Vigil knows of Railway, shared by the GraphQL client (railway/client), the deploy webhook
 * (railway/webhook) and the incident side. Names follow Railway's public GraphQL schema
 * (../shared/railway/public-api.introspection.json): `Deployment.status`, `meta.commitHash`, … .
 */

/** Which Railway environment (and optionally service) a Vigil environment watches; by name or id. */
export interface RailwayRef {
  readonly projectId?: string
  /** Railway environment name (default: the Vigil environment's name) or id. */
  readonly environment: string
  /** Railway service name or id; all services of the environment when absent. */
  readonly service?: string
}

/** One Railway deployment, as shown in an incident. Times are ISO strings. */
export interface RailwayDeployment {
  readonly id: string
  /** Railway's DeploymentStatus: SUCCESS, FAILED, CRASHED, BUILDING, DEPLOYING, REMOVED, … */
  readonly status: string
  readonly createdAt: string
  readonly serviceId?: string
  readonly environmentId?: string
  readonly commitHash?: string
  readonly commitMessage?: string
  readonly branch?: string
  readonly commitAuthor?: string
  readonly canRollback?: boolean
  /** Dashboard link of this deployment. */
  readonly dashboardUrl?: string
}

/** Deployment context added to an incident: best effort, never secret, never delays the incident. */
export interface DeploymentContext {
  /** The deployment now serving the environment (newest SUCCESS, else newest). */
  readonly active: RailwayDeployment | undefined
  /** Last error log lines of the active deployment (at most 20), redacted and shortened. */
  readonly errorLogs: readonly string[]
  /** Dashboard link of the service in its environment. */
  readonly dashboardUrl: string | undefined
  /** The previous successful deployment that can be rolled back to, and how. */
  readonly rollback: {
    readonly deployment: RailwayDeployment
    /** Where in the dashboard: the deployment's page and its "Rollback" action. */
    readonly dashboardPath: string
    /** The exact GraphQL mutation that rolls back to it. */
    readonly mutation: string
  } | undefined
  /** When this context was read (ISO). */
  readonly fetchedAt: string
}

/** A service with a public domain found by discovery, ready to become a monitored environment. */
export interface DiscoveredService {
  readonly environment: { readonly id: string, readonly name: string }
  readonly service: { readonly id: string, readonly name: string }
  /** `https://<domain>` of the service's first public domain. */
  readonly url: string
  /** The service's configured health check path (`healthcheckPath`), `/` when none. */
  readonly healthPath: string
}

/** What the service needs from Railway's API (railway/client implements it; tests use the stand-in). */
export interface RailwayApi {
  /** Context for an incident; undefined when Railway does not know the environment/service. Throws on API failure. */
  deploymentContext: (ref: RailwayRef) => Promise<DeploymentContext | undefined>
  /** `deploymentRollback(id)`: rolls the service back to deployment `id`. Throws on failure. */
  rollback: (deploymentId: string) => Promise<void>
  /** Every environment × service of the project with a public domain. */
  discover: (projectId: string) => Promise<DiscoveredService[]>
}
