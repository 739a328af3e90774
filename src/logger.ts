import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config/config.js'
import type { Redactor } from './redact.js'

/** Paths pino censors before a line is written: auth headers and every secret-bearing field. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.databaseUrl',
  '*.redisUrl',
  '*.stateDatabaseUrl',
  '*.dsn'
]

/** A writable destination: anything that takes one serialized line at a time. */
export interface LogDestination { write: (line: string) => unknown }

/**
 * Fastify's logger options: JSON lines at LOG_LEVEL, censored paths, and every line passed through
 * the process redactor on its way out, which catches secrets inside error messages too.
 */
export function loggerOptions (config: Config, redact: Redactor, destination: LogDestination = process.stdout): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
    base: { service: 'vigil', environment: config.environment },
    stream: { write: (line: string) => destination.write(redact(line)) }
  }
}
