import type { ComponentRegistry } from '../health/component-registry.js'
import type { ErrorReporter } from '../sentry.js'

/** The pino-style logger the prober writes to (a Fastify child logger in production). */
export interface ProbeLogger {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

/**
 * Logs each status change of the given components once (not every interval) and reports a
 * component turning unhealthy to Sentry once per transition. Error text is redacted already.
 */
export function watchStatusChanges (registry: ComponentRegistry, names: ReadonlySet<string>, log: ProbeLogger, reporter: ErrorReporter | undefined): void {
  registry.onStatusChange((state, previous) => {
    if (!names.has(state.name)) return
    const fields = { component: state.name, status: state.status, previous: previous ?? null, error: state.error }
    if (state.status === 'unhealthy') {
      log.error(fields, `${state.name} is unhealthy`)
      reporter?.captureMessage(`${state.name} is unhealthy: ${state.error ?? 'no detail'}`, { level: 'error', tags: { component: state.name } })
    } else if (state.status === 'degraded') {
      log.warn(fields, `${state.name} is degraded`)
    } else {
      log.info(fields, previous === undefined ? `${state.name} is healthy` : `${state.name} recovered`)
    }
  })
}
