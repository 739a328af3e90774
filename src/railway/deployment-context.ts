import { redactShortened, type Redactor } from '../redact.js'
import { rollbackMutationText } from './documents.js'
import type { DeploymentContext, RailwayDeployment } from './types.js'

/** Railway's dashboard. */
export const RAILWAY_DASHBOARD = 'https://railway.com'
/** Error log lines in an incident, at most. */
export const MAX_ERROR_LINES = 20
/** Characters of one log line in an incident, at most. */
export const MAX_LOG_LINE = 300

/** A deployment as `deployments` answers it (`meta` is Railway's JSON scalar). */
export interface DeploymentNode {
  readonly id: string
  readonly status: string
  readonly createdAt: string
  readonly serviceId?: string | null
  readonly environmentId?: string | null
  readonly canRollback?: boolean
  readonly meta?: unknown
}

/** Where a service lives: ids, for links. */
export interface ServicePlace { readonly projectId: string, readonly environmentId: string, readonly serviceId: string, readonly serviceName: string }

/** The dashboard page of a service in one environment. */
export function serviceDashboardUrl (place: ServicePlace): string {
  return `${RAILWAY_DASHBOARD}/project/${encodeURIComponent(place.projectId)}/service/${encodeURIComponent(place.serviceId)}?environmentId=${encodeURIComponent(place.environmentId)}`
}

const metaText = (meta: unknown, key: string): string | undefined => {
  const value = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>)[key] : undefined
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * A deployment for an incident. Railway's `meta` holds, for a GitHub-sourced deployment,
 * `commitHash`, `commitMessage`, `commitAuthor`, `branch` and `repo` (plus build details); images
 * and CLI uploads have none of those. Commit text is redacted and shortened: it is the author's.
 */
export function toDeployment (node: DeploymentNode, place: ServicePlace, redact: Redactor): RailwayDeployment {
  const meta = node.meta
  const text = (key: string, max: number): Record<string, string> => {
    const value = metaText(meta, key)
    return value === undefined ? {} : { [key]: redactShortened(value.split('\n')[0]!, max, redact) }
  }
  return {
    id: node.id,
    status: node.status,
    createdAt: node.createdAt,
    ...(node.serviceId == null ? {} : { serviceId: node.serviceId }),
    ...(node.environmentId == null ? {} : { environmentId: node.environmentId }),
    ...text('commitHash', 64),
    ...text('commitMessage', 200),
    ...text('branch', 100),
    ...text('commitAuthor', 100),
    ...(node.canRollback === undefined ? {} : { canRollback: node.canRollback }),
    dashboardUrl: `${serviceDashboardUrl(place)}&id=${encodeURIComponent(node.id)}`
  }
}

const newestFirst = (a: DeploymentNode, b: DeploymentNode): number => Date.parse(b.createdAt) - Date.parse(a.createdAt)

/** The deployment serving the environment: the newest SUCCESS, else the newest (a crashed or failed one). */
export function activeDeployment (nodes: readonly DeploymentNode[]): DeploymentNode | undefined {
  const sorted = [...nodes].sort(newestFirst)
  return sorted.find((d) => d.status === 'SUCCESS') ?? sorted[0]
}

/**
 * The deployment to roll back to: the newest one older than `active` that went live and that
 * Railway says can be rolled back to. A deployment that served and was replaced by a newer one is
 * `REMOVED` in Railway (only the serving one stays `SUCCESS`), so both statuses count; a failed,
 * crashed or never-finished deployment never does.
 */
export function rollbackTarget (nodes: readonly DeploymentNode[], active: DeploymentNode | undefined): DeploymentNode | undefined {
  if (active === undefined) return undefined
  const before = Date.parse(active.createdAt)
  return [...nodes].sort(newestFirst).find((d) => d.id !== active.id && Date.parse(d.createdAt) < before &&
    d.canRollback === true && (d.status === 'SUCCESS' || d.status === 'REMOVED'))
}

/** Log lines as shown: `<timestamp> <message>`, redacted, each shortened, the newest last, at most 20. */
export function errorLines (logs: ReadonlyArray<{ timestamp: string, message: string }>, redact: Redactor): string[] {
  return logs.slice(-MAX_ERROR_LINES).map((l) => redactShortened(`${l.timestamp} ${l.message.replace(/\s+/g, ' ').trim()}`, MAX_LOG_LINE, redact))
}

/** Puts the context together from what Railway answered. */
export function buildDeploymentContext (place: ServicePlace, nodes: readonly DeploymentNode[], logs: readonly string[], redact: Redactor, fetchedAt: Date): DeploymentContext {
  const active = activeDeployment(nodes)
  const target = rollbackTarget(nodes, active)
  const rollback = target === undefined
    ? undefined
    : (() => {
        const deployment = toDeployment(target, place, redact)
        const commit = deployment.commitHash === undefined ? '' : ` (commit ${deployment.commitHash.slice(0, 7)})`
        return {
          deployment,
          dashboardPath: `Railway dashboard → project → ${place.serviceName} → Deployments → deployment ${target.id}${commit} → ⋮ → Rollback`,
          mutation: rollbackMutationText(target.id)
        }
      })()
  return {
    active: active === undefined ? undefined : toDeployment(active, place, redact),
    errorLogs: [...logs],
    dashboardUrl: serviceDashboardUrl(place),
    rollback,
    fetchedAt: fetchedAt.toISOString()
  }
}
