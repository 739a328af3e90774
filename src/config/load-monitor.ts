import type { EnvironmentTarget } from '../monitor/types.js'
import { createRedactor, type Redactor } from '../redact.js'
import type { ExpandedValue } from './expand-variables.js'
import { expandedPaths, expandedSecrets, parseMonitorText, readMonitorFile, urlSecrets, PREFIX } from './monitor-file.js'
import { MonitorFileSchema, type MonitorFile } from './monitor-schema.js'
import { buildMonitorTargets } from './monitor-targets.js'
import { loadChannels } from './monitor-channels.js'
import type { ChannelDeclaration } from './channel-settings.js'
import { durationLimitProblems } from './schema-problems.js'
import { repositoryProblem } from './variable-problems.js'
import { checkSecrets, proxyFromEnv } from './check-options.js'
import { urlCredentials } from './url.js'
import type { ProxySettings } from '../monitor/types.js'

type Env = Record<string, string | undefined>

export interface MonitorInputs {
  readonly configPath: string | undefined
  /** MONITOR_CONFIG_YAML: the monitor file's content itself (exclusive with `configPath`). */
  readonly configYaml?: string | undefined
  readonly railwayDomain: string | undefined
  readonly stagingRailwayDomain: string | undefined
  /** MONITOR_INTERVAL, already parsed; undefined when it is invalid (reported elsewhere). */
  readonly intervalMs: number | undefined
  /** MONITOR_CONCURRENCY, already validated: used when the file sets no `concurrency` (as MONITOR_INTERVAL for `interval`). */
  readonly concurrency?: number | undefined
  /** Secrets known from the variables, so problem lines never echo them. */
  readonly secrets: readonly string[]
  /** RAILWAY_DISCOVERY=true: Railway may supply every environment, so a file may list none. */
  readonly discoveryRequested?: boolean
}

/** The monitor part of the configuration, or the problems that stop start-up. */
export interface LoadedMonitor {
  readonly environments: readonly EnvironmentTarget[]
  /** The file's `channels`, validated (each environment's `notify` names some of them). */
  readonly channels: readonly ChannelDeclaration[]
  readonly githubLabels: readonly string[]
  readonly intervalMs: number
  readonly githubRepository: string | undefined
  /** Checks in flight at once (the file's `concurrency`, else MONITOR_CONCURRENCY, default 100). */
  readonly concurrency: number
  /** HTTP_PROXY, HTTPS_PROXY and NO_PROXY, for the checks and the AI probes. */
  readonly proxy: ProxySettings
  /** Passwords in environment and proxy URLs, header values and every value from a `${VAR}`, for the process redactor. */
  readonly secrets: readonly string[]
  readonly problems: readonly string[]
}

// Below this a cycle would hardly finish before the next one is due.
const MIN_INTERVAL_MS = 1000

/** The variable that holds the monitor file's content (on platforms where mounting a file is awkward). */
export const YAML_VARIABLE = 'MONITOR_CONFIG_YAML'

/**
 * Reads MONITOR_CONFIG or MONITOR_CONFIG_YAML (at most one of them) and the domain shorthands into
 * environment targets.
 */
export function loadMonitor (inputs: MonitorInputs, env: Env): LoadedMonitor {
  if (inputs.configPath !== undefined && inputs.configYaml !== undefined) {
    const shorthands = loadSource({ ...inputs, configPath: undefined, configYaml: undefined }, env)
    return { ...shorthands, environments: [], problems: [...shorthands.problems, `${YAML_VARIABLE}: set either MONITOR_CONFIG (a path to the monitor file) or ${YAML_VARIABLE} (its content), not both`] }
  }
  const loaded = loadSource(inputs, env)
  // Problems about text from the variable name the variable, so the fix is looked for there.
  return inputs.configYaml === undefined ? loaded : { ...loaded, problems: loaded.problems.map((line) => line.replace(/^MONITOR_CONFIG(?=[ :])/, YAML_VARIABLE)) }
}

function loadSource (inputs: MonitorInputs, env: Env): LoadedMonitor {
  const problems: string[] = []
  let file: MonitorFile | undefined
  let references: readonly ExpandedValue[] = []
  const redactor = createRedactor(inputs.secrets)
  const read = inputs.configYaml !== undefined
    ? parseMonitorText(inputs.configYaml, env, redactor)
    : inputs.configPath !== undefined ? readMonitorFile(inputs.configPath, env, redactor) : undefined
  if (read !== undefined) {
    file = read.file
    references = read.references
    problems.push(...read.problems)
    if (file !== undefined) problems.push(...durationLimitProblems(PREFIX, MonitorFileSchema, file))
  }
  const proxy = proxyFromEnv(env)
  const headerSecrets = file === undefined || !Array.isArray(file.environments) ? [] : file.environments.flatMap((entry) => entry !== null && typeof entry === 'object' ? checkSecrets(entry) : [])
  const channels = loadChannels(file, createRedactor(inputs.secrets))
  const secrets = [
    ...(file === undefined ? [] : [...urlSecrets(file), ...expandedSecrets(references)]),
    ...channels.secrets,
    ...headerSecrets,
    ...[proxy.httpProxy, proxy.httpsProxy].flatMap((url) => urlCredentials(url) ?? [])
  ]
  const redact = createRedactor([...inputs.secrets, ...secrets])
  // Runs on an invalid file too, so that every problem is reported in one go; targets are built
  // only from a file that passed validation.
  const targets = buildMonitorTargets(file, { ...inputs, proxy }, redact, problems.length === 0)
  // Channel problems pass the whole redactor: a setting may quote a secret declared beside it.
  problems.push(...targets.problems, ...channels.problems.map(redact))
  // A monitor file that lists no environment would start a service watching nothing, looking
  // healthy; refused like an empty one, unless a shorthand or discovery brings environments.
  if (read !== undefined && file !== undefined && problems.length === 0 && targets.environments.length === 0 && inputs.discoveryRequested !== true) {
    problems.push(`${PREFIX} environments: none listed, so nothing would be monitored; expected at least one environment (or RAILWAY_DOMAIN, or RAILWAY_DISCOVERY=true to take them from Railway)`)
  }
  const repositoryIssue = targets.githubRepository === undefined ? undefined : repositoryProblem(targets.githubRepository)
  if (repositoryIssue !== undefined) problems.push(`${PREFIX} github.repository: ${repositoryIssue}`)

  const intervalMs = targets.intervalMs ?? inputs.intervalMs ?? 0
  const intervalKnown = targets.intervalMs !== undefined || inputs.intervalMs !== undefined
  if (problems.length === 0 && intervalKnown && targets.environments.length > 0 && intervalMs < MIN_INTERVAL_MS) {
    const source = targets.intervalMs === undefined ? 'MONITOR_INTERVAL' : `${PREFIX} interval`
    problems.push(`${source}: expected at least 1s, got ${intervalMs} ms`)
  }
  return {
    // The shown URLs are redacted with `redact` already (buildMonitorTargets): values from `${VAR}` too.
    environments: problems.length > 0
      ? []
      : channels.channels.length === 0
        ? targets.environments
        // Completed in place (buildMonitorTargets made them for this): V8 gives each `{ ...target }`
        // copy of an object this large (out-of-object properties) a hidden class of its own, ~800
        // bytes each (8 MB at 10,000 environments), and Object.assign onto {} a dictionary.
        : targets.environments.map((target): EnvironmentTarget => Object.assign(target, { notify: channels.notifyOf(target.name) })),
    channels: problems.length > 0 ? [] : channels.channels,
    githubLabels: targets.githubLabels,
    intervalMs,
    githubRepository: targets.githubRepository,
    concurrency: typeof file?.concurrency === 'number' ? targets.concurrency : inputs.concurrency ?? targets.concurrency,
    proxy,
    secrets,
    problems: tidy(problems.map((line) => withoutExpandedValue(line, references, redact)))
  }
}

const GOT = ', got '

/**
 * A problem line about a value that holds a `${VAR}` (or contains one) shows the value as written
 * in the file, never as expanded: `got "${BASIC}@staging.example.com" (expanded value hidden)`.
 */
function withoutExpandedValue (line: string, references: readonly ExpandedValue[], redact: Redactor): string {
  const at = line.lastIndexOf(GOT)
  if (at === -1 || !line.startsWith(`${PREFIX} `)) return line
  const field = line.slice(PREFIX.length + 1, line.indexOf(': '))
  const paths = expandedPaths(references)
  const written = paths.get(field)
  const inside = written === undefined && [...paths.keys()].some((path) => path.startsWith(`${field}.`) || path.startsWith(`${field}[`))
  if (written === undefined && !inside) return line
  const shown = written === undefined ? 'a value holding ${…} (hidden)' : `${redact(JSON.stringify(written))} (expanded value hidden)`
  return `${line.slice(0, at)}${GOT}${shown}`
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
