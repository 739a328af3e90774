import { Type } from '@sinclair/typebox'
import type { Redactor } from '../redact.js'
import { CHANNEL_NAME_PATTERN, CHANNEL_SETTINGS, type ChannelDeclaration, type ChannelKind, type MinStatus } from './channel-settings.js'
import { PREFIX } from './monitor-file.js'
import type { MonitorFile } from './monitor-schema.js'
import { schemaProblems } from './schema-problems.js'
import { hasProtocol } from './url.js'

/** The monitor file's `channels` and each environment's `notify`, validated. */
export interface LoadedChannels {
  readonly channels: readonly ChannelDeclaration[]
  /** Channel names an environment of the file notifies (its `notify`, default every declared channel). */
  readonly notifyOf: (environment: string) => readonly string[]
  /** Values of secret settings (routing keys, webhook URLs and secrets, SMTP passwords), for the redactor. */
  readonly secrets: readonly string[]
  readonly problems: readonly string[]
}

// Report components and the record channel already use these names; a channel may not shadow one.
const RESERVED = new Set(['github', 'state', 'monitor', 'database', 'redis', 'ai_providers', 'openai', 'anthropic', 'google', 'groq', 'openrouter'])
const KINDS = Object.keys(CHANNEL_SETTINGS) as ChannelKind[]

const CommonSchema = Type.Object({
  name: Type.String({ pattern: CHANNEL_NAME_PATTERN, expected: 'a channel name of lower-case letters, digits, "_" or "-" (at most 40)' }),
  kind: Type.Union(KINDS.map((k) => Type.Literal(k)), { expected: KINDS.join(', ') }),
  min_status: Type.Optional(Type.Union([Type.Literal('degraded'), Type.Literal('unhealthy')], { expected: 'degraded or unhealthy' }))
}, { expected: 'a channel with name and kind' })
const COMMON_KEYS = new Set(Object.keys(CommonSchema.properties))
const NAME = new RegExp(CHANNEL_NAME_PATTERN)

interface FieldAnnotations { secret?: boolean, protocols?: string[], expected?: string }
const fieldsOf = (kind: ChannelKind): Record<string, FieldAnnotations> => CHANNEL_SETTINGS[kind].properties as Record<string, FieldAnnotations>

interface Entry { readonly value: Record<string, unknown>, readonly pointer: string, readonly source: string }

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

// `channels:` is a list of `{ name, kind, … }` or a mapping from name to `{ kind, … }`.
function entriesOf (channels: unknown): Entry[] {
  if (Array.isArray(channels)) {
    return channels.flatMap((value, i) => isObject(value) ? [{ value, pointer: `/channels/${i}`, source: `channels[${i}]` }] : [])
  }
  if (!isObject(channels)) return []
  return Object.entries(channels).flatMap(([key, value]) =>
    isObject(value) ? [{ value: { name: key, ...value }, pointer: `/channels/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, source: `channels.${key}` }] : [])
}

function settingsProblems (entry: Entry, kind: ChannelKind, redact: Redactor): string[] {
  const settings = Object.fromEntries(Object.entries(entry.value).filter(([key]) => !COMMON_KEYS.has(key)))
  const fields = fieldsOf(kind)
  const hidden = (line: string, key: string): string => {
    const cut = line.lastIndexOf(', got ')
    return fields[key]?.secret === true && cut !== -1 ? `${line.slice(0, cut)}, got (value hidden)` : line
  }
  const lines = schemaProblems(PREFIX, CHANNEL_SETTINGS[kind], settings, redact, entry.pointer).map((line) => {
    const key = Object.keys(fields).find((k) => line.startsWith(`${PREFIX} ${entry.source}.${k}:`) || line.startsWith(`${PREFIX} ${entry.source}.${k}[`))
    return key === undefined ? line : hidden(line, key)
  })
  // An unknown key is reported once, under the entry, naming the keys this kind takes.
  const tidy = lines.map((line) => line.includes(': unknown key, expected one of ')
    ? `${line.slice(0, line.indexOf(' one of ') + 8)}${[...COMMON_KEYS, ...Object.keys(fields)].join(', ')}`
    : line)
  for (const [key, field] of Object.entries(fields)) {
    const value = settings[key]
    if (field.protocols === undefined || typeof value !== 'string' || value === '' || hasProtocol(value, field.protocols)) continue
    tidy.push(`${PREFIX} ${entry.source}.${key}: expected ${field.expected ?? 'a URL'}, got ${field.secret === true ? '(value hidden)' : redact(JSON.stringify(value))}`)
  }
  return tidy
}

/**
 * Validates `channels` (one problem line per bad field, secrets never shown) and every
 * environment's `notify` (each name must be declared), and collects the secret settings.
 */
export function loadChannels (file: MonitorFile | undefined, redact: Redactor): LoadedChannels {
  const problems: string[] = []
  const secrets: string[] = []
  const channels: ChannelDeclaration[] = []
  const names = new Map<string, string>()
  for (const entry of entriesOf(file?.channels)) {
    const common = schemaProblems(PREFIX, CommonSchema, Object.fromEntries(Object.entries(entry.value).filter(([key]) => COMMON_KEYS.has(key))), redact, entry.pointer)
    problems.push(...common)
    const { name, kind, min_status: minStatus } = entry.value
    if (typeof name === 'string' && NAME.test(name)) {
      const first = names.get(name)
      if (RESERVED.has(name)) problems.push(`${PREFIX} ${entry.source}.name: ${JSON.stringify(name)} is reserved, expected another name`)
      else if (first !== undefined) problems.push(`${PREFIX} ${entry.source}.name: ${JSON.stringify(name)} is already used by ${first}`)
      else names.set(name, entry.source)
    }
    if (typeof kind !== 'string' || !KINDS.includes(kind as ChannelKind)) continue
    const fields = fieldsOf(kind as ChannelKind)
    for (const [key, field] of Object.entries(fields)) {
      const value = entry.value[key]
      if (field.secret === true && typeof value === 'string' && value !== '') secrets.push(value)
    }
    const own = settingsProblems(entry, kind as ChannelKind, redact)
    problems.push(...own)
    if (common.length > 0 || own.length > 0 || typeof name !== 'string') continue
    const settings = Object.fromEntries(Object.entries(entry.value).filter(([key]) => !COMMON_KEYS.has(key)))
    channels.push({ name, kind: kind as ChannelKind, minStatus: (minStatus ?? 'unhealthy') as MinStatus, settings })
  }

  const declared = [...names.keys()]
  const environments = Array.isArray(file?.environments) ? file.environments : []
  const notify = new Map<string, readonly string[]>()
  environments.forEach((environment, i) => {
    if (!isObject(environment) || !Array.isArray(environment.notify)) return
    environment.notify.forEach((name, j) => {
      if (typeof name === 'string' && !names.has(name)) {
        problems.push(`${PREFIX} environments[${i}].notify[${j}]: unknown channel ${JSON.stringify(name)}, expected ${declared.length === 0 ? 'a channel declared under channels (none is)' : `one of ${declared.join(', ')}`}`)
      }
    })
    if (typeof environment.name === 'string') notify.set(environment.name, [...new Set(environment.notify.filter((n): n is string => typeof n === 'string'))])
  })
  return {
    channels,
    notifyOf: (environment) => notify.get(environment) ?? declared,
    secrets,
    problems
  }
}

