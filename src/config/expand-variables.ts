import { displayPath } from './schema-problems.js'

type Env = Record<string, string | undefined>

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g
const WHOLE_NUMBER_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/
const NUMBER = /^-?\d+(\.\d+)?$/

/** The parsed file with `${VAR}` replaced in every string, and what went wrong or what was used. */
export interface Expansion {
  readonly value: unknown
  /** One line per reference to a variable that is not set, e.g. `environments[0].url: unknown variable ${X}`. */
  readonly problems: readonly string[]
  /** Every string that held a reference: where (a JSON pointer), as written, and what it became. */
  readonly references: readonly ExpandedValue[]
}

/** One string of the document that held at least one `${VAR}`. */
export interface ExpandedValue {
  readonly pointer: string
  /** As written in the file, e.g. `${BASIC}@staging.example.com`: safe to show. */
  readonly written: string
  /** The values substituted for its references (the secrets it holds). */
  readonly values: readonly string[]
  /** True when it became a number (`attempts: ${ATTEMPTS}`). */
  readonly numeric: boolean
}

/**
 * Expands `${VAR}` in the string values of a parsed document (never in keys, and never in the raw
 * text, so a value cannot change the document's structure). `$$` writes a literal `$`. A value that
 * is exactly one reference to a number (`attempts: ${ATTEMPTS}`) becomes that number.
 */
export function expandVariables (document: unknown, env: Env): Expansion {
  const problems: string[] = []
  const references: ExpandedValue[] = []
  // Copy on write: a node is copied only when something under it changed, and the pointer is kept
  // as segments, joined only for a string that holds a `$` (a 10,000-environment file has few).
  const segments: Array<string | number> = []
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return node.includes('$') ? expandString(node, segments.map((s) => `/${s}`).join('')) : node
    if (node === null || typeof node !== 'object') return node
    // Binary data, timestamps, sets and ordered maps (`!!binary`, …) stay what they are, so a
    // problem line can say what they are rather than show a rebuilt byte map.
    if (ArrayBuffer.isView(node) || node instanceof Date || node instanceof Set || node instanceof Map) return node
    let copy: Record<string | number, unknown> | undefined
    const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node)
    for (const key of keys) {
      const child = (node as Record<string | number, unknown>)[key]
      segments.push(key)
      const expanded = walk(child)
      segments.pop()
      if (expanded === child) continue
      copy ??= (Array.isArray(node) ? [...node] : { ...node }) as Record<string | number, unknown>
      // Defined, not assigned: a `__proto__` key stays a key, as the parser made it.
      Object.defineProperty(copy, key, { value: expanded, enumerable: true, writable: true, configurable: true })
    }
    return copy ?? node
  }
  const expandString = (text: string, pointer: string): unknown => {
    const values: string[] = []
    const expanded = text.replace(REFERENCE, (match, name: string | undefined) => {
      if (name === undefined) return '$'
      const value = env[name]
      if (value !== undefined) { values.push(value); return value }
      problems.push(`${displayPath(pointer) || '(top level)'}: unknown variable ${match}`)
      return match
    })
    const numeric = WHOLE_NUMBER_REFERENCE.test(text) && NUMBER.test(expanded)
    if (values.length > 0) references.push({ pointer, written: text, values, numeric })
    return numeric ? Number(expanded) : expanded
  }
  return { value: walk(document), problems, references }
}
