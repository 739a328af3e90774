import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { createRequire } from 'node:module'
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml'
import type * as Yaml from 'yaml'
import type { Redactor } from '../redact.js'
import { expandVariables, type ExpandedValue } from './expand-variables.js'
import { MonitorFileSchema, type MonitorFile } from './monitor-schema.js'
import { displayPath, schemaProblems } from './schema-problems.js'
import { urlCredentials } from './url.js'
import { failingAlias, referenceProblems } from './yaml-references.js'

type Env = Record<string, string | undefined>

/** Problem lines about the monitor file all start with this. */
export const PREFIX = 'MONITOR_CONFIG'

/** Largest monitor file read (1 MiB): far above any real one, and a bound on start-up work. */
export const MONITOR_FILE_MAX_BYTES = 1024 * 1024

/**
 * The monitor file after `${VAR}` expansion (undefined when it could not be read or parsed) and the
 * problem lines found so far. With problems, `file` may not match its type: check before trusting.
 */
export interface MonitorFileResult {
  readonly file: MonitorFile | undefined
  readonly problems: readonly string[]
  /** Strings that held a `${VAR}`: their values are secrets and are never echoed. */
  readonly references: readonly ExpandedValue[]
}

function readText (path: string): string | { problem: string } {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const size = fstatSync(fd).size
    if (size > MONITOR_FILE_MAX_BYTES) {
      return { problem: `${PREFIX}: ${JSON.stringify(path)} is ${size} bytes, expected at most ${MONITOR_FILE_MAX_BYTES} (1 MiB)` }
    }
    const buffer = Buffer.alloc(size)
    const read = readSync(fd, buffer, 0, size, 0)
    return buffer.toString('utf8', 0, read)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    return { problem: `${PREFIX}: cannot read ${JSON.stringify(path)} (${code})` }
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

// Fields whose expanded values identify rather than protect (they are shown in issue titles,
// markers, labels and the report): not treated as secrets. Everything else from `${VAR}` is one.
const SHOWN_FIELDS = [
  /^\/environments\/\d+\/name$/, /^\/github\//, /^\/environments\/\d+\/labels\//, /^\/environments\/\d+\/notify\//,
  /^\/channels\/[^/]+\/(name|kind|min_status|severity)$/
]

/** The values that came from `${VAR}` and are secrets to the redactor (issue 8). */
export function expandedSecrets (references: readonly ExpandedValue[]): string[] {
  return references
    .filter((ref) => !ref.numeric && !SHOWN_FIELDS.some((field) => field.test(ref.pointer)))
    .flatMap((ref) => ref.values)
}

/** The display paths (`environments[0].url`) of strings that held a `${VAR}`. */
export function expandedPaths (references: readonly ExpandedValue[]): Map<string, string> {
  return new Map(references.map((ref) => [displayPath(ref.pointer), ref.written]))
}

/** URL passwords written in the file (literally or through `${VAR}`), so they can be redacted everywhere. */
export function urlSecrets (file: MonitorFile): string[] {
  const environments = Array.isArray(file.environments) ? file.environments : []
  // A URL that does not parse is reported by validation; it has no credentials to collect. Nor has
  // one without an `@` (most of them): no URL is parsed for those.
  return environments.flatMap((entry) => {
    const url = String(entry?.url)
    return url.includes('@') ? urlCredentials(url) ?? [] : []
  })
}

// Top-level `x-…` keys hold anchors for `<<: *name` merges (as in docker compose files).
function withoutExtensions (value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('x-')))
}

// YAML 1.2's core schema with merge keys, as the full parser below reads it.
const FAST_SCHEMA = CORE_SCHEMA.withTags(mergeTag)

/**
 * True when walking `value` (as expansion and validation will, following shared objects each time
 * they appear) visits more than `limit` nodes: an alias bomb, or a file better left to the full
 * parser's alias limit. Stops as soon as it knows, so it costs at most `limit` steps.
 */
function expandsPast (value: unknown, limit: number): boolean {
  let visited = 0
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const node = stack.pop()
    if (++visited > limit) return true
    if (node !== null && typeof node === 'object') for (const child of Object.values(node)) stack.push(child)
  }
  return false
}

/**
 * The fast path (js-yaml, about 10× quicker than the full parser on a 10,000-environment file, so
 * start-up stays under a second): the value when the text parses cleanly and expands to a size
 * bounded by its length; undefined otherwise (a syntax error, a duplicate key, an unknown tag, too
 * many merged keys or aliases), and the full parser then reads it and words the problems.
 */
function parseFast (text: string): { value: unknown } | undefined {
  // Both bounds grow with the file, so a legitimate file of `<<: *defaults` entries passes and a bomb does not.
  const limit = Math.max(10_000, text.length)
  try {
    const value = load(text, { schema: FAST_SCHEMA, maxTotalMergeKeys: limit })
    return expandsPast(value, limit) ? undefined : { value }
  } catch {
    return undefined
  }
}

// The full parser (~60 files, 50-150 ms to load) is required only when the fast path gives up.
const require = createRequire(import.meta.url)

function parse (text: string, redact: Redactor): { value: unknown } | { problems: string[] } {
  const fast = parseFast(text)
  if (fast !== undefined) return { value: withoutExtensions(fast.value) }
  const { LineCounter, parseDocument } = require('yaml') as typeof Yaml
  const lineCounter = new LineCounter()
  // YAML error messages can quote the offending source line, which may hold a secret: keep the first line.
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true, lineCounter })
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0])
        // The parser's own wording for this one is advice to its programmer (parseAllDocuments()).
        const message = e.code === 'MULTIPLE_DOCS' ? 'a second YAML document starts here (`---`); a monitor file is one document' : redact(e.message.split('\n')[0] ?? e.code)
        return `${PREFIX}: not valid YAML or JSON at line ${line}, column ${col}: ${message}`
      })
    }
  }
  try {
    const value: unknown = document.toJS()
    // A recursive alias comes back as a cycle, not an error: refuse it here, with its place.
    const recursive = referenceProblems(document, lineCounter)
    if (recursive.length > 0) return { problems: recursive.map((p) => `${PREFIX}: not valid YAML or JSON at line ${p.line}, column ${p.col}: ${redact(p.message)}`) }
    return { value: withoutExtensions(value) }
  } catch (error) {
    // toJS refuses an unknown alias, a merge of what is not a mapping, and alias bombs (more
    // aliases than it allows), all without a place: find it, and name the alias.
    const placed = referenceProblems(document, lineCounter)
    if (placed.length > 0) return { problems: placed.map((p) => `${PREFIX}: not valid YAML or JSON at line ${p.line}, column ${p.col}: ${redact(p.message)}`) }
    const alias = failingAlias(document)
    const { line, col } = lineCounter.linePos(alias?.range?.[0] ?? 0)
    const where = alias === undefined ? '' : ` at line ${line}, column ${col} (alias *${alias.source})`
    return { problems: [`${PREFIX}: cannot be read${where}: ${redact((error as Error).message.split('\n')[0] ?? '')}`] }
  }
}

/**
 * Reads the monitor file (YAML, and so JSON too; merge keys `<<` supported), expands `${VAR}` from
 * `env` and validates it. Every problem is reported, one line each, with values passed through
 * `redact`, and no value that holds an expansion echoed.
 */
export function readMonitorFile (path: string, env: Env, redact: Redactor): MonitorFileResult {
  const text = readText(path)
  if (typeof text !== 'string') return { file: undefined, problems: [text.problem], references: [] }
  return parseSource(text, env, redact, JSON.stringify(path))
}

/**
 * The monitor file's content given as text (MONITOR_CONFIG_YAML), read like the file: the same
 * 1 MiB bound, parsing, expansion and validation. Problem lines start with MONITOR_CONFIG; the
 * caller renames them after the variable the text came from.
 */
export function parseMonitorText (text: string, env: Env, redact: Redactor): MonitorFileResult {
  const bytes = Buffer.byteLength(text)
  if (bytes > MONITOR_FILE_MAX_BYTES) return { file: undefined, problems: [`${PREFIX}: the content is ${bytes} bytes, expected at most ${MONITOR_FILE_MAX_BYTES} (1 MiB)`], references: [] }
  return parseSource(text, env, redact, 'the content')
}

// `source` names the text in a problem line: the file's path (quoted), or `the content`.
function parseSource (text: string, env: Env, redact: Redactor, source: string): MonitorFileResult {
  const parsed = parse(text, redact)
  if ('problems' in parsed) return { file: undefined, problems: parsed.problems, references: [] }
  // Nothing at all (no bytes, only comments, `null`, `~`): a mount or a template gone wrong, not a
  // choice; without this it would start watching nothing and say nothing (docs/configuration.md).
  if (parsed.value === null || parsed.value === undefined) {
    return { file: undefined, problems: [`${PREFIX}: ${source} is empty (nothing but comments or null), expected a mapping with environments; write the environments to check, or leave the variable unset`], references: [] }
  }

  const expansion = expandVariables(parsed.value, env)
  const problems = [
    ...expansion.problems.map((p) => `${PREFIX} ${p}`),
    ...schemaProblems(PREFIX, MonitorFileSchema, expansion.value, redact)
  ]
  return { file: expansion.value as MonitorFile, problems, references: expansion.references }
}
