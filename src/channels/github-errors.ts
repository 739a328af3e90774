import { DeliveryError } from '../delivery/types.js'

interface HttpErrorLike {
  readonly status?: unknown
  readonly message?: unknown
  readonly response?: { readonly headers?: Record<string, string | number | undefined>, readonly data?: unknown }
}

const statusOf = (error: unknown): number | undefined => {
  const status = (error as HttpErrorLike | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** True when GitHub says the issue is not there any more: deleted (410) or transferred / hidden (404). */
export function isGone (error: unknown): boolean {
  const status = statusOf(error)
  return status === 404 || status === 410
}

function messageOf (error: unknown): string {
  const data = (error as HttpErrorLike | null)?.response?.data
  const fromBody = typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string' ? (data as { message: string }).message : undefined
  const raw = fromBody ?? (error instanceof Error ? error.message : String(error))
  return raw.split(' - https://')[0]!.slice(0, 200)
}

/**
 * When GitHub allows the next write, from its rate-limit answer: `retry-after` (seconds), else an
 * exhausted primary limit's `x-ratelimit-reset` (epoch seconds), else one minute for a secondary
 * limit that gave no header — as GitHub's "Rate limits for the REST API" page prescribes.
 */
function retryAtOf (error: unknown, status: number, now: Date): Date | undefined {
  const headers = (error as HttpErrorLike).response?.headers ?? {}
  const retryAfter = Number(headers['retry-after'])
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return new Date(now.getTime() + Math.max(0, retryAfter) * 1000)
  const reset = Number(headers['x-ratelimit-reset'])
  if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset)) return new Date(Math.max(now.getTime(), reset * 1000))
  if (status === 429 || /secondary rate limit/i.test(messageOf(error))) return new Date(now.getTime() + 60_000)
  return undefined
}

/**
 * Classifies a failed GitHub request for the delivery worker (see DeliveryError): rate limits hold
 * the channel, 5xx and lost answers are retried, any other 4xx is permanent (a retry with the same
 * payload cannot change it). `operation` names the request in the reason, which never holds a secret.
 */
export function classifyGithubError (error: unknown, operation: string, now: Date = new Date()): DeliveryError {
  if (error instanceof DeliveryError) return error
  const status = statusOf(error)
  const message = messageOf(error)
  if (status === 403 || status === 429) {
    const retryAt = retryAtOf(error, status, now)
    if (retryAt !== undefined) return new DeliveryError('rate-limited', `GitHub rate limit on ${operation} (HTTP ${status}) until ${retryAt.toISOString()}`, { retryAt, cause: error })
  }
  // Octokit reports a request that got no response (timeout, reset) as status 500 without a response.
  const answered = status !== undefined && (error as HttpErrorLike).response !== undefined
  if (!answered || status >= 500) {
    return new DeliveryError('retryable', `${operation}: ${answered ? `HTTP ${status}` : 'no answer'} (${message})`, { cause: error })
  }
  return new DeliveryError('permanent', `GitHub refused ${operation}: HTTP ${status} ${message}`, { cause: error })
}
