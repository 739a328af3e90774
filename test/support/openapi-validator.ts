import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

interface Parameter { name: string, in: string, required?: boolean, schema?: object, $ref?: string }
interface OperationSpec { operationId: string, parameters?: Parameter[], requestBody?: unknown, responses: Record<string, unknown> }
interface Doc { paths: Record<string, Record<string, OperationSpec>>, components: { parameters: Record<string, Parameter> } }

/** An operation of GitHub's description matched by a request. */
export interface MatchedOperation {
  readonly operationId: string
  readonly template: string
  readonly method: string
  readonly pathParams: Record<string, string>
}

const pointer = (...parts: string[]): string =>
  '#/' + parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')

let cached: OpenApiValidator | undefined

// OpenAPI 3.0's `nullable` is not JSON Schema: rewrite it as a null type or a null alternative.
function jsonSchemaNullable (node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchemaNullable)
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) out[key] = jsonSchemaNullable(value)
  if (out.nullable !== true) return out
  delete out.nullable
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null']
    if (Array.isArray(out.enum)) out.enum = [...out.enum as unknown[], null]
    return out
  }
  return { anyOf: [out, { type: 'null' }] }
}

/** Checks requests and responses against @octokit/openapi's api.github.com description. */
export interface OpenApiValidator {
  match: (method: string, path: string) => MatchedOperation | undefined
  /** Problems with the request's path and query parameters and JSON body; empty when valid. */
  checkRequest: (op: MatchedOperation, query: URLSearchParams, body: unknown) => string[]
  /** Problems with a 2xx JSON response body. */
  checkResponse: (op: MatchedOperation, status: number, body: unknown) => string[]
}

/** One validator per process: the description is large, and schemas are compiled only when used. */
export function openApiValidator (): OpenApiValidator {
  if (cached !== undefined) return cached
  const require = createRequire(import.meta.url)
  const doc = jsonSchemaNullable(JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'))) as Doc
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
  addFormats(ajv)
  ajv.addSchema(doc, 'gh')
  const compiled = new Map<string, ValidateFunction>()
  const validator = (ref: string): ValidateFunction => {
    let fn = compiled.get(ref)
    if (fn === undefined) { fn = ajv.compile({ $ref: `gh${ref}` }); compiled.set(ref, fn) }
    return fn
  }
  const problems = (fn: ValidateFunction, value: unknown, what: string): string[] =>
    fn(value) ? [] : (fn.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message ?? 'invalid'}`)

  const routes = Object.keys(doc.paths).map((template) => ({
    template,
    names: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
    regex: new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '([^/]+)') + '$')
  }))
  const resolve = (p: Parameter): Parameter => (p.$ref === undefined ? p : doc.components.parameters[p.$ref.split('/').pop()!]!)
  const coerce = (schema: { type?: string } | undefined, raw: string): unknown =>
    schema?.type === 'integer' || schema?.type === 'number' ? (/^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw) : schema?.type === 'boolean' ? raw === 'true' ? true : raw === 'false' ? false : raw : raw

  cached = {
    match (method, path) {
      const lower = method.toLowerCase()
      for (const route of routes) {
        const m = route.regex.exec(path)
        const spec = doc.paths[route.template]?.[lower]
        if (m === null || spec === undefined) continue
        const pathParams = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]))
        return { operationId: spec.operationId, template: route.template, method: lower, pathParams }
      }
      return undefined
    },
    checkRequest (op, query, body) {
      const spec = doc.paths[op.template]![op.method]!
      const params = (spec.parameters ?? []).map(resolve)
      const out: string[] = []
      for (const p of params) {
        const raw = p.in === 'path' ? op.pathParams[p.name] : p.in === 'query' ? query.get(p.name) ?? undefined : undefined
        if (raw === undefined) { if (p.required === true && p.in !== 'header') out.push(`missing ${p.in} parameter ${p.name}`); continue }
        const fn = ajv.compile(p.schema ?? {})
        if (!fn(coerce(p.schema as { type?: string }, raw))) out.push(`${p.in} parameter ${p.name}=${raw}: ${fn.errors?.[0]?.message ?? 'invalid'}`)
      }
      for (const name of query.keys()) if (!params.some((p) => p.in === 'query' && p.name === name)) out.push(`unknown query parameter ${name}`)
      if (spec.requestBody !== undefined) {
        out.push(...problems(validator(pointer('paths', op.template, op.method, 'requestBody', 'content', 'application/json', 'schema')), body, 'body'))
      } else if (body !== undefined) {
        out.push('body sent to an operation that takes none')
      }
      return out
    },
    checkResponse (op, status, body) {
      return problems(validator(pointer('paths', op.template, op.method, 'responses', String(status), 'content', 'application/json', 'schema')), body, `response ${status}`)
    }
  }
  return cached
}
