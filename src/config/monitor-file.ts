import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import type { Redactor } from '../redact.js'
import { expandVariables } from './expand-variables.js'
import { MonitorFileSchema, type MonitorFile } from './monitor-schema.js'
import { schemaProblems } from './schema-problems.js'
import { urlCredentials } from './url.js'

type Env = Record<string, string | undefined>

/** Problem lines about the monitor file all start with this. */
export const PREFIX = 'MONITOR_CONFIG'

/**
 * The monitor file after `${VAR}` expansion (undefined when it could not be read or parsed) and the
 * problem lines found so far. With problems, `file` may not match its type: check before trusting.
 */
export interface MonitorFileResult {
  readonly file: MonitorFile | undefined
  readonly problems: readonly string[]
}

function readText (path: string): string | { problem: string } {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    return { problem: `${PREFIX}: cannot read ${JSON.stringify(path)} (${code})` }
  }
}

/** URL passwords written in the file (literally or through `${VAR}`), so they can be redacted everywhere. */
export function urlSecrets (file: MonitorFile): string[] {
  const environments = Array.isArray(file.environments) ? file.environments : []
  // A URL that does not parse is reported by validation; it has no credentials to collect.
  return environments.flatMap((entry) => urlCredentials(String(entry?.url)) ?? [])
}

/**
 * Reads the monitor file (YAML, and so JSON too), expands `${VAR}` from `env` and validates it.
 * Every problem is reported, one line each, with values passed through `redact`.
 */
export function readMonitorFile (path: string, env: Env, redact: Redactor): MonitorFileResult {
  const text = readText(path)
  if (typeof text !== 'string') return { file: undefined, problems: [text.problem] }

  // YAML error messages quote the offending source line, which may hold a secret: keep the first line.
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true })
  if (document.errors.length > 0) {
    return {
      file: undefined,
      problems: document.errors.map((e) => `${PREFIX}: not valid YAML or JSON: ${redact(e.message.split('\n')[0] ?? e.code)}`)
    }
  }
  const parsed: unknown = document.toJS() ?? {}
  const expansion = expandVariables(parsed, env)
  const problems = [
    ...expansion.problems.map((p) => `${PREFIX} ${p}`),
    ...schemaProblems(PREFIX, MonitorFileSchema, expansion.value, redact)
  ]
  return { file: expansion.value as MonitorFile, problems }
}
