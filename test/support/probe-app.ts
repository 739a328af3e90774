import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { testConfig } from './config.js'
import { captureLogs } from './log-lines.js'
import { recordingRegistry, type Recorded } from './recording-registry.js'

export interface ProbeApp {
  readonly app: FastifyInstance
  readonly results: Recorded[]
  readonly logLines: string[]
}

/** Fast probing for tests: a round every 200 ms, each cut off after 100 ms. */
export const FAST_PROBES = { PROBE_INTERVAL: '200ms', PROBE_TIMEOUT: '100ms' }

/** An app built from the given variables, with every result and log line kept; started. */
export async function startProbeApp (env: Record<string, string>): Promise<ProbeApp> {
  const { registry, results } = recordingRegistry()
  const logs = captureLogs()
  const app = await buildApp(testConfig({ LOG_LEVEL: 'info', ...FAST_PROBES, ...env }), { components: registry, logDestination: logs.destination })
  await app.ready()
  return { app, results, logLines: logs.lines }
}

/** Status of a top-level or grouped component in `/health/detailed`. */
export async function detailedComponent (app: FastifyInstance, path: string[]): Promise<Record<string, unknown> | undefined> {
  const res = await app.inject('/health/detailed')
  let node: unknown = res.json<{ components: unknown }>().components
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key]
  return node as Record<string, unknown> | undefined
}
