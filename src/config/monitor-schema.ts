import { Type, type TSchema } from '@sinclair/typebox'
import { DURATION_PATTERN } from './duration.js'

// As in env-schema.ts, each schema carries `expected`: the words of its problem line.
const duration = (): TSchema =>
  Type.Optional(Type.String({ pattern: DURATION_PATTERN, expected: 'a duration such as 500ms, 10s, 15m or 1h' }))
const path = (): TSchema =>
  Type.String({ pattern: '^/\\S*$', maxLength: 2048, expected: 'a path starting with /' })
const label = (): TSchema =>
  Type.String({ minLength: 1, maxLength: 50, pattern: '^[^,]+$', expected: 'a label name (1 to 50 characters, no comma)' })
const labels = (): TSchema =>
  Type.Optional(Type.Array(label(), { maxItems: 20, expected: 'a list of label names' }))

/** Defaults applied to every environment that does not set the field. */
export const ENVIRONMENT_DEFAULTS = {
  health_path: '/health',
  timeout: '10s',
  attempts: 3,
  retry_delay: '10s',
  max_response_time: '5s',
  tls_min_days: 14
} as const

/** Labels on every incident issue when `github.labels` is not set. */
export const DEFAULT_GITHUB_LABELS: readonly string[] = ['deployment-alert']

/** Environment names double as metric labels and issue markers, hence the narrow alphabet. */
export const ENVIRONMENT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'

/** One entry of `environments`, as written in the monitor file. */
export const EnvironmentEntrySchema = Type.Object({
  name: Type.String({ pattern: ENVIRONMENT_NAME_PATTERN, expected: 'a name of letters, digits, ".", "_" or "-" (at most 63)' }),
  url: Type.String({ minLength: 1, expected: 'an http or https URL' }),
  health_path: Type.Optional(path()),
  labels: labels(),
  timeout: duration(),
  attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, expected: 'an integer from 1 to 10' })),
  retry_delay: duration(),
  max_response_time: duration(),
  tls_min_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, expected: 'an integer number of days from 0 to 365' })),
  checks: Type.Optional(Type.Array(path(), { maxItems: 50, expected: 'a list of paths starting with /' }))
}, { additionalProperties: false, expected: 'an object with name and url' })

/** The whole monitor file (`MONITOR_CONFIG`). */
export const MonitorFileSchema = Type.Object({
  interval: duration(),
  github: Type.Optional(Type.Object({
    repository: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$', expected: 'owner/name' })),
    labels: labels()
  }, { additionalProperties: false, expected: 'an object with repository and labels' })),
  environments: Type.Optional(Type.Array(EnvironmentEntrySchema, { expected: 'a list of environments' }))
}, { additionalProperties: false, expected: 'a mapping with interval, github and environments' })

/** What the schema accepts, as TypeScript sees it. */
export interface EnvironmentEntry {
  name: string
  url: string
  health_path?: string
  labels?: string[]
  timeout?: string
  attempts?: number
  retry_delay?: string
  max_response_time?: string
  tls_min_days?: number
  checks?: string[]
}

export interface MonitorFile {
  interval?: string
  github?: { repository?: string, labels?: string[] }
  environments?: EnvironmentEntry[]
}
