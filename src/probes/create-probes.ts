import type { Config } from '../config/config.js'
import { createAiProviderProbe } from './ai-providers.js'
import { createPostgresProbe } from './postgres.js'
import type { Probe } from './probe.js'
import { createRedisProbe } from './redis.js'

/** One probe per configured dependency, each required when REQUIRED_COMPONENTS says so. */
export function createProbes (config: Config): Probe[] {
  const { probeTimeoutMs: timeoutMs, probeIntervalMs: intervalMs, requiredComponents } = config
  const probes: Probe[] = []
  if (config.databaseUrl !== undefined) {
    probes.push(createPostgresProbe({ url: config.databaseUrl, timeoutMs, intervalMs, required: requiredComponents.has('database') }))
  }
  if (config.redisUrl !== undefined) {
    probes.push(createRedisProbe({ url: config.redisUrl, timeoutMs, intervalMs, required: requiredComponents.has('redis') }))
  }
  for (const provider of config.aiProviders) {
    probes.push(createAiProviderProbe({ provider, timeoutMs, required: requiredComponents.has(provider.name) }))
  }
  return probes
}
