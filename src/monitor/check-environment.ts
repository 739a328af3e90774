import { setTimeout as sleep } from 'node:timers/promises'
import type { Dispatcher } from 'undici'
import { worstStatus, type Status } from '../health/status.js'
import { httpGet, type GetOutcome } from './http-get.js'
import { judgeCertificate, judgeHealth, judgePath, type Verdict } from './judge.js'
import { readCertificate } from './tls-certificate.js'
import type { AttemptResult, CheckResult, EnvironmentTarget, PathCheckResult } from './types.js'

/** Collaborators of a check; each defaults to the production one. */
export interface CheckDeps {
  /** undici dispatcher for the HTTP requests (tests pass an Agent trusting their own CA). */
  readonly dispatcher?: Dispatcher | undefined
  /** Aborts the check (shutdown): it then ends early with `check aborted`. */
  readonly signal?: AbortSignal | undefined
  readonly now?: () => Date
  readonly readCertificate?: typeof readCertificate
}

/** `base` + `path`, keeping the base's own path prefix and query. */
export function joinPath (base: URL, path: string): URL {
  const url = new URL(base)
  const queryAt = path.indexOf('?')
  const pathname = queryAt === -1 ? path : path.slice(0, queryAt)
  url.pathname = url.pathname.replace(/\/+$/, '') + pathname
  if (queryAt !== -1) for (const [key, value] of new URLSearchParams(path.slice(queryAt + 1))) url.searchParams.append(key, value)
  return url
}

// A path's query may carry a key: failures name the path only.
const shownPath = (path: string): string => path.split('?')[0] ?? path

/** Where the failure lies: host-wide problems (DNS, TLS) are not tied to a path. */
function failurePhrase (path: string, outcome: GetOutcome, verdict: Verdict): string {
  if (!outcome.ok && (outcome.failure.kind === 'dns' || outcome.failure.kind === 'tls')) return outcome.failure.error
  return `${shownPath(path)}: ${verdict.error ?? 'failed'}`
}

async function waitBetween (ms: number, signal: AbortSignal | undefined): Promise<void> {
  try { await sleep(ms, undefined, { signal }) } catch { /* aborted: the caller checks the signal */ }
}

/**
 * Checks one environment: the health URL (up to `attempts` tries, `retryDelayMs` apart, stopping
 * at the first answer that is not unhealthy), then its TLS certificate and extra paths. Returns data,
 * never throws; `failures` holds only stable, redacted phrases.
 */
export async function checkEnvironment (target: EnvironmentTarget, deps: CheckDeps = {}): Promise<CheckResult> {
  const now = deps.now ?? (() => new Date())
  const { signal, dispatcher } = deps
  // A function, so that TypeScript does not narrow `aborted` across the awaits.
  const aborted = (): boolean => signal?.aborted === true
  const base = new URL(target.url)
  const get = async (path: string): Promise<GetOutcome> =>
    await httpGet(joinPath(base, path), { dispatcher, signal, timeoutMs: target.timeoutMs })

  const attempts: AttemptResult[] = []
  let outcome: GetOutcome | undefined
  let verdict: Verdict = { status: 'unhealthy', error: 'check aborted' }
  for (let attempt = 1; attempt <= target.attempts && !aborted(); attempt++) {
    if (attempt > 1) await waitBetween(target.retryDelayMs, signal)
    if (aborted()) break
    const startedAt = now().toISOString()
    outcome = await get(target.healthPath)
    verdict = judgeHealth(outcome, target)
    attempts.push({
      attempt,
      startedAt,
      httpStatus: outcome.ok ? outcome.httpStatus : null,
      responseTimeMs: outcome.responseTimeMs,
      ...(verdict.error === undefined ? {} : { error: verdict.error })
    })
    if (verdict.status !== 'unhealthy') break
  }

  const failures = new Set<string>()
  const statuses: Status[] = [verdict.status]
  if (outcome === undefined || verdict.status !== 'healthy') {
    failures.add(outcome === undefined ? 'check aborted' : failurePhrase(target.healthPath, outcome, verdict))
  }

  // Without any HTTP answer the extra paths would only repeat the same failure.
  const answered = outcome?.ok === true
  const reachable = outcome !== undefined && (outcome.ok || !['dns', 'aborted'].includes(outcome.failure.kind))
  const [certificate, pathOutcomes] = await Promise.all([
    base.protocol === 'https:' && reachable
      ? (deps.readCertificate ?? readCertificate)(base, { timeoutMs: target.timeoutMs, signal })
      : undefined,
    answered ? Promise.all(target.checks.map(async (path) => ({ path, outcome: await get(path) }))) : []
  ])

  const checkedAt = now()
  let tlsDaysLeft: number | null = null
  let tlsExpiresAt: Date | null = null
  if (certificate?.ok === true) {
    const judged = judgeCertificate(certificate.expiresAt, checkedAt, target.tlsMinDays)
    tlsDaysLeft = judged.daysLeft
    tlsExpiresAt = certificate.expiresAt
    statuses.push(judged.verdict.status)
    if (judged.verdict.error !== undefined) failures.add(judged.verdict.error)
  }

  const paths: PathCheckResult[] = pathOutcomes.map(({ path, outcome: pathOutcome }) => {
    const pathVerdict = judgePath(pathOutcome)
    statuses.push(pathVerdict.status)
    if (pathVerdict.error !== undefined) failures.add(failurePhrase(path, pathOutcome, pathVerdict))
    return {
      path: shownPath(path),
      httpStatus: pathOutcome.ok ? pathOutcome.httpStatus : null,
      responseTimeMs: pathOutcome.responseTimeMs,
      ...(pathVerdict.error === undefined ? {} : { error: pathVerdict.error })
    }
  })

  const last = attempts.at(-1)
  return {
    environment: target.name,
    displayUrl: target.displayUrl,
    status: aborted() ? 'unhealthy' : worstStatus(statuses),
    checkedAt,
    httpStatus: last?.httpStatus ?? null,
    // Time to a refused or timed-out connection is not a response time; the attempts keep it.
    responseTimeMs: outcome?.ok === true ? outcome.responseTimeMs : null,
    tlsDaysLeft,
    tlsExpiresAt,
    failures: [...failures].sort(),
    attempts,
    paths
  }
}
