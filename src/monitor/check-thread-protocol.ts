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
 * Check thread → main thread: `alive` every HEARTBEAT_MS from its start; a run's results as they come (`indices` into the run's targets, one
 * per result; `started`: how many checks had started, targets 0..started-1, when it was sent), then
 * `done`, or `failed` with a message when the run threw (a bug: checks return failures as data).
 */
export type FromCheckThread =
  | { readonly kind: 'alive' }
  | { readonly kind: 'results', readonly id: number, readonly indices: readonly number[], readonly results: readonly CheckResult[], readonly started: number }
  | { readonly kind: 'done', readonly id: number }
  | { readonly kind: 'failed', readonly id: number, readonly message: string }

/** Targets per message: one message's (de)serialisation stays well under a few ms. */
export const MESSAGE_SLICE_SIZE = 500

/** Results are sent at once when this many are waiting, else RESULT_FLUSH_MS after the first. */
export const RESULT_BATCH_SIZE = 200

/**
 * Longest a finished result (or a check's start) waits in the check thread before it is sent, ms:
 * results reach the main thread as the cycle goes, at most 100 messages a second, and a thread
 * that dies has told which checks it was in the middle of and lost almost nothing that finished.
 */
export const RESULT_FLUSH_MS = 10

/** How often the check thread says it is alive, ms (check-thread.ts ends one silent for STUCK_AFTER_MS). */
export const HEARTBEAT_MS = 1000
