/**
 * Every GraphQL document Vigil sends to Railway's public API, as constants. Each one is validated
 * against Railway's published schema (../shared/railway/public-api.introspection.json) by
 * test/railway/documents.test.ts and by the stand-in that answers them in tests.
 */

/** The project's environments and services (ids and names), to resolve a RailwayRef. */
export const PROJECT_LAYOUT = `query VigilProjectLayout($projectId: String!) {
  project(id: $projectId) {
    id
    name
    environments(first: 100) { edges { node { id name } } }
    services(first: 100) { edges { node { id name } } }
  }
}`

/** The newest deployments of one service in one environment (Railway lists newest first). */
export const SERVICE_DEPLOYMENTS = `query VigilServiceDeployments($projectId: String!, $environmentId: String!, $serviceId: String!, $first: Int!) {
  deployments(first: $first, input: { projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId }) {
    edges { node { id status createdAt serviceId environmentId canRollback meta } }
  }
}`

/** Error lines of one deployment: Railway's log filter `@level:error`, at most `limit` lines. */
export const DEPLOYMENT_ERROR_LOGS = `query VigilDeploymentErrorLogs($deploymentId: String!, $limit: Int!, $filter: String!) {
  deploymentLogs(deploymentId: $deploymentId, limit: $limit, filter: $filter) { timestamp message severity }
}`

/** Every environment with its service instances' public domains and health check paths (discovery). */
export const PROJECT_SERVICES = `query VigilProjectServices($projectId: String!) {
  project(id: $projectId) {
    environments(first: 100) {
      edges {
        node {
          id
          name
          serviceInstances(first: 100) {
            edges {
              node {
                serviceId
                serviceName
                healthcheckPath
                domains { serviceDomains { domain } customDomains { domain } }
              }
            }
          }
        }
      }
    }
  }
}`

/** Rolls a service back to deployment `$id`; answers `Boolean!`. */
export const DEPLOYMENT_ROLLBACK = `mutation VigilDeploymentRollback($id: String!) {
  deploymentRollback(id: $id)
}`

/** The exact mutation text a person can paste (Railway's GraphiQL, curl) to roll back to `deploymentId`. */
export function rollbackMutationText (deploymentId: string): string {
  return `mutation { deploymentRollback(id: ${JSON.stringify(deploymentId)}) }`
}
