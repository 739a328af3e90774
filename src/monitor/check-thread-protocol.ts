import type { CheckResult, EnvironmentTarget } from './types.js'

/** What the check thread starts with (`workerData`). */
export interface CheckThreadData {
  /** The process's secrets (`config.secrets`): the thread's redactor is built from them. */
  readonly secrets: readonly string[]
}

/**
 * Main thread → check thread. A run's targets come in slices (`targets`, in order), then `run`
 * starts it; `abort` ends its checks early. Every field is plain data (structured clone).
 */
export type ToCheckThread =
  | { readonly kind: 'targets', readonly id: number, readonly targets: readonly EnvironmentTarget[] }
  | { readonly kind: 'run', readonly id: number, readonly concurrency: number }
  | { readonly kind: 'abort', readonly id: number }

/**
 * Check thread → main thread: a run's results in slices (`offset` into the run's targets), then
 * `done`, or `failed` with a message when the run threw (a bug: checks return failures as data).
 */
export type FromCheckThread =
  | { readonly kind: 'results', readonly id: number, readonly offset: number, readonly results: readonly CheckResult[] }
  | { readonly kind: 'done', readonly id: number }
  | { readonly kind: 'failed', readonly id: number, readonly message: string }

/** Targets or results per message: one message's (de)serialisation stays well under a few ms. */
export const MESSAGE_SLICE_SIZE = 500
