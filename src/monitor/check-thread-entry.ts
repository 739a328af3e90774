import { parentPort, workerData } from 'node:worker_threads'
import { createRedactor } from '../redact.js'
import { HEARTBEAT_MS, RESULT_BATCH_SIZE, RESULT_FLUSH_MS, type CheckThreadData, type FromCheckThread, type ToCheckThread } from './check-thread-protocol.js'
import { checkEach } from './run-cycle.js'
import type { CheckResult, EnvironmentTarget } from './types.js'

// The check thread (check-thread.ts starts it): runs cycles with the real transport and streams
// the results back as they come, keeping none. It logs nothing; what goes wrong goes back as
// data, redacted here and again there.
const port = parentPort
if (port === null) throw new Error('check-thread-entry runs only as a worker thread (monitor/check-thread.ts)')
const redact = createRedactor((workerData as CheckThreadData).secrets)
const arriving = new Map<number, EnvironmentTarget[]>()
const running = new Map<number, AbortController>()
const send = (message: FromCheckThread): void => { port.postMessage(message) }
// Alive from the start and every HEARTBEAT_MS: a thread whose event loop stops turning falls silent.
send({ kind: 'alive' })
setInterval(() => { send({ kind: 'alive' }) }, HEARTBEAT_MS).unref()

async function run (id: number, targets: readonly EnvironmentTarget[], concurrency: number): Promise<void> {
  const controller = new AbortController()
  running.set(id, controller)
  let started = 0
  let startedSent = 0
  let indices: number[] = []
  let results: CheckResult[] = []
  let timer: NodeJS.Timeout | undefined
  let immediate: NodeJS.Immediate | undefined
  // What finished and how many started, sent together: at once past a batch, else within
  // RESULT_FLUSH_MS, so that a thread that dies loses little but what was in flight.
  const flush = (): void => {
    clearTimeout(timer)
    clearImmediate(immediate)
    timer = undefined
    immediate = undefined
    if (controller.signal.aborted || (results.length === 0 && started === startedSent)) return
    send({ kind: 'results', id, indices, results, started })
    startedSent = started
    indices = []
    results = []
  }
  const soon = (): void => { timer ??= setTimeout(flush, RESULT_FLUSH_MS) }
  try {
    const onStart = (): void => {
      started++
      // The first checks are told at once, before their requests leave: a thread stuck or out
      // of memory in one of them has said which it was in the middle of.
      if (startedSent === 0) immediate ??= setImmediate(flush)
      else soon()
    }
    await checkEach(targets, { concurrency, redact, signal: controller.signal, onStart }, (index, result) => {
      indices.push(index)
      results.push(result)
      if (results.length >= RESULT_BATCH_SIZE) flush()
      else soon()
    })
    if (controller.signal.aborted) return
    flush()
    send({ kind: 'done', id })
  } catch (err) {
    send({ kind: 'failed', id, message: redact(err instanceof Error ? err.message : String(err)) })
  } finally {
    clearTimeout(timer)
    clearImmediate(immediate)
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
