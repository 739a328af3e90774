import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The `index`-th distinct loopback origin on `port`: 127.1.0.0, 127.1.0.1, … (all reach a server on 0.0.0.0). */
export function distinctOrigin (index: number, port: number): string {
  return `http://127.${1 + ((index >> 16) & 255)}.${(index >> 8) & 255}.${index & 255}:${port}`
}

/**
 * The text of a monitor file (YAML) with `count` environments named `env-0`, `env-1`, … each on its
 * own origin of a target listening on `port` (bench/support/target-server.mjs), so that no two
 * share a connection. `interval` as the monitor file writes it (e.g. `1h`).
 */
export function monitorFileText (count: number, port: number, options: { concurrency?: number, interval?: string } = {}): string {
  const lines = [`concurrency: ${options.concurrency ?? 100}`]
  if (options.interval !== undefined) lines.push(`interval: ${options.interval}`)
  lines.push('environments:')
  for (let index = 0; index < count; index++) lines.push(`  - name: env-${index}`, `    url: ${distinctOrigin(index, port)}`)
  return lines.join('\n') + '\n'
}

/** Writes monitorFileText(…) to a file in the temporary directory and returns its path. */
export function writeMonitorFile (count: number, port: number, options: { concurrency?: number, interval?: string } = {}): string {
  const path = join(tmpdir(), `vigil-bench-monitor-${count}-${process.pid}.yml`)
  writeFileSync(path, monitorFileText(count, port, options))
  return path
}
