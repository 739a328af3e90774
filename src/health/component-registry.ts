import type { Status } from './status.js'

/** What one probe run found: data, never an exception. */
export interface ProbeResult {
  readonly status: Status
  readonly latencyMs: number
  /** Short, redacted text an on-call engineer can act on. */
  readonly error?: string
  readonly details?: Readonly<Record<string, unknown>>
}

/** The latest known state of one component, as the routes read it. */
export interface ComponentState {
  readonly name: string
  /** Report section the component is listed under, e.g. `ai_providers`; top level when absent. */
  readonly group: string | undefined
  readonly required: boolean
  /** Undefined until the first probe result arrives. */
  readonly status: Status | undefined
  readonly latencyMs: number | undefined
  readonly checkedAt: Date | undefined
  readonly lastSuccessAt: Date | undefined
  readonly consecutiveFailures: number
  readonly error: string | undefined
  readonly details: Readonly<Record<string, unknown>> | undefined
}

export interface ComponentRegistration {
  readonly name: string
  readonly group?: string
  readonly required: boolean
}

/** Called after a result changes a component's status (and on its first result). */
export type StatusChangeListener = (state: ComponentState, previous: Status | undefined) => void

/**
 * Holds the latest result of every configured component. Probes write into it in the background;
 * the health routes only ever read from it, so they never wait on a dependency.
 */
export interface ComponentRegistry {
  register: (registration: ComponentRegistration) => void
  record: (name: string, result: ProbeResult, at?: Date) => ComponentState
  get: (name: string) => ComponentState | undefined
  list: () => readonly ComponentState[]
  onStatusChange: (listener: StatusChangeListener) => void
}

/** Creates an empty registry. */
export function createComponentRegistry (): ComponentRegistry {
  const states = new Map<string, ComponentState>()
  const listeners: StatusChangeListener[] = []

  return {
    register ({ name, group, required }) {
      if (states.has(name)) throw new Error(`component ${name} is already registered`)
      states.set(name, {
        name,
        group,
        required,
        status: undefined,
        latencyMs: undefined,
        checkedAt: undefined,
        lastSuccessAt: undefined,
        consecutiveFailures: 0,
        error: undefined,
        details: undefined
      })
    },
    record (name, result, at = new Date()) {
      const previous = states.get(name)
      if (previous === undefined) throw new Error(`component ${name} is not registered`)
      const failed = result.status === 'unhealthy'
      const next: ComponentState = {
        ...previous,
        status: result.status,
        latencyMs: result.latencyMs,
        checkedAt: at,
        lastSuccessAt: result.status === 'healthy' ? at : previous.lastSuccessAt,
        consecutiveFailures: failed ? previous.consecutiveFailures + 1 : 0,
        error: result.error,
        details: result.details ?? previous.details
      }
      states.set(name, next)
      if (next.status !== previous.status) for (const listener of listeners) listener(next, previous.status)
      return next
    },
    get: (name) => states.get(name),
    list: () => [...states.values()],
    onStatusChange (listener) { listeners.push(listener) }
  }
}
