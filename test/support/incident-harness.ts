import { Registry } from 'prom-client'
import type { Config } from '../../src/config/config.js'
import { createComponentRegistry, type ComponentRegistry } from '../../src/health/component-registry.js'
import { createIncidentHandling, type IncidentHandling, type IncidentHandlingOptions } from '../../src/incidents/create-incident-handling.js'
import { createMetrics, type Metrics } from '../../src/metrics/create-metrics.js'
import type { CheckResult } from '../../src/monitor/types.js'
import { createRedactor } from '../../src/redact.js'
import type { IncidentLog } from '../../src/structured-log.js'
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
  readonly components: ComponentRegistry
  readonly log: ReturnType<typeof recordingLog>
  /** Hands a cycle's results over as the monitor does, then waits until decided and delivered (as far as due). */
  cycle: (results: readonly CheckResult[], at: Date) => Promise<void>
  /** Decides what waits and runs every worker once. */
  settle: () => Promise<void>
  /** Open incident links as the report shows them. */
  links: () => Readonly<Record<string, { issue_url: string, opened_at: string }>>
}

/** Quick delivery timing for tests: retries at once unless a test says otherwise. */
export const QUICK_DELIVERY = { pollMs: 20, backoffBaseMs: 1, backoffMaxMs: 10, lostAnswerDelayMs: 0, staleAfterMs: 60_000 }

/** One Vigil process's incident side, as the monitor plugin wires it, with retries made quick. */
export async function startReplica (config: Config, targets: IncidentHandlingOptions['targets'] = [], options: Partial<IncidentHandlingOptions> = {}): Promise<Replica> {
  const metrics = createMetrics(new Registry())
  const components = createComponentRegistry()
  const log = recordingLog()
  const handling = await createIncidentHandling(config, {
    redact: createRedactor(config.secrets),
    log,
    metrics,
    components,
    intervalMs: 60_000,
    targets,
    github: { retryDelayUnitMs: 1, writeSpacingMs: 0, requestTimeoutMs: 500, retries: 1 },
    delivery: QUICK_DELIVERY,
    ...options
  })
  handling.start()
  const settle = async (): Promise<void> => {
    await handling.decider.drain()
    for (const worker of handling.workers) await worker.tick()
  }
  return {
    ...handling,
    metrics,
    components,
    log,
    settle,
    links: () => handling.intake.links(),
    async cycle (results, at) {
      handling.intake.submit(results, at)
      await settle()
    }
  }
}

/** Issues on the stand-in, reduced to what the scenarios compare. */
export function summary (standIn: GithubStandIn) {
  return standIn.issues.map((i) => ({ number: i.number, title: i.title, state: i.state, labels: i.labels, comments: i.comments.length }))
}
