import { Type, type TSchema } from '@sinclair/typebox'
import { DURATION_PATTERN, LONG_DURATION_PATTERN } from './duration.js'
import { AI_PROVIDERS } from './ai-providers.js'

/**
 * How a number is written in a variable: plain decimal digits (an optional fraction for
 * non-integers), checked on the text before conversion. Conversion alone reads `2.5` as 2, `1e3`
 * as 1 and `0x10` as 16 for an integer, `0x10` as 0 for a number; no variable takes a negative
 * value, so no sign either. Surrounding spaces are trimmed before (load-config.ts).
 */
const DECIMAL_INTEGER = '^\\d+$'
/** A plain decimal number: `80`, `0.25` (no sign, exponent, hex or `Infinity`; `.5` is written `0.5`). */
const DECIMAL_NUMBER = '^\\d+(\\.\\d+)?$'

// Every schema carries `expected` (the words of the error line) and, for credentials, `secret`
// so that the value is never echoed back.
const integer = (minimum: number, maximum: number, fallback: number, expected: string): TSchema =>
  Type.Integer({ minimum, maximum, default: fallback, syntax: DECIMAL_INTEGER, expected })
const number = (options: { minimum?: number, exclusiveMinimum?: number, maximum?: number }, fallback: number, expected: string): TSchema =>
  Type.Number({ ...options, default: fallback, syntax: DECIMAL_NUMBER, expected })
// `positive`: zero is refused (`PROBE_INTERVAL=0s` would probe back to back, a zero
// EVENT_LOOP_DELAY_THRESHOLD fail /health always); checked in load-config.ts.
const duration = (fallback: string, positive = false): TSchema =>
  Type.String({ pattern: DURATION_PATTERN, default: fallback, positive, expected: 'a duration such as 500ms, 10s, 15m or 1h' })
const percent = (fallback: number): TSchema => number({ minimum: 0, maximum: 100 }, fallback, 'a number from 0 to 100')
const flag = (fallback: boolean): TSchema =>
  Type.Boolean({ default: fallback, expected: 'true or false' })
const url = (protocols: string[], secret: boolean): TSchema =>
  Type.Optional(Type.String({ minLength: 1, protocols, secret, expected: `a ${protocols.join(' or ')} URL` }))
const secretText = (): TSchema =>
  Type.Optional(Type.String({ minLength: 1, secret: true, expected: 'a non-empty string' }))
const text = (): TSchema => Type.Optional(Type.String({ minLength: 1, expected: 'a non-empty string' }))

const aiProviderVariables = Object.fromEntries(AI_PROVIDERS.flatMap((p) => [
  [p.keyVar, secretText()],
  [p.baseUrlVar, url(['http', 'https'], false)]
]))

/** Every environment variable Vigil reads, as it arrives (strings), with defaults and coercions. */
export const EnvSchema = Type.Object({
  PORT: integer(0, 65535, 3000, 'an integer port from 0 to 65535'),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', expected: 'a host name or address' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', expected: 'one of fatal, error, warn, info, debug, trace, silent' }),
  ENVIRONMENT: text(),
  RAILWAY_ENVIRONMENT_NAME: text(),
  RAILWAY_GIT_COMMIT_SHA: text(),
  GIT_COMMIT: text(),
  DATABASE_URL: url(['postgres', 'postgresql'], true),
  REDIS_URL: url(['redis', 'rediss'], true),
  ...aiProviderVariables,
  REQUIRED_COMPONENTS: Type.Optional(Type.String({ expected: 'a comma-separated list of component names' })),
  PROBE_INTERVAL: duration('10s', true),
  PROBE_TIMEOUT: duration('2s', true),
  EVENT_LOOP_DELAY_THRESHOLD: duration('1s', true),
  SHUTDOWN_DELAY: duration('0s'),
  SHUTDOWN_TIMEOUT: duration('10s'),
  MEMORY_ALERT_THRESHOLD: percent(80),
  CPU_ALERT_THRESHOLD: percent(85),
  RESPONSE_TIME_THRESHOLD: number({ exclusiveMinimum: 0 }, 5000, 'a positive number of milliseconds'),
  ERROR_RATE_THRESHOLD: percent(1.0),
  ENABLE_METRICS: flag(true),
  HEALTH_CHECK_DETAILED: flag(true),
  PERFORMANCE_LOGGING: flag(false),
  HEALTH_DETAILED_TOKEN: secretText(),
  SENTRY_DSN: url(['http', 'https'], true),
  SENTRY_ENVIRONMENT: text(),
  SENTRY_TRACES_SAMPLE_RATE: number({ minimum: 0, maximum: 1 }, 0.1, 'a number from 0 to 1'),
  SENTRY_TRACE_PROPAGATION_TARGETS: Type.Optional(Type.String({ expected: 'a comma-separated list of URL prefixes' })),
  MONITOR_CONFIG: text(),
  MONITOR_CONFIG_YAML: text(),
  RAILWAY_DOMAIN: text(),
  STAGING_RAILWAY_DOMAIN: text(),
  MONITOR_INTERVAL: duration('15m'),
  MONITOR_CONCURRENCY: integer(1, 1000, 100, 'an integer from 1 to 1000'),
  GITHUB_TOKEN: secretText(),
  GITHUB_REPOSITORY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$', expected: 'owner/name' })),
  GITHUB_API_URL: Type.String({ minLength: 1, default: 'https://api.github.com', protocols: ['http', 'https'], expected: 'an http or https URL' }),
  STATE_DATABASE_URL: url(['postgres', 'postgresql'], true),
  // Railway's public API (docs/railway.md): an account/team token or a project token, the project.
  RAILWAY_API_TOKEN: secretText(),
  RAILWAY_TOKEN: secretText(),
  RAILWAY_API_URL: Type.String({ minLength: 1, default: 'https://backboard.railway.com/graphql/v2', protocols: ['http', 'https'], expected: 'an http or https URL' }),
  RAILWAY_PROJECT_ID: text(),
  RAILWAY_DISCOVERY: Type.Union(['auto', 'true', 'false'].map((v) => Type.Literal(v)), { default: 'auto', expected: 'auto, true or false' }),
  RAILWAY_DISCOVERY_INTERVAL: duration('5m', true),
  STATUS_PAGE: flag(true),
  STATUS_PAGE_TOKEN: secretText(),
  STATUS_PAGE_REFRESH: Type.Optional(Type.String({ pattern: DURATION_PATTERN, expected: 'a duration such as 30s, 1m or 15m' })),
  HISTORY_RETENTION: Type.String({ pattern: LONG_DURATION_PATTERN, default: '30d', positive: true, expected: 'a duration such as 7d, 30d or 720h' }),
  RAILWAY_ENVIRONMENT_ID: text(),
  // Railway deploy webhook (docs/railway.md): the last path segment of POST /webhooks/railway/:secret.
  RAILWAY_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16, maxLength: 200, pattern: '^[A-Za-z0-9._~-]+$', secret: true, expected: 'a random string of 16 to 200 URL-safe characters (openssl rand -hex 32)' }))
})

/** Variable names whose values are credentials (or carry them): never printed, always redacted. */
export const SECRET_VARIABLES: readonly string[] = Object.entries(EnvSchema.properties)
  .filter(([, schema]) => (schema as { secret?: boolean }).secret === true)
  .map(([name]) => name)
