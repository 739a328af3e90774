import type { Config } from '../config/config.js'
import type { Probe } from './probe.js'

/**
 * One probe per configured dependency, each required when REQUIRED_COMPONENTS says so. Each
 * driver is imported only when its dependency is configured, so an unconfigured one costs neither
 * start-up time nor memory.
 */
export async function createProbes (config: Config): Promise<Probe[]> {
  const { probeTimeoutMs: timeoutMs, probeIntervalMs: intervalMs, requiredComponents } = config
  const probes: Probe[] = []
  if (config.databaseUrl !== undefined) {
    const { createPostgresProbe } = await import('./postgres.js')
    probes.push(createPostgresProbe({ url: config.databaseUrl, timeoutMs, intervalMs, required: requiredComponents.has('database') }))
  }
  if (config.redisUrl !== undefined) {
    const { createRedisProbe } = await import('./redis.js')
    probes.push(createRedisProbe({ url: config.redisUrl, timeoutMs, intervalMs, required: requiredComponents.has('redis') }))
  }
  if (config.aiProviders.length > 0) {
    const { createAiProviderProbe } = await import('./ai-providers.js')
    for (const provider of config.aiProviders) {
      probes.push(createAiProviderProbe({ provider, timeoutMs, required: requiredComponents.has(provider.name), proxy: config.proxy }))
    }
  }
  return probes
}
