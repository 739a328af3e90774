import { parseDuration } from '../config/duration.js'

/** Period of the percentiles, series and incidents when none is asked for: the last 24 hours. */
export const DEFAULT_PERIOD_MS = 86_400_000

/** `--since` / `?since=`: a duration (`24h`, `7d`) up to `maxMs`; undefined when it is not a positive duration. */
export function parsePeriod (text: string | undefined, maxMs: number): number | undefined {
  if (text === undefined) return DEFAULT_PERIOD_MS
  const ms = parseDuration(text)
  return ms === undefined || ms <= 0 ? undefined : Math.min(ms, maxMs)
}
