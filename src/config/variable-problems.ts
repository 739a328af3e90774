import { DURATION_LIMIT_EXPECTED, DURATION_PATTERN, MAX_DURATION_MS, parseDuration } from './duration.js'
import { EnvSchema, SECRET_VARIABLES } from './env-schema.js'

type Env = Record<string, string | undefined>
type Raw = Record<string, unknown>

interface FieldSchema { pattern?: string, protocols?: string[], secret?: boolean }

const schemaOf = (name: string): FieldSchema => (EnvSchema.properties as Record<string, FieldSchema | undefined>)[name] ?? {}

// Sentry's own DSN grammar (@sentry/core): key@host[:port]/[path/]projectId. The SDK prints a DSN
// that does not match it raw to the console, key and all; so it is refused here, value hidden.
const SENTRY_DSN = /^(?:(\w+):)\/\/(?:(\w+)(?::(\w+)?)?@)((?:\[[:.%\w]+\]|[\w.-]+))(?::(\d+))?\/(?:.*\/)?\d+\/?$/
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]{0,30}):/

/**
 * Secret variables set to nothing but whitespace: most likely a paste gone wrong, and for
 * HEALTH_DETAILED_TOKEN it would otherwise silently leave the detailed report open.
 */
export function whitespaceProblems (env: Env): string[] {
  return SECRET_VARIABLES
    .filter((name) => { const value = env[name]; return value !== undefined && value !== '' && value.trim() === '' })
    .map((name) => `${name}: expected a non-empty value, got only whitespace (unset the variable to leave it off)`)
}

/** Durations past the timer limit (2^31−1 ms): a timer that long fires at once, every time. */
export function durationLimitProblems (raw: Raw): string[] {
  return Object.keys(EnvSchema.properties)
    .filter((name) => schemaOf(name).pattern === DURATION_PATTERN && typeof raw[name] === 'string')
    .filter((name) => (parseDuration(raw[name] as string) ?? 0) > MAX_DURATION_MS)
    .map((name) => `${name}: expected ${DURATION_LIMIT_EXPECTED}, got ${JSON.stringify(raw[name])}`)
}

/**
 * The problem line for a URL variable of the wrong scheme: the scheme is shown (it is not secret)
 * with the closest accepted one suggested, `DATABASE_URL: expected a postgres or postgresql URL,
 * got scheme "postgress" (did you mean postgres://?)`. Undefined when the value has no scheme.
 */
export function schemeProblem (name: string, value: string, expected: string): string | undefined {
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase()
  const protocols = schemaOf(name).protocols
  if (scheme === undefined || protocols === undefined || protocols.includes(scheme)) return undefined
  const suggestion = closest(scheme, protocols)
  return `${name}: expected ${expected}, got scheme ${JSON.stringify(scheme)}${suggestion === undefined ? '' : ` (did you mean ${suggestion}://?)`}`
}

// The accepted scheme sharing the longest start with the given one (at least 3 characters).
function closest (scheme: string, protocols: readonly string[]): string | undefined {
  let best: string | undefined
  let bestLength = 2
  for (const protocol of protocols) {
    let common = 0
    while (common < scheme.length && scheme[common] === protocol[common]) common++
    if (common > bestLength) { best = protocol; bestLength = common }
  }
  return best
}

/** Problems specific to one variable, beyond its schema: the Sentry DSN and the repository. */
export function specificProblems (raw: Raw): string[] {
  const problems: string[] = []
  const dsn = raw.SENTRY_DSN
  if (typeof dsn === 'string' && !SENTRY_DSN.test(dsn)) {
    problems.push('SENTRY_DSN: expected a Sentry DSN such as https://<key>@<host>/<project id>, got (value hidden)')
  }
  const repository = raw.GITHUB_REPOSITORY
  if (typeof repository === 'string') {
    const problem = repositoryProblem(repository)
    if (problem !== undefined) problems.push(`GITHUB_REPOSITORY: ${problem}`)
  }
  return problems
}

/** Why an `owner/name` that matched the pattern is still not a repository name, if it is not. */
export function repositoryProblem (repository: string): string | undefined {
  if (!/\.git$/i.test(repository)) return undefined
  return `expected owner/name without ".git", got ${JSON.stringify(repository)} (did you mean ${JSON.stringify(repository.replace(/\.git$/i, ''))}?)`
}
