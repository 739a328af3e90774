const UNITS: ReadonlyArray<[number, string]> = [[3_600_000, 'h'], [60_000, 'm'], [1000, 's']]

/** A duration as the configuration writes it: `15m`, `10s`, `1.5s`, `500ms`. */
export function formatDuration (ms: number): string {
  for (const [size, unit] of UNITS) if (ms >= size) return `${Number((ms / size).toFixed(2))}${unit}`
  return `${Math.round(ms)}ms`
}

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function formatTable (rows: ReadonlyArray<readonly string[]>): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length) })
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
}

/** `1 try`, `3 tries`. */
export const tries = (n: number): string => (n === 1 ? '1 try' : `${n} tries`)
