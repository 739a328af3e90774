import type { Config } from '../config/config.js'
import type { Metrics } from '../metrics/create-metrics.js'
import type { Redactor } from '../redact.js'
import type { IncidentLog } from '../structured-log.js'
import { createRailwayClient } from './client.js'
import { createContextCache, type ContextCacheOptions } from './context-cache.js'
import { renderDeploymentContext } from './render-context.js'
import type { DeploymentContext, RailwayRef } from './types.js'

/** What the incident side needs from Railway: ask early, render late. */
export interface IncidentContext {
  /** Starts fetching the context of every environment that is not healthy in `results`. Never throws. */
  prefetch: (results: ReadonlyArray<{ readonly environment: string, readonly status: string }>) => void
  /** The Markdown section for an issue or comment; undefined when Railway has nothing (yet). Waits ~2 s at most, never throws. */
  sectionOf: (environment: string) => Promise<string | undefined>
  /** Replaces the monitored environments (discovery refresh); their refs are used from then on. */
  setTargets: (targets: ReadonlyArray<{ readonly name: string }>) => void
}

export interface IncidentContextOptions extends Partial<Pick<ContextCacheOptions, 'ttlMs' | 'fetchTimeoutMs' | 'waitMs'>> {
  readonly redact: Redactor
  readonly metrics: Metrics
  readonly log: IncidentLog
  /** The monitored environments; one with a `railway` ref (monitor file, discovery) uses it, the others their own name. */
  readonly targets: ReadonlyArray<{ readonly name: string }>
  /** Replaces the Railway client (tests). */
  readonly fetch?: ContextCacheOptions['fetch']
}

/**
 * Which Railway environment (and service) a Vigil environment watches: its `railway` ref when it
 * has one, else the Railway environment of the same name (issue 9, "by default the names match").
 */
export function refOfTarget (target: { readonly name: string }): RailwayRef {
  return (target as { readonly railway?: RailwayRef }).railway ?? { environment: target.name }
}

/** Deployment context for incidents, from RAILWAY_API_TOKEN / RAILWAY_TOKEN and RAILWAY_PROJECT_ID. */
export function createIncidentContext (config: Config, options: IncidentContextOptions): IncidentContext {
  const { redact, metrics, log } = options
  const { token, tokenKind, apiUrl, projectId } = config.railway
  if (token === undefined || tokenKind === undefined) throw new Error('createIncidentContext needs a Railway token')
  const fetch = options.fetch ?? createRailwayClient({ apiUrl, token, tokenKind, projectId, redact, metrics }).deploymentContext
  let refs = new Map(options.targets.map((t) => [t.name, refOfTarget(t)]))
  const cache = createContextCache({ ...options, fetch, refOf: (environment) => refs.get(environment), log })
  return {
    prefetch (results) {
      for (const result of results) if (result.status !== 'healthy') cache.prefetch(result.environment)
    },
    setTargets (targets) { refs = new Map(targets.map((t) => [t.name, refOfTarget(t)])) },
    async sectionOf (environment) {
      const context: DeploymentContext | undefined = await cache.contextOf(environment)
      return context === undefined ? undefined : renderDeploymentContext(context, tokenKind)
    }
  }
}
