import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface VigilProcess {
  readonly child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  readonly output: () => string
  /** Resolves with the exit code (or the signal name) once the process ends. */
  readonly exited: Promise<number | string>
  /** Resolves with the port once the server logs that it listens; rejects if it exits first. */
  readonly listening: () => Promise<number>
}

/**
 * Runs a real Vigil process from source (through tsx) with the given variables: `script` is
 * src/server.ts or a fixture under test/fixtures that calls startServer.
 */
export function spawnVigil (env: Record<string, string>, script = 'src/server.ts'): VigilProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  let onListening: (port: number) => void = () => {}
  const listening = new Promise<number>((resolve) => { onListening = resolve })
  const collect = (chunk: Buffer): void => {
    output += chunk.toString()
    const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
    if (match !== null) onListening(Number(match[1]))
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => { resolve(code ?? signal ?? 'unknown') })
  })
  const failedToListen = async (): Promise<never> => {
    const code = await exited
    throw new Error(`vigil exited (${code}) before listening:\n${output}`)
  }
  return { child, output: () => output, exited, listening: async () => await Promise.race([listening, failedToListen()]) }
}
