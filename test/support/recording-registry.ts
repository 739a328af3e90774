import { createComponentRegistry, type ComponentRegistry } from '../../src/health/component-registry.js'
import type { Status } from '../../src/health/status.js'

export interface Recorded { readonly name: string, readonly status: Status, readonly error: string | undefined }

/** A real registry that also keeps every result recorded into it, in order. */
export function recordingRegistry (): { registry: ComponentRegistry, results: Recorded[] } {
  const registry = createComponentRegistry()
  const results: Recorded[] = []
  const record = registry.record
  registry.record = (name, result, at) => {
    results.push({ name, status: result.status, error: result.error })
    return record(name, result, at)
  }
  return { registry, results }
}

/** Results of one component recorded from index `from` on. */
export const resultsOf = (results: readonly Recorded[], name: string, from = 0): Recorded[] =>
  results.slice(from).filter((r) => r.name === name)
