import type { ProbeResult } from '../health/component-registry.js'

/** What a probe reports; the prober measures latency and adds it. */
export type ProbeOutcome = Omit<ProbeResult, 'latencyMs'>

/**
 * One dependency checked in the background. `check` resolves with data (never rejects for a
 * dependency failure) and stops its work promptly once `signal` aborts.
 */
export interface Probe {
  /** Component name as reported and used in metric labels, e.g. `database`, `openai`. */
  readonly name: string
  /** Kind of dependency: `postgres`, `redis`, `ai_provider`. */
  readonly kind: string
  /** Report section the component is listed under (`ai_providers`); top level when absent. */
  readonly group?: string
  readonly required: boolean
  check: (signal: AbortSignal) => Promise<ProbeOutcome>
  /** Releases connections and timers; called once on shutdown. */
  close: () => Promise<void>
}

/** Keeps error text short enough for a report line. */
export function shorten (text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`
}

/** The error's message and code, whatever was thrown. */
export function errorInfo (error: unknown): { message: string, code: string | undefined } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return { message: error.message, code: typeof code === 'string' ? code : undefined }
  }
  return { message: String(error), code: undefined }
}

/** Error codes that name the same network failures for every driver. */
export function networkFailure (code: string | undefined, message: string): string | undefined {
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /getaddrinfo/.test(message)) return 'DNS failure: host name does not resolve'
  if (code === 'ECONNRESET' || code === 'EPIPE' || /terminated unexpectedly|socket hang up|Connection is closed/i.test(message)) return 'connection reset'
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `network unreachable (${code})`
  return undefined
}
