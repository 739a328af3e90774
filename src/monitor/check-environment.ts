import { setTimeout as sleep } from 'node:timers/promises'
import { worstStatus, type Status } from '../health/status.js'
import { createRedactor, redactShortened, redactUrl, type Redactor } from '../redact.js'
import { createCheckConnector } from './check-dispatcher.js'
import { DEFAULT_MAX_BODY_BYTES } from './body-limit.js'
import { shownPath } from './shown-path.js'
import { judgeCertificate, judgeHealth, judgePath, type Verdict } from './judge.js'
import { sendRequest, type RequestOutcome } from './send-request.js'
import type { TlsObservation } from './tls-inspection.js'
import type { AttemptResult, CheckResult, EnvironmentTarget, PathCheckResult } from './types.js'

export { DEFAULT_MAX_BODY_BYTES } from './body-limit.js'

/** Characters of a failing health answer kept in the result (`bodyExcerpt`) for the incident issue. */
export const BODY_EXCERPT_CHARS = 500

/** Collaborators of a check; each defaults to the production one. */
export interface CheckDeps {
  /** Aborts the check (shutdown): it then ends early with `check aborted`. */
  readonly signal?: AbortSignal | undefined
  readonly now?: () => Date
  /** Scrubs values shown in failures (condition values); default: the environment's header values. */
  readonly redact?: Redactor | undefined
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

// Its own module, so that the main thread can show paths without loading the check transport.
export { shownPath }

/** Where each failure lies: host-wide problems (DNS, TLS) are not tied to a path. */
function failurePhrases (path: string, outcome: RequestOutcome, verdict: Verdict): string[] {
  if (!outcome.ok && (outcome.failure.kind === 'dns' || outcome.failure.kind === 'tls')) return [...verdict.errors]
  return verdict.errors.map((error) => `${shownPath(path)}: ${error}`)
}

async function waitBetween (ms: number, signal: AbortSignal | undefined): Promise<void> {
  try { await sleep(ms, undefined, { signal }) } catch { /* aborted: the caller checks the signal */ }
}

/** The certificate of the chain that expires first: the date the site breaks. */
function earliestExpiry (observation: TlsObservation | undefined): { subject: string, notAfter: Date } | undefined {
  const valid = observation?.chain.filter((c) => !Number.isNaN(c.notAfter.getTime())) ?? []
  return valid.reduce<typeof valid[number] | undefined>((first, c) => first === undefined || c.notAfter < first.notAfter ? c : first, undefined)
}

const DAY_MS = 86_400_000

/**
 * Checks one environment: the health URL (up to `attempts` tries, `retryDelayMs` apart, stopping
 * at the first answer that is not unhealthy), the TLS chain read on the same connections, and the
 * extra paths. Each try has one deadline, `timeoutMs`, covering connection, handshake and answer.
 * Returns data, never throws; `failures` holds only stable, redacted phrases.
 */
export async function checkEnvironment (target: EnvironmentTarget, deps: CheckDeps = {}): Promise<CheckResult> {
  const now = deps.now ?? (() => new Date())
  const { signal } = deps
  const redact = deps.redact ?? createRedactor(Object.values(target.headers ?? {}))
  // A function, so that TypeScript does not narrow `aborted` across the awaits.
  const aborted = (): boolean => signal?.aborted === true
  const base = new URL(target.url)
  const connector = createCheckConnector(target, now)
  const { tlsOf } = connector
  const method = target.method ?? 'GET'
  const send = async (path: string, health: boolean): Promise<RequestOutcome> =>
    await sendRequest(joinPath(base, path), {
      connector,
      signal,
      maxRedirects: target.maxRedirects ?? 0,
      timeoutMs: target.timeoutMs,
      headers: target.headers,
      method: health ? method : 'GET',
      body: health ? target.body : undefined,
      maxBodyBytes: target.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      readBody: health && target.ignoreBody !== true && method !== 'HEAD'
    })
  // The URL as people may see it: no credentials, no secret query parameter, no known secret.
  const shownUrl = (path: string): string => redact(redactUrl(joinPath(base, shownPath(path)).toString()))
  // TLS expiry is the first host's, whatever the redirects.
  const daysLeftNow = (): number | null => {
    const earliest = earliestExpiry(tlsOf(base.origin))
    return earliest === undefined ? null : Math.floor((earliest.notAfter.getTime() - now().getTime()) / DAY_MS)
  }

  try {
    const attempts: AttemptResult[] = []
    let outcome: RequestOutcome | undefined
    let verdict: Verdict = { status: 'unhealthy', errors: ['check aborted'] }
    for (let attempt = 1; attempt <= target.attempts && !aborted(); attempt++) {
      if (attempt > 1) await waitBetween(target.retryDelayMs, signal)
      if (aborted()) break
      const startedAt = now().toISOString()
      outcome = await send(target.healthPath, true)
      verdict = judgeHealth(outcome, target, { certificateDaysLeft: daysLeftNow(), redact })
      attempts.push({
        attempt,
        startedAt,
        httpStatus: outcome.ok ? outcome.httpStatus : null,
        responseTimeMs: outcome.responseTimeMs,
        ...(verdict.errors.length === 0 ? {} : { error: verdict.errors.join('; ') })
      })
      if (verdict.status !== 'unhealthy') break
    }

    const failures = new Set<string>()
    const statuses: Status[] = [verdict.status]
    if (outcome === undefined) failures.add('check aborted')
    else if (verdict.status !== 'healthy') for (const phrase of failurePhrases(target.healthPath, outcome, verdict)) failures.add(phrase)

    // Without any HTTP answer the extra paths would only repeat the same failure.
    const answered = outcome?.ok === true
    const pathOutcomes = answered ? await Promise.all(target.checks.map(async (path) => ({ path, outcome: await send(path, false) }))) : []

    const checkedAt = now()
    const observation = tlsOf(base.origin)
    const earliest = earliestExpiry(observation)
    let tlsDaysLeft: number | null = null
    if (earliest !== undefined) {
      const judged = judgeCertificate(earliest.notAfter, earliest.subject, checkedAt, target.tlsMinDays)
      tlsDaysLeft = judged.daysLeft
      statuses.push(judged.verdict.status)
      for (const error of judged.verdict.errors) failures.add(error)
    }

    const paths: PathCheckResult[] = pathOutcomes.map(({ path, outcome: pathOutcome }) => {
      const pathVerdict = judgePath(pathOutcome)
      statuses.push(pathVerdict.status)
      for (const phrase of failurePhrases(path, pathOutcome, pathVerdict)) failures.add(phrase)
      return {
        path: shownPath(path),
        url: shownUrl(path),
        httpStatus: pathOutcome.ok ? pathOutcome.httpStatus : null,
        responseTimeMs: pathOutcome.responseTimeMs,
        ...(pathVerdict.errors.length === 0 ? {} : { error: pathVerdict.errors.join('; ') })
      }
    })

    const last = attempts.at(-1)
    const answerBody = outcome?.ok === true && verdict.status !== 'healthy' ? outcome.body?.trim() : undefined
    return {
      environment: target.name,
      displayUrl: target.displayUrl,
      healthUrl: shownUrl(target.healthPath),
      ...(answerBody === undefined || answerBody === '' ? {} : { bodyExcerpt: redactShortened(answerBody, BODY_EXCERPT_CHARS, redact) }),
      status: aborted() ? 'unhealthy' : worstStatus(statuses),
      checkedAt,
      httpStatus: last?.httpStatus ?? null,
      // Time to a refused or timed-out connection is not a response time; the attempts keep it.
      responseTimeMs: outcome?.ok === true ? outcome.responseTimeMs : null,
      tlsDaysLeft,
      tlsExpiresAt: earliest?.notAfter ?? null,
      failures: [...failures].sort(),
      attempts,
      paths,
      ...(base.protocol === 'https:'
        ? { tlsSubject: earliest?.subject ?? null, tlsVerified: target.tlsSkipVerify !== true, tlsProblems: observation?.problems ?? [] }
        : {})
    }
  } finally {
    connector.close()
  }
}
