import { Registry } from 'prom-client'
import type { Config } from '../../src/config/config.js'
import { createIncidentHandling, type IncidentHandling } from '../../src/incidents/create-incident-handling.js'
import type { IncidentLog } from '../../src/incidents/tracker.js'
import { createMetrics, type Metrics } from '../../src/metrics/create-metrics.js'
import { createRedactor } from '../../src/redact.js'
import { testConfig } from './config.js'
import type { GithubStandIn } from './github-stand-in.js'

/** The token planted in every test configuration: it must never reach an issue, a comment or a log. */
export const PLANTED_TOKEN = 'ghp_PlantedTokenThatMustNeverLeak0123456789'

/** A logger that keeps every line, to look for leaks. */
export function recordingLog (): IncidentLog & { lines: string[] } {
  const lines: string[] = []
  const at = (level: string) => (obj: object, msg: string): void => { lines.push(`${level} ${msg} ${JSON.stringify(obj)}`) }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** Configuration pointing at the stand-in. */
export function standInConfig (standIn: GithubStandIn, env: Record<string, string> = {}): Config {
  return testConfig({ GITHUB_TOKEN: PLANTED_TOKEN, GITHUB_REPOSITORY: standIn.repository, GITHUB_API_URL: standIn.url, ...env })
}

export interface Replica extends IncidentHandling {
  readonly metrics: Metrics
  readonly log: ReturnType<typeof recordingLog>
}

/** One Vigil process's incident side, as the lead wires it, with retries made quick. */
export async function startReplica (config: Config, targets: Array<{ name: string, labels: string[] }> = []): Promise<Replica> {
  const metrics = createMetrics(new Registry())
  const log = recordingLog()
  const handling = await createIncidentHandling(config, {
    redact: createRedactor(config.secrets),
    log,
    metrics,
    targets,
    github: { retryDelayUnitMs: 1, writeSpacingMs: 0, requestTimeoutMs: 500, retries: 2 }
  })
  return { ...handling, metrics, log }
}

/** Issues on the stand-in, reduced to what the scenarios compare. */
export function summary (standIn: GithubStandIn) {
  return standIn.issues.map((i) => ({ number: i.number, title: i.title, state: i.state, labels: i.labels, comments: i.comments.length }))
}
