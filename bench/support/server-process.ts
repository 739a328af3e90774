import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface ServerProcess {
  readonly child: ChildProcess
  readonly url: string
  /** Resident memory of the process now, from /proc, in MB. */
  readonly rssMb: () => number
  /** Peak resident memory of the process so far (VmHWM), from /proc, in MB. */
  readonly peakRssMb: () => number
  /** CPU time (user + system) the process has used so far, from /proc, in ms. */
  readonly cpuMs: () => number
  readonly stop: () => Promise<void>
}

/** A memory field (VmRSS, VmHWM, …) of /proc/<pid>/status, in MB. */
export function procStatusMb (pid: number | undefined, field: string): number {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1]
  return Number(kb) / 1024
}

/** CPU time (user + system) process `pid` has used so far, from /proc/<pid>/stat, in ms. */
export function procCpuMs (pid: number | undefined): number {
  // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name; 100 ticks a second.
  const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/**
 * The Node options Vigil is deployed with: those of railway.json's `deploy.startCommand`
 * (`node --max-semi-space-size=4 dist/server.js` → `['--max-semi-space-size=4']`), so that the
 * benches measure Vigil as Railway runs it. Throws when the start command is not `node … dist/server.js`.
 */
export function deployedNodeOptions (): string[] {
  const { deploy } = JSON.parse(readFileSync(`${ROOT}railway.json`, 'utf8')) as { deploy: { startCommand: string } }
  const words = deploy.startCommand.trim().split(/\s+/)
  if (words[0] !== 'node' || words.at(-1) !== 'dist/server.js') throw new Error(`railway.json's startCommand is not \`node … dist/server.js\`: ${deploy.startCommand}`)
  return words.slice(1, -1)
}

/**
 * Starts `node <script>` (through tsx for a .ts script; `dist/server.js` and
 * `bench/support/filled-history-server.mjs` with the deployed Node options, deployedNodeOptions) with PORT=0 and resolves once it logs the address it listens on.
 */
export async function startServerProcess (script: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : []
  // The built server, and the bench's server that starts it with its history filled, run as deployed.
  const options = script === 'dist/server.js' || script === 'bench/support/filled-history-server.mjs' ? deployedNodeOptions() : []
  const child = spawn(process.execPath, [...options, ...loader, script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    let listening = false
    // Keeps reading (a piped stdout left unread would stall a chatty server) but stops keeping it once listening.
    child.stdout.on('data', (chunk: Buffer) => {
      if (listening) return
      output += chunk.toString()
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(output)
      if (match !== null) { listening = true; resolve(match[1]!) }
    })
    child.once('exit', (code) => { reject(new Error(`${script} exited with ${String(code)}: ${output}`)) })
  })
  return {
    child,
    url,
    rssMb: () => procStatusMb(child.pid, 'VmRSS'),
    peakRssMb: () => procStatusMb(child.pid, 'VmHWM'),
    cpuMs: () => procCpuMs(child.pid),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}
