import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTargetServer, type TargetServer } from './target-server.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** How a CLI run ended and everything it wrote. */
export interface CliRun {
  /** The exit status, or the signal's name. */
  readonly code: number | string
  readonly stdout: string
  readonly stderr: string
}

export interface CliRunOptions {
  /** The entry point: the source through tsx (default), or the built `dist/cli/main.js` run as an executable. */
  readonly built?: boolean
  /** Called with each chunk written to stderr, as it comes, and the process (to signal it). */
  readonly onStderr?: (chunk: string, child: ChildProcess) => void
  /** Called once the process is started (to signal it at a chosen moment). */
  readonly onSpawn?: (child: ChildProcess) => void
  /** Only keeps a broken build from hanging the suite (SIGKILL); no test asserts on time. */
  readonly deadlineMs?: number
}

/**
 * Runs `vigil <args>` as a real process with only the given variables (and PATH), so that nothing
 * of the test machine's environment leaks into the configuration. Resolves when it exits.
 */
export async function runVigilCli (args: readonly string[], env: Record<string, string> = {}, options: CliRunOptions = {}): Promise<CliRun> {
  const [command, argv] = options.built === true
    ? [join(ROOT, 'dist/cli/main.js'), [...args]]
    : [process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args]]
  const child = spawn(command, argv, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); options.onStderr?.(chunk.toString(), child) })
  const deadline = setTimeout(() => { child.kill('SIGKILL') }, options.deadlineMs ?? 60_000)
  const code = await new Promise<number | string>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (exitCode, signal) => { resolve(exitCode ?? signal ?? 'unknown') })
  }).finally(() => { clearTimeout(deadline) })
  return { code, stdout, stderr }
}

/** Writes a monitor file (YAML) into a fresh temporary directory and returns its path. */
export function writeMonitorFile (yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-cli-')), 'monitor.yaml')
  writeFileSync(file, yaml)
  return file
}

/** Local environments for CLI runs: one target server, and a monitor file naming each environment. */
export interface MonitoredTargets {
  readonly server: TargetServer
  /** The monitor file: environment `<name>` at `<server>/<name>`, so its health URL is `/<name>/health`; one try, 5 s timeout. */
  readonly file: string
}

/** Starts a target server (every path healthy until told otherwise) and writes the monitor file for `names`. */
export async function startMonitoredTargets (names: readonly string[]): Promise<MonitoredTargets> {
  const server = await startTargetServer()
  const file = writeMonitorFile(`environments:\n${names.map((name) => `  - { name: ${name}, url: "${server.url}/${name}", attempts: 1, timeout: 5s }\n`).join('')}`)
  return { server, file }
}
