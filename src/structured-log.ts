/** Minimal structured logger (pino and Fastify's logger fit). */
export interface IncidentLog {
  debug: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

/** A logger that drops everything: the default when none is passed. */
export const silentLog: IncidentLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
