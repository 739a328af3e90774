import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { createTestDatabase } from '../support/pg-database.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const HOOK = fileURLToPath(new URL('../fixtures/record-resolved.mjs', import.meta.url))

// Packages that only GitHub, a state database, an email channel, a JSONPath condition or a monitor
// file the fast parser gives up on need (issue 12).
const OPTIONAL = ['@octokit/rest', '@octokit/core', 'bottleneck', 'pg', 'nodemailer', 'undici', 'jsonpath-plus', 'yaml']

/** A port nothing listens on: the environment's checks fail at once (connection refused). */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Runs Vigil from source with the recording hook, waits until its first cycle has checked the
 * environment (so lazily loaded modules of the cycle and of the incident side are counted too),
 * and returns the npm packages whose modules were resolved.
 */
async function packagesLoaded (env: Record<string, string>, environmentYaml = ''): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lazy-'))
  const log = join(dir, 'resolved.log')
  writeFileSync(log, '')
  const monitor = join(dir, 'monitor.yaml')
  writeFileSync(monitor, `interval: 1s\nenvironments:\n  - name: staging\n    url: http://127.0.0.1:${await closedPort()}\n    attempts: 1\n${environmentYaml}`)
  const child = spawn(process.execPath, ['--import', HOOK, '--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', MONITOR_CONFIG: monitor, RESOLVED_LOG: log, ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
        if (match !== null) resolve(Number(match[1]))
      })
      child.once('exit', (code) => { reject(new Error(`vigil exited (${String(code)}) before listening:\n${output}`)) })
    })
    for (;;) {
      const body = await (await fetch(`http://127.0.0.1:${port}/health/detailed`)).json() as { environments?: Record<string, { status?: string }> | Array<{ status?: string }> }
      const environments = Object.values(body.environments ?? {})
      if (environments.some((e) => e.status === 'unhealthy')) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
  const packages = new Set<string>()
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
    if (match !== null) packages.add(match[1]!)
  }
  return packages
}

t.test('with environments but no GitHub, state database or email channel, their packages are never loaded', async (t) => {
  const loaded = await packagesLoaded({})
  t.ok(loaded.has('fastify'), 'the recorder saw the packages the server uses')
  for (const name of OPTIONAL) t.notOk(loaded.has(name), `${name} not loaded`)
})

t.test('with GitHub, a state database and a JSONPath condition configured, Octokit, the throttling stack, pg and jsonpath-plus are loaded', async (t) => {
  const condition = '    conditions:\n      - json: $.status\n        equals: ok\n'
  const loaded = await packagesLoaded({
    GITHUB_TOKEN: 'ghp_lazyloadingtest',
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_API_URL: `http://127.0.0.1:${await closedPort()}`,
    STATE_DATABASE_URL: await createTestDatabase(t)
  }, condition)
  for (const name of ['@octokit/rest', 'bottleneck', 'pg', 'jsonpath-plus']) t.ok(loaded.has(name), `${name} loaded`)
  t.notOk(loaded.has('nodemailer'), 'nodemailer not loaded without an email channel')
})
