import { setTimeout as sleep } from 'node:timers/promises'
import type { IncidentLog } from '../structured-log.js'
import type { DeploymentContext, RailwayRef } from './types.js'

/** How long a fetched context is reused. */
export const DEFAULT_CONTEXT_TTL_MS = 60_000
/** Deadline of one fetch (all its Railway requests). */
export const DEFAULT_CONTEXT_FETCH_MS = 5_000
/** The longest an incident waits for a context not fetched yet. */
export const DEFAULT_CONTEXT_WAIT_MS = 2_000
// A failed fetch is not tried again for this long, so a Railway outage costs one request a while.
const FAILURE_TTL_MS = 15_000

export interface ContextCacheOptions {
  /** Reads the context of a ref within `timeoutMs` (railway/client.ts). */
  readonly fetch: (ref: RailwayRef, options: { timeoutMs: number }) => Promise<DeploymentContext | undefined>
  /** Which Railway environment/service a Vigil environment watches; undefined: none. */
  readonly refOf: (environment: string) => RailwayRef | undefined
  readonly log: IncidentLog
  readonly ttlMs?: number
  readonly fetchTimeoutMs?: number
  readonly waitMs?: number
  readonly now?: () => number
}

/** Deployment context per Vigil environment, fetched ahead and cached: never in the incident's way. */
export interface ContextCache {
  /** Starts fetching the environment's context unless a fresh one is cached or on its way. Never throws. */
  prefetch: (environment: string) => void
  /** The context when it is (or becomes within `waitMs`) available; undefined otherwise. Never throws. */
  contextOf: (environment: string) => Promise<DeploymentContext | undefined>
}

interface Entry { readonly at: number, readonly ttlMs: number, readonly value: Promise<DeploymentContext | undefined> }

/**
 * Fetches an environment's deployment context when asked (the incident side asks on every failing
 * result), with its own deadline, and keeps it a minute. An incident takes what is there, waiting
 * at most `waitMs` for a fetch under way; a failed or slow Railway only costs the context.
 */
export function createContextCache (options: ContextCacheOptions): ContextCache {
  const ttlMs = options.ttlMs ?? DEFAULT_CONTEXT_TTL_MS
  const fetchTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_CONTEXT_FETCH_MS
  const waitMs = options.waitMs ?? DEFAULT_CONTEXT_WAIT_MS
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()

  function start (environment: string): Entry | undefined {
    const cached = entries.get(environment)
    if (cached !== undefined && now() - cached.at < cached.ttlMs) return cached
    const ref = options.refOf(environment)
    if (ref === undefined) return undefined
    const at = now()
    const value = options.fetch(ref, { timeoutMs: fetchTimeoutMs }).catch((error: unknown) => {
      entries.set(environment, { at, ttlMs: FAILURE_TTL_MS, value: Promise.resolve(undefined) })
      options.log.warn({ module: 'railway', environment, err: error instanceof Error ? error.message : String(error) }, `Railway deployment context for ${environment} is unavailable`)
      return undefined
    })
    const entry = { at, ttlMs, value }
    entries.set(environment, entry)
    return entry
  }

  return {
    prefetch (environment) { start(environment) },
    async contextOf (environment) {
      const entry = start(environment)
      if (entry === undefined) return undefined
      const timer = new AbortController()
      try {
        return await Promise.race([entry.value, sleep(waitMs, undefined, { signal: timer.signal }).catch(() => undefined)])
      } finally {
        timer.abort()
      }
    }
  }
}
