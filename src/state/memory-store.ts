import type { EnvironmentState, Store } from './types.js'

/** State kept in this process only: lost on restart (the incident side re-adopts open issues). */
export function createMemoryStore () {
  const states = new Map<string, EnvironmentState>()
  return {
    get: async (environment) => states.get(environment),
    put: async (state) => { states.set(state.environment, structuredClone(state)) },
    list: async () => [...states.values()],
    close: async () => {}
  } satisfies Store
}
