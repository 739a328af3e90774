import { existsSync, readFileSync } from 'node:fs'
import t from 'tap'
import { runVigilCli } from '../support/run-vigil-cli.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string, bin: Record<string, string> }

t.test('--help lists every command on stdout, exit 0', async (t) => {
  const run = await runVigilCli(['--help'], {})
  t.equal(run.code, 0)
  t.match(run.stdout, /^Usage: vigil <command> \[options\]/)
  for (const command of ['check', 'verify', 'config']) t.match(run.stdout, new RegExp(`^ {2}${command} +\\S`, 'm'))
  t.equal(run.stderr, '')
})

t.test('--version prints the package version', async (t) => {
  const run = await runVigilCli(['--version'], {})
  t.equal(run.code, 0)
  t.equal(run.stdout, `${pkg.version}\n`)
})

t.test('an unknown command, or none: usage on stderr, exit 2', async (t) => {
  for (const args of [['deploy'], [], ['toString']]) {
    const run = await runVigilCli(args, {})
    t.equal(run.code, 2, args.join(' '))
    t.equal(run.stdout, '')
    t.match(run.stderr, /^vigil: (unknown command "\w+"|expected a command)\n\nUsage: vigil <command>/)
  }
})

t.test('each command has its own --help, exit 0, without reading the configuration', async (t) => {
  for (const [args, heading] of [[['check', '--help'], 'Usage: vigil check'], [['verify', '-h'], 'Usage: vigil verify'], [['config', 'check', '--help'], 'Usage: vigil config check'], [['config', '--help'], 'Usage: vigil config check']] as const) {
    // An invalid variable would stop any command that read the configuration.
    const run = await runVigilCli([...args], { PORT: 'abc' })
    t.equal(run.code, 0, args.join(' '))
    t.ok(run.stdout.startsWith(heading), args.join(' '))
    t.match(run.stdout, /Exit status: /)
  }
})

t.test('the bin is the built entry point, which runs as an executable with its shebang', async (t) => {
  t.equal(pkg.bin.vigil, 'dist/cli/main.js')
  t.ok(readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8').startsWith('#!/usr/bin/env node\n'))
  // npm test builds first; a lone run of this file may have no dist/.
  if (!existsSync(new URL('../../dist/cli/main.js', import.meta.url))) { t.comment('dist/cli/main.js is not built (npm run build): the built binary is not run'); return }
  const run = await runVigilCli(['--version'], {}, { built: true })
  t.equal(run.code, 0, run.stderr)
  t.equal(run.stdout, `${pkg.version}\n`)
})
