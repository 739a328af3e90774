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
}

/**
 * Expands `${VAR}` in the string values of a parsed document (never in keys, and never in the raw
 * text, so a value cannot change the document's structure). `$$` writes a literal `$`. A value that
 * is exactly one reference to a number (`attempts: ${ATTEMPTS}`) becomes that number.
 */
export function expandVariables (document: unknown, env: Env): Expansion {
  const problems: string[] = []
  const walk = (node: unknown, pointer: string): unknown => {
    if (typeof node === 'string') return expandString(node, pointer)
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${pointer}/${i}`))
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child, `${pointer}/${key}`)]))
    }
    return node
  }
  const expandString = (text: string, pointer: string): unknown => {
    const expanded = text.replace(REFERENCE, (match, name: string | undefined) => {
      if (name === undefined) return '$'
      const value = env[name]
      if (value !== undefined) return value
      problems.push(`${displayPath(pointer) || '(top level)'}: unknown variable ${match}`)
      return match
    })
    return WHOLE_NUMBER_REFERENCE.test(text) && NUMBER.test(expanded) ? Number(expanded) : expanded
  }
  return { value: walk(document, ''), problems }
}
