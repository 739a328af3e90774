import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../../src/app.js'
import { testConfig } from './config.js'
import { startTargetServer } from './target-server.js'
import { waitFor } from './wait-for.js'

/** Sample names a family of each type writes in the text format (prom-client's counters already end in `_total`). */
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count']
}

/** Every sample name an exposition declares (`# TYPE` lines, histogram and summary series included) or writes. */
export function sampleNames (exposition: string): Set<string> {
  const names = new Set<string>()
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    for (const suffix of SUFFIXES[type!] ?? ['']) names.add(name! + suffix)
  }
  for (const [, name] of exposition.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)) names.add(name!)
  return names
}

/**
 * The sample names a real Vigil exports: the app built from variables and a monitor file, with
 * an environment (and an extra path) on a local stand-in, scraped once a monitor cycle has
 * finished, as Prometheus would see it.
 */
export async function exportedMetricNames (): Promise<Set<string>> {
  const target = await startTargetServer()
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-metrics-')), 'monitor.yaml')
  writeFileSync(file, `
interval: 1h
environments:
  - name: production
    url: ${target.url}
    attempts: 1
    timeout: 2s
    checks: [/api/health]
`)
  const app = await buildApp(testConfig({ MONITOR_CONFIG: file }))
  try {
    await app.ready()
    await app.inject('/health')
    const exposition = await waitFor('a finished monitor cycle', async () => {
      const body = (await app.inject('/metrics')).body
      return /^vigil_environment_up\{environment="production"\} 1$/m.test(body) && body
    })
    return sampleNames(exposition)
  } finally {
    await app.close()
    await target.close()
  }
}
