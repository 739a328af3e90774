import { checkEnvironment } from '../monitor/check-environment.js'
import type { CheckResult, EnvironmentTarget } from '../monitor/types.js'
import { DEFAULT_VERIFY_ATTEMPTS, DEFAULT_VERIFY_DELAY_MS, verifyUntilHealthy, type VerifyOutcome } from '../monitor/verify.js'
import { formatDuration, tries } from './format.js'
import { EXIT, type CliIo } from './io.js'
import { loadCheckContext } from './load-cli-config.js'
import { parseCount, parseDurationFlag, parseOptions, UsageError } from './parse-options.js'
import { pickEnvironment } from './targets.js'

/** `vigil verify --help`. */
export const VERIFY_USAGE = `Usage: vigil verify --env NAME [--attempts N] [--delay DURATION] [--json] [--allow-degraded]

Verifies a deployment, for CI pipelines after \`railway up\`: checks NAME until it is healthy,
up to N tries, DURATION apart. One progress line per try on stderr; the result on stdout.

Options:
  --env NAME          the environment to verify (required)
  --attempts N        tries at most (default: the environment's verify_attempts, else 12)
  --delay DURATION    wait between tries, e.g. 500ms, 10s (default: verify_delay, else 10s)
  --json              print the result as JSON
  --allow-degraded    accept a degraded answer as passing
  -h, --help          show this help

Exit status: 0 healthy, 1 never healthy (or cancelled), 2 usage or configuration error.
`

// Bounds of the flags: a CI job should give up within hours, not days.
const MAX_ATTEMPTS = 1000
const MAX_DELAY_MS = 3_600_000

const failuresOf = (result: CheckResult): string => result.failures.length === 0 ? result.status : result.failures.join('; ')

function progressLine (target: EnvironmentTarget, attempt: number, max: number, result: CheckResult): string {
  const answer = result.httpStatus === null ? '' : ` (HTTP ${result.httpStatus}${result.responseTimeMs === null ? '' : `, ${Math.round(result.responseTimeMs)} ms`})`
  const detail = result.failures.length === 0 ? '' : `: ${failuresOf(result)}`
  return `${target.name}: try ${attempt} of ${max}: ${result.status}${answer}${detail}\n`
}

function resultLine (target: EnvironmentTarget, outcome: VerifyOutcome): string {
  const last = outcome.results.at(-1)
  const took = `after ${tries(outcome.attempts)} in ${formatDuration(outcome.elapsedMs)}`
  if (outcome.healthy) return `${target.name} is ${last?.status ?? 'healthy'} ${took} (${target.displayUrl})\n`
  if (outcome.aborted) return `${target.name}: verification cancelled ${took}\n`
  return `${target.name} is not healthy ${took}: ${last === undefined ? 'no result' : failuresOf(last)}\n`
}

function resultJson (target: EnvironmentTarget, outcome: VerifyOutcome, maxAttempts: number, delayMs: number): string {
  return `${JSON.stringify({
    environment: target.name,
    url: target.displayUrl,
    healthy: outcome.healthy,
    status: outcome.results.at(-1)?.status ?? 'unhealthy',
    aborted: outcome.aborted,
    attempts: outcome.attempts,
    max_attempts: maxAttempts,
    delay_ms: delayMs,
    elapsed_ms: Math.round(outcome.elapsedMs),
    results: outcome.results.map((r, i) => ({
      attempt: i + 1,
      checked_at: r.checkedAt.toISOString(),
      status: r.status,
      http_status: r.httpStatus,
      response_time_ms: r.responseTimeMs === null ? null : Math.round(r.responseTimeMs),
      failures: [...r.failures]
    }))
  }, null, 2)}\n`
}

/** `vigil verify`: post-deploy verification of one environment for CI; 0 healthy, 1 not, 2 usage/configuration. */
export async function runVerify (argv: readonly string[], io: CliIo): Promise<number> {
  const flags = parseOptions(argv, {
    env: { type: 'string' },
    attempts: { type: 'string' },
    delay: { type: 'string' },
    json: { type: 'boolean', default: false },
    'allow-degraded': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false }
  })
  if (flags.help) { io.stdout.write(VERIFY_USAGE); return EXIT.ok }
  if (flags.env === undefined) throw new UsageError('--env NAME is required')
  // Flags are judged before the configuration, so a typo is reported as such.
  const attemptsFlag = flags.attempts === undefined ? undefined : parseCount('--attempts', flags.attempts, MAX_ATTEMPTS)
  const delayFlag = flags.delay === undefined ? undefined : parseDurationFlag('--delay', flags.delay, MAX_DELAY_MS)
  const context = await loadCheckContext(io, 'verify')
  if (context === undefined) return EXIT.usage
  const { redact, out } = context
  const target: EnvironmentTarget = pickEnvironment(context.targets, flags.env)
  const attempts = attemptsFlag ?? target.verifyAttempts ?? DEFAULT_VERIFY_ATTEMPTS
  const delayMs = delayFlag ?? target.verifyDelayMs ?? DEFAULT_VERIFY_DELAY_MS
  const outcome = await verifyUntilHealthy(async () => await checkEnvironment(target, { signal: io.signal, redact }), {
    attempts,
    delayMs,
    signal: io.signal,
    acceptDegraded: flags['allow-degraded'],
    onAttempt: (attempt, result) => { out.stderr.write(progressLine(target, attempt, attempts, result)) }
  })
  out.stdout.write(flags.json ? resultJson(target, outcome, attempts, delayMs) : resultLine(target, outcome))
  return outcome.healthy ? EXIT.ok : EXIT.failed
}
