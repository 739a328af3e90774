import type { TSchema } from 'typebox'
import Value from 'typebox/value'
import type { Redactor } from '../redact.js'

interface Annotated { expected?: string, properties?: Record<string, unknown> }

/** `/environments/1/url` → `environments[1].url`. */
export function displayPath (pointer: string): string {
  return pointer.split('/').slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out === '' ? part : `${out}.${part}`), '')
}

function resolve (root: unknown, pointer: string): unknown {
  let node = root
  for (const part of pointer.replace(/^#/, '').split('/').slice(1)) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return node
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
    const path = displayPath(error.instancePath)
    const node = resolve(schema, error.schemaPath) as Annotated | undefined
    const params = error.params as { additionalProperties?: string[], requiredProperties?: string[] }
    // additionalProperties:false yields a second, wordless error per key; the keyword's own covers it.
    if (error.keyword === 'boolean') continue
    if (error.keyword === 'additionalProperties') {
      const known = Object.keys(node?.properties ?? {}).join(', ')
      for (const key of params.additionalProperties ?? []) {
        const keyPath = path === '' ? key : `${path}.${key}`
        lines.set(keyPath, `${at(keyPath)} unknown key, expected one of ${known}`)
      }
    } else if (error.keyword === 'required') {
      for (const key of params.requiredProperties ?? []) {
        const keyPath = path === '' ? key : `${path}.${key}`
        const expected = (node?.properties?.[key] as Annotated | undefined)?.expected ?? 'a value'
        lines.set(keyPath, `${at(keyPath)} missing, expected ${expected}`)
      }
    } else if (!lines.has(path)) {
      lines.set(path, `${at(path)} expected ${node?.expected ?? 'a valid value'}, got ${shown(resolve(value, `#${error.instancePath}`), redact)}`)
    }
  }
  return [...lines.values()]
}
