/**
 * Response bodies past this are not read unless the environment sets `max_body_size` (bytes). Its
 * own module so that the main thread can size the check thread's heap without loading the transport.
 */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576

/**
 * MiB of answer bodies past the default size that one cycle reads at once, at most (256 MiB). Body
 * buffers live outside the V8 heap, where no `resourceLimits` reach: without this, 100 checks of
 * environments allowing `max_body_size: 100MiB` read at once took the process to 4 GB of RSS (the
 * tryout), enough for a container's out-of-memory kill. A check allowed more than the default
 * waits, before it starts, for its share (largeBodyWeight); the others never wait.
 */
export const LARGE_BODY_BUDGET_MIB = 256

/**
 * The share of LARGE_BODY_BUDGET_MIB a check of `target` holds while it runs, in MiB: 0 at or below
 * the default `max_body_size`, else its `max_body_size` rounded up, at most the whole budget (one
 * such check then runs alone among the large ones).
 */
export function largeBodyWeight (target: { readonly maxBodyBytes?: number }): number {
  const bytes = target.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  return bytes <= DEFAULT_MAX_BODY_BYTES ? 0 : Math.min(LARGE_BODY_BUDGET_MIB, Math.ceil(bytes / DEFAULT_MAX_BODY_BYTES))
}
