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
