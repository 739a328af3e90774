#!/usr/bin/env node
import { runCli } from './run-cli.js'

// The process around runCli: SIGINT/SIGTERM (Ctrl-C, a cancelled CI job) abort the command, which
// then ends with its own message and status; a second signal ends the process at once.
const controller = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { controller.abort() })
// `vigil check | head` closes stdout early: not an error of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => { if (error.code !== 'EPIPE') throw error })

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal })
