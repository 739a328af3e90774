import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'

t.test('an invalid monitor file stops start-up with exit 1, every problem listed, no secret printed', async (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-startup-')), 'monitor.yaml')
  writeFileSync(path, [
    'environments:',
    '  - name: production',
    '    url: gopher://deploy:Sup3rS3cret!@api.example.com',
    '  - name: staging',
    '    url: ${STAGING_URL}',
    ''
  ].join('\n'))
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH, MONITOR_CONFIG: path, PORT: '0', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000
  })
  t.equal(run.status, 1)
  t.match(run.stderr, /MONITOR_CONFIG environments\[0\]\.url: expected an http or https URL/)
  t.match(run.stderr, /MONITOR_CONFIG environments\[1\]\.url: unknown variable \$\{STAGING_URL\}/)
  t.notMatch(run.stderr + run.stdout, /Sup3rS3cret/)
})

t.test('a missing url, a merge key, a duration past the timer limit and an expanded credential: one line each, exit 1, no stack trace', async (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-startup-')), 'monitor.yaml')
  writeFileSync(path, [
    'x-defaults: &defaults',
    '  timeout: 600h',
    'environments:',
    '  - name: a',
    '  - <<: *defaults',
    '    name: staging',
    '    url: "${BASIC}@staging.example.com"',
    ''
  ].join('\n'))
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH, MONITOR_CONFIG: path, PORT: '0', LOG_LEVEL: 'silent', BASIC: 'alice:planted-pw', PROBE_INTERVAL: '600h' },
    encoding: 'utf8',
    timeout: 60_000
  })
  t.equal(run.status, 1)
  const output = run.stderr + run.stdout
  t.match(output, /^PROBE_INTERVAL: expected a duration of at most 596h/m)
  t.match(output, /MONITOR_CONFIG environments\[0\]\.url: missing, expected an http or https URL/)
  t.match(output, /MONITOR_CONFIG environments\[1\]\.timeout: expected a duration of at most 596h/)
  t.match(output, /MONITOR_CONFIG environments\[1\]\.url: expected an http or https URL, got "\$\{BASIC\}@staging\.example\.com" \(expanded value hidden\)/)
  t.notMatch(output, /planted-pw|TypeError|\n {4}at /)
})
