import { readFileSync } from 'node:fs'
import { jsonPathValues } from '../json-path.js'
import type { Condition, EnvironmentTarget, ProxySettings, StatusRange } from '../monitor/types.js'
import { redactUrl } from '../redact.js'
import { parseDuration } from './duration.js'
import { ENVIRONMENT_DEFAULTS, type ConditionEntry, type EnvironmentEntry } from './monitor-schema.js'
import { hasProtocol, urlCredentials } from './url.js'

type CheckOptions = Pick<EnvironmentTarget,
  'method' | 'headers' | 'body' | 'expectedStatus' | 'maxRedirects' | 'conditions' | 'ignoreBody' |
  'maxBodyBytes' | 'proxy' | 'ca' | 'tlsSkipVerify'>

/** `200` → 200-200, `200-299`, `2xx` → 200-299. */
export function parseStatusRange (value: number | string): StatusRange {
  if (typeof value === 'number') return { from: value, to: value }
  if (value.endsWith('xx')) {
    const from = Number(value[0]) * 100
    return { from, to: from + 99 }
  }
  const [from, to = from] = value.split('-').map(Number) as [number, number?]
  return { from, to }
}

const SIZE_UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1000, KIB: 1024, MB: 1_000_000, MIB: 1_048_576 }

/** `1048576`, `512KiB`, `2MiB`, `1.5MB` → bytes. */
export function parseSize (value: number | string): number {
  if (typeof value === 'number') return value
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)$/.exec(value)
  return match === null ? Number.NaN : Math.round(Number(match[1]) * (SIZE_UNITS[match[2]!.toUpperCase()] ?? Number.NaN))
}

const JSON_OPS = ['equals', 'not_equals', 'above', 'below', 'exists', 'matches'] as const
const OTHER_KINDS = ['body_contains', 'body_not_contains', 'status_in', 'response_time_below', 'certificate_days_above'] as const

function toCondition (entry: ConditionEntry, at: string, problems: string[]): Condition | undefined {
  const kinds = [...(entry.json === undefined ? [] : ['json']), ...OTHER_KINDS.filter((k) => entry[k] !== undefined)]
  const ops = JSON_OPS.filter((op) => op in entry)
  if (kinds.length !== 1) { problems.push(`${at}: expected exactly one of json, ${OTHER_KINDS.join(', ')}`); return undefined }
  if (entry.json !== undefined) {
    if (ops.length !== 1) { problems.push(`${at}: expected json with exactly one of ${JSON_OPS.join(', ')}`); return undefined }
    const op = ops[0]!
    try {
      jsonPathValues(entry.json, {})
      if (op === 'matches') new RegExp(String(entry.matches))
    } catch {
      problems.push(`${at}: ${op === 'matches' ? 'matches is not a valid regular expression' : 'json is not a valid JSONPath'}`)
      return undefined
    }
    return { kind: 'json', path: entry.json, op, value: entry[op] }
  }
  if (ops.length > 0) { problems.push(`${at}: ${ops.join(', ')} go with json only`); return undefined }
  if (entry.body_contains !== undefined) return { kind: 'body_contains', text: entry.body_contains }
  if (entry.body_not_contains !== undefined) return { kind: 'body_not_contains', text: entry.body_not_contains }
  if (entry.status_in !== undefined) return { kind: 'status_in', codes: entry.status_in }
  if (entry.response_time_below !== undefined) return { kind: 'response_time_below', ms: parseDuration(entry.response_time_below) ?? 0 }
  return { kind: 'certificate_days_above', days: entry.certificate_days_above ?? 0 }
}

function readCa (value: string, at: string, problems: string[]): string | undefined {
  let pem = value
  if (!value.includes('-----BEGIN')) {
    try {
      pem = readFileSync(value, 'utf8')
    } catch (error) {
      problems.push(`${at}: cannot read ${JSON.stringify(value)} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`)
      return undefined
    }
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) { problems.push(`${at}: expected PEM certificates (-----BEGIN CERTIFICATE-----)`); return undefined }
  return pem
}

/**
 * The check options of one environment (method, headers, body, expected status, redirects,
 * conditions, body handling, proxy, CA, verification), with the problems found. `envProxy` is the
 * HTTP_PROXY family, used unless the environment sets its own `proxy`.
 */
export function checkOptions (entry: EnvironmentEntry, at: string, envProxy: ProxySettings, problems: string[]): CheckOptions {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(entry.headers ?? {})) {
    // The value is a secret: the problem never shows it.
    if (typeof value === 'string' && /[\r\n]/.test(value)) problems.push(`${at}.headers.${name}: a header value cannot hold a line break (value hidden)`)
    headers[name.toLowerCase()] = String(value)
  }
  const conditions = (entry.conditions ?? [])
    .map((condition, i) => toCondition(condition, `${at}.conditions[${i}]`, problems))
    .filter((c): c is Condition => c !== undefined)
  if (entry.ignore_body === true && conditions.some((c) => c.kind === 'json' || c.kind.startsWith('body_'))) {
    problems.push(`${at}.ignore_body: conditions on the body need the body read; remove ignore_body or those conditions`)
  }
  const maxBodyBytes = parseSize(entry.max_body_size ?? ENVIRONMENT_DEFAULTS.max_body_size)
  if (!(maxBodyBytes >= 1024 && maxBodyBytes <= 104_857_600)) problems.push(`${at}.max_body_size: expected a size from 1KiB to 100MiB, got ${JSON.stringify(entry.max_body_size)}`)
  if (entry.proxy !== undefined && !hasProtocol(entry.proxy, ['http', 'https'])) problems.push(`${at}.proxy: expected an http or https proxy URL, got ${JSON.stringify(redactUrl(entry.proxy))}`)
  const expected = entry.expected_status === undefined ? undefined : [entry.expected_status].flat()
  const redirects = entry.follow_redirects === true ? ENVIRONMENT_DEFAULTS.follow_redirects : entry.follow_redirects === false ? 0 : entry.follow_redirects
  const ca = entry.ca === undefined ? undefined : readCa(entry.ca, `${at}.ca`, problems)
  return {
    method: (entry.method ?? 'GET').toUpperCase(),
    headers,
    ...(entry.body === undefined ? {} : { body: entry.body }),
    ...(expected === undefined ? {} : { expectedStatus: expected.map(parseStatusRange) }),
    maxRedirects: redirects ?? 0,
    conditions,
    ignoreBody: entry.ignore_body === true,
    maxBodyBytes,
    proxy: entry.proxy === undefined ? envProxy : { httpProxy: entry.proxy, httpsProxy: entry.proxy, noProxy: '' },
    ...(ca === undefined ? {} : { ca }),
    tlsSkipVerify: entry.tls_skip_verify === true
  }
}

/** The secrets an environment's check options hold: header values and proxy credentials. */
export function checkSecrets (entry: EnvironmentEntry): string[] {
  const headers = entry.headers !== null && typeof entry.headers === 'object' ? Object.values(entry.headers) : []
  return [
    ...headers.filter((v): v is string => typeof v === 'string'),
    ...(typeof entry.proxy === 'string' ? urlCredentials(entry.proxy) ?? [] : [])
  ]
}

/** HTTP_PROXY, HTTPS_PROXY and NO_PROXY (either case), as the checks and AI probes use them. */
export function proxyFromEnv (env: Record<string, string | undefined>): ProxySettings {
  const read = (name: string): string => env[name.toLowerCase()] ?? env[name] ?? ''
  return { httpProxy: read('HTTP_PROXY'), httpsProxy: read('HTTPS_PROXY'), noProxy: read('NO_PROXY') }
}
