// The redactor on large inputs (issue 8: it was quadratic, 5.9 s on 80 K characters).
// Bar: a 1 MB string in well under 50 ms, and time growing linearly with the text.
// Run: npx tsx bench/redact.ts
import { performance } from 'node:perf_hooks'
import { createRedactor, redactValue, type Redactor } from '../src/redact.js'

const BAR_MS = 50
const RUNS = 15

// Text that exercises every pattern: long letter runs (where a scheme could start), URLs with
// credentials and query strings, bearer tokens, and the planted secrets now and then.
function sampleText (size: number, secrets: readonly string[]): string {
  const parts: string[] = []
  let length = 0
  for (let i = 0; length < size; i++) {
    const part = [
      'x'.repeat(400), ' redis://default:', secrets[i % secrets.length] ?? 'pw', '@cache:6379 ',
      'GET https://api.example.com/v1/models?key=AIza', String(i), '&page=2 ',
      'Authorization: Bearer sk-', 'y'.repeat(40), ' INFO used_memory:', String(i * 1024), '\n'
    ].join('')
    parts.push(part)
    length += part.length
  }
  return parts.join('').slice(0, size)
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

function time (run: () => unknown): number {
  run() // warm-up: JIT and the regular expressions' compilation
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    run()
    samples.push(performance.now() - started)
  }
  return median(samples)
}

const secretsOf = (count: number): string[] => Array.from({ length: count }, (_, i) => `planted-secret-${i}-${(i * 7919).toString(36)}`)

function benchString (label: string, redact: Redactor, secrets: readonly string[]): void {
  const figures = [256 * 1024, 512 * 1024, 1024 * 1024].map((size) => {
    const text = sampleText(size, secrets)
    return { size, ms: time(() => redact(text)) }
  })
  const mb = figures[2]!
  const quarter = figures[0]!
  const verdict = mb.ms < BAR_MS ? 'PASS' : 'FAIL'
  console.log(`${label}: 1 MB in ${mb.ms.toFixed(1)} ms (bar < ${BAR_MS}) ${verdict}; ` +
    `256 KB ${quarter.ms.toFixed(1)} ms, 512 KB ${figures[1]!.ms.toFixed(1)} ms; 4x the text: ${(mb.ms / quarter.ms).toFixed(1)}x the time (linear: 4x)`)
}

// The report as /health/detailed would carry it, with 1,000 environments each holding a value
// that came from a `${VAR}` (a secret to the redactor).
function benchReport (): void {
  const secrets = secretsOf(1000)
  const redact = createRedactor([...secrets, ...secretsOf(10).map((s) => `env-${s}`)])
  const environments = Object.fromEntries(secrets.map((secret, i) => [`env-${i}`, {
    status: i % 10 === 0 ? 'unhealthy' : 'healthy',
    url: `https://env-${i}.example.com?token=[REDACTED]`,
    last_checked_at: new Date(0).toISOString(),
    http_status: i % 10 === 0 ? 502 : 200,
    response_time_ms: 120,
    tls_days_left: 41,
    ...(i % 10 === 0 ? { error: `HTTP 502 from /health; body said ${secret}` } : {}),
    incident: null
  }]))
  const report = { status: 'degraded', version: '1.4.0', environments }
  const size = JSON.stringify(report).length
  const ms = time(() => redactValue(report, redact))
  console.log(`1,000-environment report (${(size / 1024).toFixed(0)} KB, 1,010 known secrets): ${ms.toFixed(1)} ms (bar < ${BAR_MS}) ${ms < BAR_MS ? 'PASS' : 'FAIL'}`)
}

const few = secretsOf(12)
benchString('1 MB, 12 known secrets (a typical process)', createRedactor(few), few)
const many = secretsOf(3000)
const built = performance.now()
createRedactor(many)
console.log(`building the redactor for 3,000 known secrets (once, at start-up): ${(performance.now() - built).toFixed(0)} ms`)
benchString('1 MB, 3,000 known secrets (1,000 environments, 3 values each)', createRedactor(many), many)
benchReport()
