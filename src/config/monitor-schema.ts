import { Type, type TSchema } from '@sinclair/typebox'
import { DURATION_PATTERN } from './duration.js'

// As in env-schema.ts, each schema carries `expected`: the words of its problem line.
const duration = (): TSchema =>
  Type.Optional(Type.String({ pattern: DURATION_PATTERN, expected: 'a duration such as 500ms, 10s, 15m or 1h' }))
const path = (): TSchema =>
  Type.String({ pattern: '^/\\S*$', maxLength: 2048, expected: 'a path starting with / and without spaces' })
const label = (): TSchema =>
  Type.String({ minLength: 1, maxLength: 50, pattern: '^[^,]+$', expected: 'a label name (1 to 50 characters, no comma)' })
const labels = (): TSchema =>
  Type.Optional(Type.Array(label(), { maxItems: 20, expected: 'a list of label names' }))

const statusCode = (): TSchema => Type.Union([
  Type.Integer({ minimum: 100, maximum: 599 }),
  Type.String({ pattern: '^([1-5]xx|[1-5][0-9][0-9](-[1-5][0-9][0-9])?)$' })
], { expected: 'a status code (200), a range (200-299) or a class (2xx)' })

/** One entry of `conditions`: exactly one kind of assertion (checked in monitor-targets). */
export const ConditionSchema = Type.Object({
  json: Type.Optional(Type.String({ pattern: '^\\$', maxLength: 500, expected: 'a JSONPath starting with $' })),
  equals: Type.Optional(Type.Unknown()),
  not_equals: Type.Optional(Type.Unknown()),
  above: Type.Optional(Type.Number({ expected: 'a number' })),
  below: Type.Optional(Type.Number({ expected: 'a number' })),
  exists: Type.Optional(Type.Boolean({ expected: 'true or false' })),
  matches: Type.Optional(Type.String({ maxLength: 500, expected: 'a regular expression' })),
  body_contains: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, expected: 'a text to find in the body' })),
  body_not_contains: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, expected: 'a text that must not be in the body' })),
  status_in: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1, maxItems: 50, expected: 'a list of status codes' })),
  response_time_below: duration(),
  certificate_days_above: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, expected: 'an integer number of days' }))
}, { additionalProperties: false, expected: 'a condition: json with equals/not_equals/above/below/exists/matches, body_contains, body_not_contains, status_in, response_time_below or certificate_days_above' })

/** Defaults applied to every environment that does not set the field. */
export const ENVIRONMENT_DEFAULTS = {
  health_path: '/health',
  timeout: '10s',
  attempts: 3,
  retry_delay: '10s',
  max_response_time: '5s',
  tls_min_days: 14,
  failure_threshold: 1,
  success_threshold: 2,
  max_body_size: 1_048_576,
  follow_redirects: 5,
  concurrency: 100
} as const

// Railway deploy events (docs/railway.md): which Railway environment and service an environment is,
// and how a new deployment of it is verified. Kept as one block, apart from the check fields.
const railwayName = (): TSchema => Type.String({ minLength: 1, maxLength: 100, expected: 'a Railway name or id' })
const DeployEntryFields = {
  railway: Type.Optional(Type.Object({
    environment: Type.Optional(railwayName()),
    service: Type.Optional(railwayName()),
    project: Type.Optional(railwayName())
  }, { additionalProperties: false, expected: 'an object with environment, service and project (Railway names or ids)' })),
  verify_attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, expected: 'an integer from 1 to 100' })),
  verify_delay: duration(),
  auto_rollback: Type.Optional(Type.Boolean({ expected: 'true or false' }))
}

/** Defaults of the deploy-event fields: Railway-style post-deploy verification, 12 × 10 s, no rollback. */
export const DEPLOY_DEFAULTS = { verify_attempts: 12, verify_delay: '10s', auto_rollback: false } as const

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
  checks: Type.Optional(Type.Array(path(), { maxItems: 50, expected: 'a list of at most 50 paths starting with /' })),
  failure_threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, expected: 'an integer from 1 to 20' })),
  success_threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, expected: 'an integer from 1 to 20' })),
  method: Type.Optional(Type.String({ pattern: '^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|get|head|post|put|patch|delete|options)$', expected: 'GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS' })),
  headers: Type.Optional(Type.Record(
    Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" }),
    // No pattern or length here: a schema problem echoes the value, and header values are secrets.
    Type.String({ expected: 'a header value, as text' }),
    { maxProperties: 50, expected: 'a mapping of header names to values' }
  )),
  body: Type.Optional(Type.String({ maxLength: 1_048_576, expected: 'the request body, as text' })),
  expected_status: Type.Optional(Type.Union([statusCode(), Type.Array(statusCode(), { minItems: 1, maxItems: 50 })], { expected: 'status codes, ranges (200-299) or classes (2xx)' })),
  follow_redirects: Type.Optional(Type.Union([Type.Boolean(), Type.Integer({ minimum: 0, maximum: 20 })], { expected: 'true, false or a number of redirects from 0 to 20' })),
  conditions: Type.Optional(Type.Array(ConditionSchema, { maxItems: 50, expected: 'a list of conditions' })),
  ignore_body: Type.Optional(Type.Boolean({ expected: 'true or false' })),
  max_body_size: Type.Optional(Type.Union([
    Type.Integer({ minimum: 1024, maximum: 104_857_600 }),
    Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?\\s*(B|KB|KiB|MB|MiB)$' })
  ], { expected: 'a size from 1KiB to 100MiB, such as 1048576, 512KiB or 2MiB' })),
  proxy: Type.Optional(Type.String({ minLength: 1, expected: 'an http or https proxy URL' })),
  ca: Type.Optional(Type.String({ minLength: 1, expected: 'a PEM file path or PEM text' })),
  tls_skip_verify: Type.Optional(Type.Boolean({ expected: 'true or false' })),
  // Names are checked against `channels` by monitor-channels.ts.
  notify: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40, expected: 'a channel name' }), { maxItems: 50, expected: 'a list of channel names' })),
  ...DeployEntryFields
}, { additionalProperties: false, expected: 'an object with name and url' })

/** The whole monitor file (`MONITOR_CONFIG`). */
export const MonitorFileSchema = Type.Object({
  interval: duration(),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, expected: 'an integer from 1 to 1000' })),
  github: Type.Optional(Type.Object({
    repository: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$', expected: 'owner/name' })),
    labels: labels()
  }, { additionalProperties: false, expected: 'an object with repository and labels' })),
  // Each channel's fields depend on its kind: validated by monitor-channels.ts, one line per field.
  channels: Type.Optional(Type.Union([
    Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 50 }),
    Type.Record(Type.String(), Type.Object({}, { additionalProperties: true }), { maxProperties: 50 })
  ], { expected: 'a list of at most 50 channels ({ name, kind, … }) or a mapping from channel name to { kind, … }' })),
  environments: Type.Optional(Type.Array(EnvironmentEntrySchema, { expected: 'a list of environments' }))
}, { additionalProperties: false, expected: 'a mapping with interval, github, channels and environments' })

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
  failure_threshold?: number
  success_threshold?: number
  method?: string
  headers?: Record<string, string>
  body?: string
  expected_status?: number | string | Array<number | string>
  follow_redirects?: boolean | number
  conditions?: ConditionEntry[]
  ignore_body?: boolean
  max_body_size?: number | string
  proxy?: string
  ca?: string
  tls_skip_verify?: boolean
  notify?: string[]
  // Railway deploy events
  railway?: { environment?: string, service?: string, project?: string }
  verify_attempts?: number
  verify_delay?: string
  auto_rollback?: boolean
}

/** One condition as written in the monitor file. */
export interface ConditionEntry {
  json?: string
  equals?: unknown
  not_equals?: unknown
  above?: number
  below?: number
  exists?: boolean
  matches?: string
  body_contains?: string
  body_not_contains?: string
  status_in?: number[]
  response_time_below?: string
  certificate_days_above?: number
}

export interface MonitorFile {
  interval?: string
  concurrency?: number
  github?: { repository?: string, labels?: string[] }
  /** Validated by monitor-channels.ts. */
  channels?: Array<Record<string, unknown>> | Record<string, Record<string, unknown>>
  environments?: EnvironmentEntry[]
}
