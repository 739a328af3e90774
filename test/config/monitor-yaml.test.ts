import t from 'tap'
import { parseMonitorText } from '../../src/config/monitor-file.js'
import { createRedactor } from '../../src/redact.js'

const redact = createRedactor([])

t.test('an alias bomb is refused with one line, not expanded', async (t) => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i)
    const name = String.fromCharCode(97 + i)
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`)
  }
  const read = parseMonitorText(`x-bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\nenvironments:\n  - name: a\n    url: http://a.example\n    labels: *j\n`, {}, redact)
  t.equal(read.file, undefined)
  t.equal(read.problems.length, 1)
  t.match(read.problems[0], /^MONITOR_CONFIG: cannot be read: .*alias/i)
})

t.test('thousands of environments merging shared defaults all get them (past js-yaml\'s default merge-key limit)', async (t) => {
  const count = 3000
  const lines = ['x-defaults: &defaults', '  timeout: 7s', '  attempts: 2', '  expected_status: [200, 204]', '  failure_threshold: 4', 'environments:']
  for (let i = 0; i < count; i++) lines.push(`  - <<: *defaults`, `    name: env-${i}`, `    url: http://10.0.${i >> 8}.${i & 255}:8080`)
  const read = parseMonitorText(lines.join('\n') + '\n', {}, redact)
  t.same(read.problems, [])
  const environments = read.file!.environments as unknown as Array<Record<string, unknown>>
  t.equal(environments.length, count)
  t.same(environments[count - 1], { timeout: '7s', attempts: 2, expected_status: [200, 204], failure_threshold: 4, name: `env-${count - 1}`, url: 'http://10.0.11.183:8080' })
})

t.test('YAML 1.2 core scalars: yes, dates and 0o17 read as the full parser reads them', async (t) => {
  const read = parseMonitorText('environments:\n  - name: yes\n    url: http://a.example\n    labels: [2001-12-14, "0o17"]\n', {}, redact)
  const environment = (read.file!.environments as unknown as Array<Record<string, unknown>>)[0]
  t.equal(environment?.name, 'yes')
  t.same(environment?.labels, ['2001-12-14', '0o17'])
})

t.test('a duplicate key and a second document are problems, worded with line and column', async (t) => {
  const duplicate = parseMonitorText('environments:\n  - name: a\n    name: b\n    url: http://a.example\n', {}, redact)
  t.match(duplicate.problems.join('\n'), /not valid YAML or JSON at line 3, column 5: Map keys must be unique/)
  const two = parseMonitorText('environments: []\n---\nenvironments: []\n', {}, redact)
  t.match(two.problems.join('\n'), /not valid YAML or JSON at line \d+, column \d+/)
})
