import type { TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType } from '@sinclair/typebox/value'
import type { Redactor } from '../redact.js'

interface Annotated { expected?: string, properties?: Record<string, unknown> }

/** `/environments/1/url` → `environments[1].url`. */
export function displayPath (pointer: string): string {
  return pointer.split('/').slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out === '' ? part : `${out}.${part}`), '')
}

function shown (value: unknown, redact: Redactor): string {
  const text = JSON.stringify(value) ?? String(value)
  const clipped = text.length > 80 ? `${text.slice(0, 77)}...` : text
  return redact(clipped)
}

/**
 * Validates `value` against `schema` and turns every problem into one line, `<prefix> <path>:
 * expected …, got …`, using each schema's `expected` words. Values pass through `redact`.
 */
export function schemaProblems (prefix: string, schema: TSchema, value: unknown, redact: Redactor): string[] {
  const lines = new Map<string, string>()
  const at = (path: string): string => (path === '' ? `${prefix}:` : `${prefix} ${path}:`)
  for (const error of Value.Errors(schema, value)) {
    const path = displayPath(error.path)
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
