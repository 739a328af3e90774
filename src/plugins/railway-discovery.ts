import type { FastifyInstance } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import type { EnvironmentTarget } from '../monitor/types.js'
import { createRailwayClient } from '../railway/client.js'
import { discoveredTargets, mergeTargets } from '../railway/discovery.js'
import type { DiscoveredService } from '../railway/types.js'
import type { MonitorPluginOptions } from './monitor.js'

/** Component that shows whether discovery worked and whether Railway's list still matches. */
export const DISCOVERY_COMPONENT = 'railway_discovery'
/** Deadline of one discovery (the transport's retries and rate-limit waits included). */
const DISCOVERY_TIMEOUT_MS = 15_000
/**
 * How long start-up waits for the first discovery before the server goes on without it: `/health`
 * must answer within a second or two of start (Railway's probe), whatever Railway's API does.
 * A later answer is applied like a refresh, from the monitor's next cycle.
 */
export const STARTUP_DISCOVERY_WAIT_MS = 2000

/** Successful refreshes in a row that must miss a discovered service before it is no longer monitored. */
export const MISSES_BEFORE_REMOVAL = 2

const sameTarget = (a: EnvironmentTarget, b: EnvironmentTarget): boolean => a.url === b.url && a.healthPath === b.healthPath && a.labels.join() === b.labels.join()

/**
 * What a successful refresh changes: every environment Railway lists now (configured ones first,
 * as `mergeTargets` orders them), then each discovered one it no longer lists, kept until it was
 * missing from MISSES_BEFORE_REMOVAL refreshes in a row (`misses` counts, and is updated here).
 * Configured (monitor-file) environments are never removed: they are part of every list.
 */
export function refreshedTargets (monitored: readonly EnvironmentTarget[], listed: readonly EnvironmentTarget[], misses: Map<string, number>): { targets: EnvironmentTarget[], added: string[], changed: string[], missing: string[], removed: string[] } {
  const now = new Map(listed.map((t) => [t.name, t]))
  const before = new Map(monitored.map((t) => [t.name, t]))
  const kept: EnvironmentTarget[] = []
  const missing: string[] = []
  const removed: string[] = []
  for (const target of monitored) {
    if (now.has(target.name)) continue
    const count = (misses.get(target.name) ?? 0) + 1
    if (count >= MISSES_BEFORE_REMOVAL) {
      misses.delete(target.name)
      removed.push(target.name)
    } else {
      misses.set(target.name, count)
      missing.push(target.name)
      kept.push(target)
    }
  }
  for (const name of now.keys()) misses.delete(name)
  return {
    targets: [...listed, ...kept],
    added: listed.filter((t) => !before.has(t.name)).map((t) => t.name),
    changed: listed.filter((t) => before.has(t.name) && !sameTarget(before.get(t.name)!, t)).map((t) => t.name),
    missing,
    removed
  }
}

/**
 * Zero-config discovery (docs/railway.md): asks Railway for every environment × service with a
 * public domain and returns the monitor's options with those targets added to the configured ones
 * (which win). Every RAILWAY_DISCOVERY_INTERVAL it asks again and hands the new list to the monitor
 * (`app.monitorTargets`, from its next cycle): new services are checked at once, a service missing
 * from MISSES_BEFORE_REMOVAL successful refreshes in a row is removed (its open incident retired).
 * A failed refresh (error, timeout, rate limit) changes nothing and turns the `railway_discovery`
 * component degraded; a failed start-up discovery leaves the configured environments until one works.
 */
export async function withDiscoveredTargets (app: FastifyInstance, options: MonitorPluginOptions): Promise<MonitorPluginOptions> {
  const { config, redact, metrics, components } = app.vigil
  const { token, tokenKind, apiUrl, projectId, discoveryIntervalMs } = config.railway
  if (token === undefined || tokenKind === undefined || projectId === undefined || options.targets !== undefined) return options
  const log = app.log.child({ module: 'railway' })
  const client = createRailwayClient({ apiUrl, token, tokenKind, projectId, redact, metrics, timeoutMs: DISCOVERY_TIMEOUT_MS })
  components.register({ name: DISCOVERY_COMPONENT, required: false })
  const configured = config.monitor.environments
  const toTargets = (found: readonly DiscoveredService[]): EnvironmentTarget[] => mergeTargets(configured, discoveredTargets(found, projectId, config.proxy, redact), found)
  const message = (error: unknown): string => redact(error instanceof Error ? error.message : String(error))

  let monitored: EnvironmentTarget[] = [...configured]
  const misses = new Map<string, number>()
  const startupFailed = (error: unknown, at: number): void => {
    components.record(DISCOVERY_COMPONENT, { status: 'unhealthy', latencyMs: Date.now() - at, error: `discovery at start-up failed: ${message(error)}; monitoring the ${configured.length} configured environment(s) until a refresh succeeds` })
    log.error({ err: message(error) }, 'Railway discovery failed at start-up')
  }
  const started = Date.now()
  const first = client.discover(projectId).then((found) => ({ found }), (error: unknown) => ({ error }))
  const answer = await Promise.race([first, sleep(STARTUP_DISCOVERY_WAIT_MS, undefined, { ref: false })])
  // Railway answered in time: start with its list. Otherwise the server starts with the configured
  // environments and the late answer is applied once the app is ready (below).
  if (answer === undefined) {
    components.record(DISCOVERY_COMPONENT, { status: 'degraded', latencyMs: Date.now() - started, error: `Railway has not answered the start-up discovery within ${STARTUP_DISCOVERY_WAIT_MS / 1000} s; monitoring the ${configured.length} configured environment(s) until it does` })
    log.warn({ wait_ms: STARTUP_DISCOVERY_WAIT_MS }, 'Railway discovery is slow at start-up: starting without it; discovered services are added when Railway answers')
  } else if ('error' in answer) {
    startupFailed(answer.error, started)
  } else {
    monitored = toTargets(answer.found)
    components.record(DISCOVERY_COMPONENT, { status: 'healthy', latencyMs: Date.now() - started, details: { services: answer.found.length, environments: monitored.map((t) => t.name) } })
    log.info({ environments: monitored.map((t) => ({ name: t.name, url: t.displayUrl, health_path: t.healthPath })) }, `discovered ${answer.found.length} Railway service(s) with a public domain`)
  }

  let closed = false
  const refresh = async (): Promise<void> => {
    const at = Date.now()
    const answered = await client.discover(projectId).then((found) => ({ found }), (error: unknown) => ({ error }))
    apply(answered, at)
  }
  // What one discovery answer changes (a refresh, or a start-up answer that came late).
  const apply = (answered: { found: DiscoveredService[] } | { error: unknown }, at: number): void => {
    if (closed) return
    if ('error' in answered) {
      components.record(DISCOVERY_COMPONENT, { status: 'degraded', latencyMs: Date.now() - at, error: `discovery refresh failed: ${message(answered.error)}; still monitoring the last list (${monitored.length} environment(s))` })
      log.warn({ err: message(answered.error) }, 'Railway discovery refresh failed; the monitored list is unchanged')
      return
    }
    const listed = toTargets(answered.found)
    const services = answered.found.length
    const { targets, added, changed, missing, removed } = refreshedTargets(monitored, listed, misses)
    monitored = targets
    components.record(DISCOVERY_COMPONENT, {
      status: 'healthy',
      latencyMs: Date.now() - at,
      details: { services, environments: monitored.map((t) => t.name), ...(missing.length > 0 ? { missing_from_railway: missing } : {}) }
    })
    if (missing.length > 0) log.warn({ missing }, `Railway no longer lists ${missing.join(', ')}: removed if the next refresh does not list it either`)
    if (added.length + changed.length + removed.length === 0) return
    log.info({ added, changed, removed, missing }, 'Railway\'s public services changed: the monitor follows from its next cycle')
    if (app.hasDecorator('monitorTargets')) app.monitorTargets.set(monitored)
  }
  // One refresh at a time: a slow Railway (up to DISCOVERY_TIMEOUT_MS) never stacks them.
  let refreshing: Promise<void> | undefined
  // Refreshes start once the app is ready, so the monitor they hand new lists to exists.
  let timer: NodeJS.Timeout | undefined
  app.addHook('onReady', async () => {
    if (answer === undefined) {
      // The start-up discovery still running counts as the refresh under way: none stacks on it.
      refreshing = first.then((answered) => {
        if ('error' in answered) { if (!closed) startupFailed(answered.error, started) } else apply(answered, started)
      }).finally(() => { refreshing = undefined })
    }
    timer = setInterval(() => { refreshing ??= refresh().finally(() => { refreshing = undefined }) }, discoveryIntervalMs)
    timer.unref()
  })
  // A refresh under way is not awaited (Railway may hang up to DISCOVERY_TIMEOUT_MS); its answer is dropped.
  app.addHook('onClose', async () => { closed = true; clearInterval(timer) })
  return { ...options, targets: monitored }
}
