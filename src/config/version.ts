import { readFileSync } from 'node:fs'

/** The package version, read once from package.json next to src/ or dist/. */
export function packageVersion (): string {
  const path = new URL('../../package.json', import.meta.url)
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version
}
