import type { FastifyInstance } from 'fastify'
import type { EnvironmentTarget } from '../monitor/types.js'
import { createRailwayClient } from '../railway/client.js'
import { discoveredTargets, mergeTargets } from '../railway/discovery.js'
import type { DiscoveredService } from '../railway/types.js'
import type { MonitorPluginOptions } from './monitor.js'

/** Component that shows whether discovery worked and whether Railway's list still matches. */
export const DISCOVERY_COMPONENT = 'railway_discovery'
/** Deadline of one discovery (the transport's retries and rate-limit waits included). */
const DISCOVERY_TIMEOUT_MS = 15_000

const key = (t: EnvironmentTarget): string => `${t.name} ${t.url}${t.healthPath}`

/**
 * Zero-config discovery (docs/railway.md): asks Railway for every environment × service with a
 * public domain and returns the monitor's options with those targets added to the configured ones
 * (which win). The monitor's targets are fixed once it starts, so discovery runs at start-up; every
 * RAILWAY_DISCOVERY_INTERVAL it runs again and, when Railway's list differs from the monitored one,
 * the `railway_discovery` component turns degraded naming the difference (a restart picks it up).
 * A failed discovery is shown the same way, and Vigil goes on with the configured environments.
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
  const started = Date.now()
  try {
    const found = await client.discover(projectId)
    monitored = toTargets(found)
    components.record(DISCOVERY_COMPONENT, { status: 'healthy', latencyMs: Date.now() - started, details: { services: found.length, environments: monitored.map((t) => t.name) } })
    log.info({ environments: monitored.map((t) => ({ name: t.name, url: t.displayUrl, health_path: t.healthPath })) }, `discovered ${found.length} Railway service(s) with a public domain`)
  } catch (error) {
    components.record(DISCOVERY_COMPONENT, { status: 'unhealthy', latencyMs: Date.now() - started, error: `discovery at start-up failed: ${message(error)}; monitoring the ${configured.length} configured environment(s) only, restart to try again` })
    log.error({ err: message(error) }, 'Railway discovery failed at start-up')
  }

  const refresh = async (): Promise<void> => {
    const at = Date.now()
    try {
      const now = toTargets(await client.discover(projectId))
      const before = new Set(monitored.map(key))
      const after = new Set(now.map(key))
      const added = now.filter((t) => !before.has(key(t))).map((t) => t.name)
      const removed = monitored.filter((t) => !after.has(key(t))).map((t) => t.name)
      if (added.length === 0 && removed.length === 0) {
        components.record(DISCOVERY_COMPONENT, { status: 'healthy', latencyMs: Date.now() - at, details: { services: now.length, environments: now.map((t) => t.name) } })
        return
      }
      const change = `Railway's public services changed since start-up (new or changed: ${added.join(', ') || 'none'}; gone or changed: ${removed.join(', ') || 'none'}): restart Vigil to monitor the new list`
      components.record(DISCOVERY_COMPONENT, { status: 'degraded', latencyMs: Date.now() - at, error: change })
      log.warn({ added, removed }, change)
    } catch (error) {
      components.record(DISCOVERY_COMPONENT, { status: 'degraded', latencyMs: Date.now() - at, error: `discovery refresh failed: ${message(error)}` })
      log.warn({ err: message(error) }, 'Railway discovery refresh failed')
    }
  }
  const timer = setInterval(() => { void refresh() }, discoveryIntervalMs)
  timer.unref()
  app.addHook('onClose', async () => { clearInterval(timer) })
  return { ...options, targets: monitored }
}
