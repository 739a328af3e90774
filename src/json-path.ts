import { createRequire } from 'node:module'
import type * as JsonPathPlus from 'jsonpath-plus'

type JsonPathLibrary = typeof JsonPathPlus

const require = createRequire(import.meta.url)
let library: JsonPathLibrary | undefined

/**
 * The values at `path` (a JSONPath such as `$.db.status`) in `json`, always as an array (empty when
 * nothing matches). Scripts in the path are evaluated by jsonpath-plus's safe evaluator. Throws on
 * a path the library cannot parse. jsonpath-plus is loaded on the first call, so a configuration
 * without a `json` condition never loads it (issue 12: nothing loaded that is not used).
 */
export function jsonPathValues (path: string, json: unknown): unknown[] {
  library ??= require('jsonpath-plus') as JsonPathLibrary
  return library.JSONPath({ path, json: json as object, wrap: true, eval: 'safe' }) as unknown[]
}
