import { parentPort, workerData } from 'node:worker_threads'
import { createRedactor } from '../redact.js'
import { MESSAGE_SLICE_SIZE, type CheckThreadData, type FromCheckThread, type ToCheckThread } from './check-thread-protocol.js'
import { runCycle } from './run-cycle.js'
import type { EnvironmentTarget } from './types.js'

// The check thread (check-thread.ts starts it): runs cycles with the real transport and sends the
// results back. It logs nothing; what goes wrong goes back as data, redacted here and again there.
const port = parentPort
if (port === null) throw new Error('check-thread-entry runs only as a worker thread (monitor/check-thread.ts)')
const redact = createRedactor((workerData as CheckThreadData).secrets)
const arriving = new Map<number, EnvironmentTarget[]>()
const running = new Map<number, AbortController>()
const send = (message: FromCheckThread): void => { port.postMessage(message) }

async function run (id: number, targets: readonly EnvironmentTarget[], concurrency: number): Promise<void> {
  const controller = new AbortController()
  running.set(id, controller)
  try {
    const results = await runCycle(targets, { concurrency, redact, signal: controller.signal })
    if (controller.signal.aborted) return
    for (let offset = 0; offset < results.length; offset += MESSAGE_SLICE_SIZE) {
      send({ kind: 'results', id, offset, results: results.slice(offset, offset + MESSAGE_SLICE_SIZE) })
    }
    send({ kind: 'done', id })
  } catch (err) {
    send({ kind: 'failed', id, message: redact(err instanceof Error ? err.message : String(err)) })
  } finally {
    running.delete(id)
  }
}

port.on('message', (message: ToCheckThread) => {
  switch (message.kind) {
    case 'targets': {
      const list = arriving.get(message.id) ?? []
      for (const target of message.targets) list.push(target)
      arriving.set(message.id, list)
      return
    }
    case 'run': {
      const targets = arriving.get(message.id) ?? []
      arriving.delete(message.id)
      void run(message.id, targets, message.concurrency)
      return
    }
    case 'abort':
      arriving.delete(message.id)
      running.get(message.id)?.abort()
  }
})
