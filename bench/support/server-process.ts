import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface ServerProcess {
  readonly child: ChildProcess
  readonly url: string
  /** Resident memory of the process now, from /proc, in MB. */
  readonly rssMb: () => number
  /** CPU time (user + system) the process has used so far, from /proc, in ms. */
  readonly cpuMs: () => number
  readonly stop: () => Promise<void>
}

/** Starts `node <script>` (through tsx for a .ts script) with PORT=0 and resolves once it logs the address it listens on. */
export async function startServerProcess (script: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : []
  const child = spawn(process.execPath, [...loader, script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(output)
      if (match !== null) resolve(match[1]!)
    })
    child.once('exit', (code) => { reject(new Error(`${script} exited with ${String(code)}: ${output}`)) })
  })
  return {
    child,
    url,
    rssMb: () => {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]
      return Number(kb) / 1024
    },
    cpuMs: () => {
      // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name; 100 ticks a second.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) * 10
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}
