/** Backoff of retryable deliveries: doubling from `baseMs`, capped at `maxMs`, with ±20 % jitter. */
export function backoffMs (attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exact = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(exact * (0.8 + 0.4 * random()))
}
