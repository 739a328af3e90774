import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config/config.js'
import type { Redactor } from './redact.js'

/** JSON keys whose values are censored in every log line, whatever they hold. */
export const CENSORED_LOG_KEYS = [
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-goog-api-key',
  'password', 'token', 'apiKey', 'api_key', 'secret', 'dsn',
  'databaseUrl', 'redisUrl', 'stateDatabaseUrl'
]

const CENSORED_VALUE = new RegExp(`"(${CENSORED_LOG_KEYS.join('|')})":"(?:[^"\\\\]|\\\\.)*"`, 'gi')

/** A writable destination: anything that takes one serialized line at a time. */
export interface LogDestination { write: (line: string) => unknown }

/**
 * Fastify's logger options: JSON lines at LOG_LEVEL, and every line censored (values of the keys
 * above) and passed through the process redactor on its way out, which catches secrets inside
 * error messages too. Done on the serialized line rather than with pino's `redact` paths, which
 * run on every per-request child logger even when nothing is logged.
 */
export function loggerOptions (config: Config, redact: Redactor, destination: LogDestination = process.stdout): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    // The service's own environment has its own key: `environment` on a line always names the
    // monitored environment it is about (one key, one meaning, for log pipelines).
    base: { service: 'vigil', service_environment: config.environment },
    stream: { write: (line: string) => destination.write(redact(line.replace(CENSORED_VALUE, '"$1":"[REDACTED]"'))) }
  }
}
