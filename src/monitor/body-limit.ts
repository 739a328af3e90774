/**
 * Response bodies past this are not read unless the environment sets `max_body_size` (bytes). Its
 * own module so that the main thread can size the check thread's heap without loading the transport.
 */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576
