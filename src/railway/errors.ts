/** Why a Railway API call failed, as the `result` label of vigil_railway_api_requests_total. */
export type RailwayFailureKind = 'failure' | 'rate_limited' | 'timeout'

/**
 * A Railway API call that did not succeed: HTTP error, GraphQL `errors`, rate limit or deadline.
 * The message is redacted (never the token, never a header) and names the operation.
 */
export class RailwayApiError extends Error {
  override readonly name = 'RailwayApiError'
  readonly operation: string
  readonly kind: RailwayFailureKind
  /** HTTP status when Railway answered; undefined for timeouts and network errors. */
  readonly status: number | undefined

  constructor (operation: string, kind: RailwayFailureKind, message: string, options: { status?: number, cause?: unknown } = {}) {
    super(`Railway ${operation}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.operation = operation
    this.kind = kind
    this.status = options.status
  }
}
