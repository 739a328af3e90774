/**
 * Process phases readiness depends on besides components: start-up work still running, and
 * draining after SIGTERM.
 */
export interface Lifecycle {
  /** Registers start-up work (e.g. the first probe round) that readiness waits for. */
  beginStartupTask: (name: string) => void
  finishStartupTask: (name: string) => void
  pendingStartupTasks: () => readonly string[]
  startDraining: () => void
  readonly draining: boolean
  /** Marks a shutdown step as running; call the returned function when it is done. */
  trackShutdownStep: (name: string) => () => void
  /** Steps still running: what hung when the grace period runs out. */
  pendingShutdownSteps: () => readonly string[]
}

/** Creates the lifecycle of one app instance. */
export function createLifecycle (): Lifecycle {
  const pending = new Set<string>()
  const steps = new Set<string>()
  let draining = false
  return {
    beginStartupTask: (name) => { pending.add(name) },
    finishStartupTask: (name) => { pending.delete(name) },
    pendingStartupTasks: () => [...pending],
    startDraining: () => { draining = true },
    get draining () { return draining },
    trackShutdownStep (name) {
      steps.add(name)
      return () => { steps.delete(name) }
    },
    pendingShutdownSteps: () => [...steps]
  }
}
