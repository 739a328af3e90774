import type { EnvironmentTarget } from '../monitor/types.js'
import { createRedactor } from '../redact.js'
import { readMonitorFile, urlSecrets, PREFIX } from './monitor-file.js'
import type { MonitorFile } from './monitor-schema.js'
import { buildMonitorTargets } from './monitor-targets.js'
import { checkSecrets, proxyFromEnv } from './check-options.js'
import { urlCredentials } from './url.js'
import type { ProxySettings } from '../monitor/types.js'

type Env = Record<string, string | undefined>

export interface MonitorInputs {
  readonly configPath: string | undefined
  readonly railwayDomain: string | undefined
  readonly stagingRailwayDomain: string | undefined
  /** MONITOR_INTERVAL, already parsed; undefined when it is invalid (reported elsewhere). */
  readonly intervalMs: number | undefined
  /** Secrets known from the variables, so problem lines never echo them. */
  readonly secrets: readonly string[]
}

/** The monitor part of the configuration, or the problems that stop start-up. */
export interface LoadedMonitor {
  readonly environments: readonly EnvironmentTarget[]
  readonly githubLabels: readonly string[]
  readonly intervalMs: number
  readonly githubRepository: string | undefined
  /** Checks in flight at once (the file's `concurrency`, default 100). */
  readonly concurrency: number
  /** HTTP_PROXY, HTTPS_PROXY and NO_PROXY, for the checks and the AI probes. */
  readonly proxy: ProxySettings
  /** Passwords found in environment and proxy URLs, and header values, for the process redactor. */
  readonly secrets: readonly string[]
  readonly problems: readonly string[]
}

// Below this a cycle would hardly finish before the next one is due.
const MIN_INTERVAL_MS = 1000

/** Reads MONITOR_CONFIG (when set) and the domain shorthands into environment targets. */
export function loadMonitor (inputs: MonitorInputs, env: Env): LoadedMonitor {
  const redact = createRedactor(inputs.secrets)
  const problems: string[] = []
  let file: MonitorFile | undefined
  if (inputs.configPath !== undefined) {
    const read = readMonitorFile(inputs.configPath, env, redact)
    file = read.file
    problems.push(...read.problems)
  }
  // Runs on an invalid file too, so that every problem is reported in one go.
  const proxy = proxyFromEnv(env)
  const targets = buildMonitorTargets(file, { ...inputs, proxy }, redact)
  problems.push(...targets.problems)

  const intervalMs = targets.intervalMs ?? inputs.intervalMs ?? 0
  const intervalKnown = targets.intervalMs !== undefined || inputs.intervalMs !== undefined
  if (problems.length === 0 && intervalKnown && targets.environments.length > 0 && intervalMs < MIN_INTERVAL_MS) {
    const source = targets.intervalMs === undefined ? 'MONITOR_INTERVAL' : `${PREFIX} interval`
    problems.push(`${source}: expected at least 1s, got ${intervalMs} ms`)
  }
  return {
    environments: problems.length > 0 ? [] : targets.environments,
    githubLabels: targets.githubLabels,
    intervalMs,
    githubRepository: targets.githubRepository,
    concurrency: targets.concurrency,
    proxy,
    secrets: [
      ...(file === undefined ? [] : urlSecrets(file)),
      ...(file === undefined || !Array.isArray(file.environments) ? [] : file.environments.flatMap((entry) => entry !== null && typeof entry === 'object' ? checkSecrets(entry) : [])),
      ...[proxy.httpProxy, proxy.httpsProxy].flatMap((url) => urlCredentials(url) ?? [])
    ],
    problems: tidy(problems)
  }
}

// One line per field (the first found wins), grouped by where they point.
function tidy (lines: readonly string[]): string[] {
  const byField = new Map<string, string>()
  for (const line of lines) {
    const field = line.slice(0, line.indexOf(': ') + 1 || line.length)
    if (!byField.has(field)) byField.set(field, line)
  }
  return [...byField.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([, line]) => line)
}
