import { writeFileSync } from 'node:fs'

/**
 * The base URL of environment `index` (0-based): a distinct origin each, http://127.A.B.C:port
 * (A from 1), so no check shares a connection or a pool with another. All reach a server on 0.0.0.0.
 */
export function environmentUrl (index: number, port: number): string {
  return `http://127.${1 + ((index >> 16) & 255)}.${(index >> 8) & 255}.${index & 255}:${port}`
}

/** Writes a monitor file (YAML) with `count` environments `env-<i>` at environmentUrl(i, port), checked `concurrency` at a time. */
export function writeMonitorFile (path: string, count: number, port: number, concurrency: number): void {
  let text = `concurrency: ${concurrency}\nenvironments:\n`
  for (let i = 0; i < count; i++) text += `  - name: env-${i}\n    url: ${environmentUrl(i, port)}\n`
  writeFileSync(path, text)
}
