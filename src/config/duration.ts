const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** Accepted duration syntax: a non-negative number and a unit, e.g. `500ms`, `10s`, `1.5m`, `1h`. */
export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)\\s*$'

/**
 * Accepted syntax of a long duration (a retention, never a timer): the units above and days, `30d`.
 * Not limited to the timer limit below.
 */
export const LONG_DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)\\s*$'

/** Parses `500ms`, `10s`, `15m`, `1h` (and `30d`) into milliseconds; undefined when the text is not a duration. */
export function parseDuration (text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text)
  if (match === null) return undefined
  const unit = match[2] as keyof typeof UNIT_MS
  return Math.round(Number(match[1]) * UNIT_MS[unit])
}

/** The longest delay a Node.js timer keeps (2^31−1 ms ≈ 24.8 days); longer ones fire at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1

/** The words of the problem line for a duration past the timer limit. */
export const DURATION_LIMIT_EXPECTED = 'a duration of at most 596h (2147483647 ms, the longest timer Node.js keeps)'
