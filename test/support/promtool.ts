import { spawn } from 'node:child_process'

/** Runs promtool with `args` (in `cwd`, `input` on its stdin); resolves with its exit code and output, stdout and stderr together. */
export async function runPromtool (args: readonly string[], options: { cwd?: string, input?: string } = {}): Promise<{ code: number | null, output: string }> {
  const child = spawn('promtool', args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stdin.end(options.input ?? '')
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { code, output }
}

/** Runs `promtool check metrics` on an exposition; resolves with its exit code and output. */
export async function promtoolCheckMetrics (exposition: string): Promise<{ code: number | null, output: string }> {
  return await runPromtool(['check', 'metrics'], { input: exposition })
}
