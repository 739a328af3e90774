import type { Status } from '../../src/health/status.js'
import type { CheckResult } from '../../src/monitor/types.js'

export interface ResultSpec {
  readonly at?: Date
  readonly failures?: readonly string[]
  readonly httpStatus?: number | null
  readonly displayUrl?: string
  readonly error?: string
}

/** A CheckResult for the incident side, filled in sensibly from a status and a few facts. */
export function checkResult (environment: string, status: Status, spec: ResultSpec = {}): CheckResult {
  const at = spec.at ?? new Date('2026-11-26T10:00:00Z')
  const unhealthy = status === 'unhealthy'
  const httpStatus = spec.httpStatus === undefined ? (unhealthy ? 502 : 200) : spec.httpStatus
  const failures = spec.failures ?? (unhealthy ? [`HTTP ${httpStatus ?? 'no answer'} from /health`] : [])
  return {
    environment,
    displayUrl: spec.displayUrl ?? `https://${environment}.example.com`,
    status,
    checkedAt: at,
    httpStatus,
    responseTimeMs: 120,
    tlsDaysLeft: 41,
    tlsExpiresAt: new Date(at.getTime() + 41 * 86_400_000),
    failures,
    attempts: [1, 2, 3].map((attempt) => ({
      attempt,
      startedAt: new Date(at.getTime() - (3 - attempt) * 10_000).toISOString(),
      httpStatus,
      responseTimeMs: 120,
      ...(unhealthy ? { error: spec.error ?? `HTTP ${httpStatus ?? 'no answer'}` } : {})
    })),
    paths: []
  }
}

/** `start` plus `minutes`. */
export const minutesAfter = (start: Date, minutes: number): Date => new Date(start.getTime() + minutes * 60_000)
