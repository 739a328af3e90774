import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { Value, ValueErrorType } from '@sinclair/typebox/value'
import type { Redactor } from '../redact.js'
import { DURATION_LIMIT_EXPECTED, DURATION_PATTERN, MAX_DURATION_MS, parseDuration } from './duration.js'

interface Annotated { expected?: string, properties?: Record<string, unknown>, items?: unknown, pattern?: string }

/** `/environments/1/url` → `environments[1].url`. */
export function displayPath (pointer: string): string {
  return pointer.split('/').slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out === '' ? part : `${out}.${part}`), '')
}

// What JSON cannot show as written: YAML's `.inf` and `.nan` (JSON writes null), `!!binary`
// (a byte map), `!!timestamp`, `!!set` and `!!omap` (`{}`).
function described (value: unknown): string | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'not a number (.nan)' : value > 0 ? 'infinity (.inf)' : 'minus infinity (-.inf)'
  if (ArrayBuffer.isView(value)) return `binary data (${value.byteLength} bytes)`
  if (value instanceof Date) return `a timestamp (${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`
  if (value instanceof Set) return `a set of ${value.size} (!!set)`
  if (value instanceof Map) return `an ordered mapping of ${value.size} (!!omap)`
  return undefined
}

// Inside a larger value the same words stand in, as strings: `{"url":"<binary data (5 bytes)>"}`.
// `this[key]` is the value before its own toJSON (a Buffer's, a Date's) has replaced it.
function inJson (this: Record<string, unknown>, key: string, value: unknown): unknown {
  const words = described(this[key])
  return words === undefined ? value : `<${words}>`
}

function shown (value: unknown, redact: Redactor): string {
  const words = described(value)
  if (words !== undefined) return words
  const text = JSON.stringify(value, inJson) ?? String(value)
  const clipped = text.length > 80 ? `${text.slice(0, 77)}...` : text
  return redact(clipped)
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>()

/**
 * True when `value` fits `schema`, by a checker compiled once per schema: about 30× quicker than
 * walking `Value.Errors` over a 10,000-environment file, which is then needed only to word problems.
 */
function fits (schema: TSchema, value: unknown): boolean {
  let check = compiled.get(schema)
  if (check === undefined) compiled.set(schema, check = TypeCompiler.Compile(schema))
  return check.Check(value)
}

/**
 * Validates `value` against `schema` and turns every problem into one line, `<prefix> <path>:
 * expected …, got …`, using each schema's `expected` words. Values pass through `redact`.
 * `pointer` is where `value` sits in a larger document (`/channels/0`), for the paths shown.
 */
export function schemaProblems (prefix: string, schema: TSchema, value: unknown, redact: Redactor, pointer = ''): string[] {
  if (fits(schema, value)) return []
  const lines = new Map<string, string>()
  const at = (path: string): string => (path === '' ? `${prefix}:` : `${prefix} ${path}:`)
  for (const error of Value.Errors(schema, value)) {
    const path = displayPath(pointer + error.path)
    const node = error.schema as Annotated
    if (error.type === ValueErrorType.ObjectAdditionalProperties) {
      lines.set(path, `${at(path)} unknown key, expected one of ${Object.keys(node.properties ?? {}).join(', ')}`)
    } else if (error.type === ValueErrorType.ObjectRequiredProperty) {
      lines.set(path, `${at(path)} missing, expected ${node.expected ?? 'a value'}`)
    } else if (!lines.has(path)) {
      lines.set(path, `${at(path)} expected ${node.expected ?? 'a valid value'}, got ${shown(error.value, redact)}`)
    }
  }
  return [...lines.values()]
}

/**
 * One line per duration (any field whose schema has the duration pattern) longer than a timer can
 * wait: `<prefix> <path>: expected a duration of at most 596h …, got "600h"`.
 */
export function durationLimitProblems (prefix: string, schema: TSchema, value: unknown): string[] {
  const lines: string[] = []
  // The path is kept as segments and joined only for a problem: 10,000 environments, no strings built.
  const segments: Array<string | number> = []
  const walk = (node: Annotated, child: unknown): void => {
    if (typeof child === 'string' && node.pattern === DURATION_PATTERN && (parseDuration(child) ?? 0) > MAX_DURATION_MS) {
      lines.push(`${prefix} ${displayPath(segments.map((s) => `/${s}`).join(''))}: expected ${DURATION_LIMIT_EXPECTED}, got ${JSON.stringify(child)}`)
    } else if (Array.isArray(child) && node.items !== undefined && bearsDuration(node.items as Annotated)) {
      for (let i = 0; i < child.length; i++) {
        segments.push(i)
        walk(node.items as Annotated, child[i])
        segments.pop()
      }
    } else if (child !== null && typeof child === 'object' && node.properties !== undefined) {
      for (const [key, sub] of durationProperties(node)) {
        const value = (child as Record<string, unknown>)[key]
        if (value === undefined) continue
        segments.push(key)
        walk(sub, value)
        segments.pop()
      }
    }
  }
  walk(schema as Annotated, value)
  return lines
}

const bearing = new WeakMap<Annotated, boolean>()
const propertiesBearing = new WeakMap<Annotated, ReadonlyArray<readonly [string, Annotated]>>()

/** The properties of an object schema that hold a duration, listed once per schema node. */
function durationProperties (node: Annotated): ReadonlyArray<readonly [string, Annotated]> {
  let known = propertiesBearing.get(node)
  if (known === undefined) {
    known = Object.entries(node.properties ?? {}).map(([key, sub]) => [key, sub as Annotated] as const).filter(([, sub]) => bearsDuration(sub))
    propertiesBearing.set(node, known)
  }
  return known
}

/** True when the schema node, or one below it (items, properties), is a duration. */
function bearsDuration (node: Annotated): boolean {
  let known = bearing.get(node)
  if (known === undefined) {
    // Unknown while being computed, so a schema that refers to itself ends rather than loops.
    bearing.set(node, false)
    known = node.pattern === DURATION_PATTERN ||
      (node.items !== undefined && bearsDuration(node.items as Annotated)) ||
      Object.values(node.properties ?? {}).some((sub) => bearsDuration(sub as Annotated))
    bearing.set(node, known)
  }
  return known
}
