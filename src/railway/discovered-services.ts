import type { DiscoveredService } from './types.js'

/** What PROJECT_SERVICES answers. */
export interface ProjectServicesAnswer {
  project: {
    environments: {
      edges: Array<{
        node: {
          id: string
          name: string
          serviceInstances: {
            edges: Array<{
              node: {
                serviceId: string
                serviceName: string
                healthcheckPath: string | null
                domains: { serviceDomains: Array<{ domain: string }>, customDomains: Array<{ domain: string }> }
              }
            }>
          }
        }
      }>
    }
  }
}

/** `/health` style: a leading slash, whatever Railway's settings hold. */
const asPath = (path: string | null): string => {
  const trimmed = (path ?? '').trim()
  if (trimmed === '') return '/'
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

/**
 * Every environment × service instance with a public domain. The first custom domain is preferred
 * (the address users reach), else the first Railway domain (`*.up.railway.app`); the health path is
 * the service's `healthcheckPath` (the one Railway itself calls while a deployment goes live), `/`
 * when none is set. Services without any public domain (workers, databases) are left out.
 */
export function discoveredServices (answer: ProjectServicesAnswer): DiscoveredService[] {
  const found: DiscoveredService[] = []
  for (const { node: environment } of answer.project.environments.edges) {
    for (const { node: instance } of environment.serviceInstances.edges) {
      const domain = instance.domains.customDomains[0]?.domain ?? instance.domains.serviceDomains[0]?.domain
      if (domain === undefined) continue
      found.push({
        environment: { id: environment.id, name: environment.name },
        service: { id: instance.serviceId, name: instance.serviceName },
        url: `https://${domain}`,
        healthPath: asPath(instance.healthcheckPath)
      })
    }
  }
  return found
}
