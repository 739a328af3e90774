import { createRequire } from 'node:module'
import type * as Yaml from 'yaml'
import type { Alias, Document, LineCounter, Node } from 'yaml'

// Used only after the full parser (monitor-file.ts) has failed, so `yaml` is loaded by then; taken
// with require on first use, as there, so that a configuration read by the fast path never loads it.
const require = createRequire(import.meta.url)
let loaded: typeof Yaml | undefined
const yaml = (): typeof Yaml => (loaded ??= require('yaml') as typeof Yaml)

/** A problem at a place of the YAML text: 1-based line and column, and what is wrong there. */
export interface PlacedProblem {
  readonly line: number
  readonly col: number
  readonly message: string
}

const isMergeKey = (key: unknown): boolean => yaml().isScalar(key) &&
  (key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'))

const kindOf = (node: unknown): string =>
  yaml().isSeq(node) ? 'a list' : yaml().isScalar(node) ? (node.value === null ? 'null' : `a ${typeof node.value === 'object' ? 'value' : typeof node.value}`) : 'not a mapping'

/**
 * The aliases and merge keys of a parsed document that `toJS` refuses, each at its place, so a
 * problem line can say where (`toJS` throws with neither line nor alias name): an alias without an
 * anchor before it (`*nope`), and a `<<` merging something that is not a mapping; and an alias inside
 * the node it names, which `toJS` turns into a cycle rather than refusing. Anchors resolve
 * as the `yaml` package resolves them: the last one of that name before the alias, in document order.
 */
export function referenceProblems (document: Document, lineCounter: LineCounter): PlacedProblem[] {
  const problems: PlacedProblem[] = []
  const anchors = new Map<string, Node>()
  const place = (node: Node | Alias, message: string): void => {
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0)
    problems.push({ line, col, message })
  }
  const target = (node: unknown): unknown => (yaml().isAlias(node) ? anchors.get(node.source) : node)
  yaml().visit(document, (_key, node) => {
    if (yaml().isAlias(node)) {
      const anchored = anchors.get(node.source)
      if (anchored === undefined) place(node, `unknown alias *${node.source} (no &${node.source} anchor before it)`)
      // Inside the node it names: `toJS` would build a cycle, which nothing downstream can walk.
      else if (anchored.range != null && node.range != null && node.range[0] >= anchored.range[0] && node.range[0] < anchored.range[1]) {
        place(node, `*${node.source} is inside the &${node.source} node it names (a recursive alias)`)
      }
      return
    }
    if (yaml().isPair(node)) {
      if (!isMergeKey(node.key)) return
      // Aliases inside are visited after the pair: resolve them the same way here, first.
      const sources = yaml().isSeq(node.value) ? node.value.items : [node.value]
      for (const source of sources) {
        const resolved = target(source)
        if (resolved === undefined || yaml().isMap(resolved)) continue
        const what = yaml().isAlias(source) ? `*${source.source} is ${kindOf(resolved)}` : `got ${kindOf(resolved)}`
        place((source ?? node.key) as Node, `<< merges mappings only, but ${what}`)
      }
      return
    }
    const anchor = (node as { anchor?: string } | null)?.anchor
    if (anchor !== undefined) anchors.set(anchor, node as Node)
  })
  return problems
}

/**
 * The alias `toJS` was resolving when it gave up (an alias bomb: more expansion than it allows),
 * found by converting again with every alias watched; its place is the one a problem line shows.
 * Runs only on that error path.
 */
export function failingAlias (document: Document): Alias | undefined {
  let failing: Alias | undefined
  yaml().visit(document, {
    Alias (_key, alias) {
      const resolve = alias.resolve.bind(alias)
      // The innermost alias to throw is recorded first, as the error passes up through the others.
      alias.resolve = (...args: Parameters<Alias['resolve']>) => {
        try { return resolve(...args) } catch (error) { failing ??= alias; throw error }
      }
    }
  })
  try { document.toJS() } catch { /* the same error as before: only where it happens is wanted */ }
  return failing
}
