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
  // The alias being expanded when the parser gave up is named, with its place (x-bomb's `c:` line).
  t.match(read.problems[0], /^MONITOR_CONFIG: cannot be read at line 5, column 10 \(alias \*c\): .*alias/i)
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
  t.same(two.problems, ['MONITOR_CONFIG: not valid YAML or JSON at line 2, column 1: a second YAML document starts here (`---`); a monitor file is one document'])
})

t.test('an unknown alias, in a value or a merge, is named with its line and column', async (t) => {
  const merged = parseMonitorText('environments:\n  - <<: *undefined\n    name: a\n    url: http://a.example\n', {}, redact)
  t.equal(merged.file, undefined)
  t.same(merged.problems, ['MONITOR_CONFIG: not valid YAML or JSON at line 2, column 9: unknown alias *undefined (no &undefined anchor before it)'])
  // An anchor set after its alias does not count (YAML resolves aliases backwards only).
  const later = parseMonitorText('environments:\n  - name: a\n    url: *later\nx-a: &later http://a.example\n', {}, redact)
  t.same(later.problems, ['MONITOR_CONFIG: not valid YAML or JSON at line 3, column 10: unknown alias *later (no &later anchor before it)'])
})

t.test('an alias inside the node it names (a cycle) is one problem with its place, not a crash', async (t) => {
  const inList = parseMonitorText('environments: &e\n  - name: a\n    url: http://a.example\n    checks: *e\n', {}, redact)
  t.equal(inList.file, undefined)
  t.same(inList.problems, ['MONITOR_CONFIG: not valid YAML or JSON at line 4, column 13: *e is inside the &e node it names (a recursive alias)'])
  const itself = parseMonitorText('x-a: &a [*a]\nenvironments:\n  - name: a\n    url: http://a.example\n', {}, redact)
  t.same(itself.problems, ['MONITOR_CONFIG: not valid YAML or JSON at line 1, column 10: *a is inside the &a node it names (a recursive alias)'])
})

t.test('a merge of something that is not a mapping says what it is, with its line and column', async (t) => {
  const scalar = parseMonitorText('x-a: &a 5\nenvironments:\n  - <<: *a\n    name: a\n    url: http://a.example\n', {}, redact)
  t.same(scalar.problems, ['MONITOR_CONFIG: not valid YAML or JSON at line 3, column 9: << merges mappings only, but *a is a number'])
  const inList = parseMonitorText('x-a: &a {timeout: 5s}\nx-b: &b [1]\nenvironments:\n  - <<: [*a, *b]\n    name: a\n    url: http://a.example\n', {}, redact)
  t.same(inList.problems, ['MONITOR_CONFIG: not valid YAML or JSON at line 4, column 14: << merges mappings only, but *b is a list'])
  const good = parseMonitorText('x-a: &a {timeout: 5s}\nenvironments:\n  - <<: [*a, {attempts: 2}]\n    name: a\n    url: http://a.example\n', {}, redact)
  t.same(good.problems, [])
  t.match(good.file?.environments?.[0], { timeout: '5s', attempts: 2 })
})

t.test('values JSON cannot show are named: .inf, .nan, binary data, timestamps, sets', async (t) => {
  const problem = (yaml: string): string | undefined => parseMonitorText(yaml, {}, redact).problems[0]
  t.equal(problem('concurrency: .inf\n'), 'MONITOR_CONFIG concurrency: expected an integer from 1 to 1000, got infinity (.inf)')
  t.equal(problem('concurrency: -.inf\n'), 'MONITOR_CONFIG concurrency: expected an integer from 1 to 1000, got minus infinity (-.inf)')
  t.equal(problem('concurrency: .nan\n'), 'MONITOR_CONFIG concurrency: expected an integer from 1 to 1000, got not a number (.nan)')
  const entry = (value: string): string => `environments:\n  - name: a\n    url: ${value}\n`
  t.equal(problem(entry('!!binary aGVsbG8=')), 'MONITOR_CONFIG environments[0].url: expected an http or https URL, got binary data (5 bytes)')
  t.equal(problem(entry('!!timestamp 2020-01-01')), 'MONITOR_CONFIG environments[0].url: expected an http or https URL, got a timestamp (2020-01-01T00:00:00.000Z)')
  t.equal(problem(entry('!!set {a, b}')), 'MONITOR_CONFIG environments[0].url: expected an http or https URL, got a set of 2 (!!set)')
  t.equal(problem(entry('{x: !!binary aGVsbG8=, y: .inf}')), 'MONITOR_CONFIG environments[0].url: expected an http or https URL, got {"x":"<binary data (5 bytes)>","y":"<infinity (.inf)>"}')
})
