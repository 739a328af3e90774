import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import { MESSAGE_SLICE_SIZE, type CheckThreadData, type FromCheckThread, type ToCheckThread } from './check-thread-protocol.js'
import { DEFAULT_MAX_BODY_BYTES, LARGE_BODY_BUDGET_MIB } from './body-limit.js'
import { DEFAULT_CONCURRENCY, type CycleRunner } from './cycle-runner.js'
import type { CheckResult, EnvironmentTarget } from './types.js'
import { unjudgedResult } from './unjudged-result.js'
import { worstCycleMs } from './worst-case.js'

/**
 * The check thread's V8 heap, its own and apart from the server's (docs/architecture.md, "Scale").
 * Measured: a cycle of 10,000 environments at 100 in flight runs within a 24 MB old generation;
 * 128 MB leaves room for 100 answers of up to 1 MiB (the default `max_body_size`) read at once.
 * The young generation is small: a check's garbage dies young, and a larger nursery is only RSS
 * (a 1,000-environment cycle peaked 8 MB lower at 8 MB than at 16 MB, 18 MB lower than V8's default).
 * Past the old-generation limit the thread dies: that cycle fails, visibly, and the next one starts afresh.
 */
export const CHECK_THREAD_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 }

/**
 * CHECK_THREAD_LIMITS with room for what the targets allow past the default body size: the
 * `concurrency` largest `max_body_size` values above 1 MiB, at most LARGE_BODY_BUDGET_MIB of them
 * (no more are read at once), three times over (the bytes, the text decoded from them, and a
 * `json` condition's parse), added to the old generation. Without it one environment with
 * `max_body_size: 100MiB` answering 54 MB of JSON took the thread out of memory on every cycle.
 */
export function checkThreadLimits (targets: ReadonlyArray<Pick<EnvironmentTarget, 'maxBodyBytes'>>, concurrency: number): ResourceLimits {
  const extraBytes = targets
    .map((target) => Math.max(0, (target.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) - DEFAULT_MAX_BODY_BYTES))
    .filter((bytes) => bytes > 0)
    .sort((a, b) => b - a)
    .slice(0, Math.max(1, concurrency))
    .reduce((sum, bytes) => Math.min(sum + bytes, LARGE_BODY_BUDGET_MIB * DEFAULT_MAX_BODY_BYTES), 0)
  return { ...CHECK_THREAD_LIMITS, maxOldGenerationSizeMb: CHECK_THREAD_LIMITS.maxOldGenerationSizeMb! + Math.ceil((3 * extraBytes) / 1_048_576) }
}

/**
 * How long the check thread stays after its last run before it ends, ms. It is started again for
 * the next run (about 80 ms of CPU, on its own thread): an idle thread kept its heap, 35 MB of RSS
 * more after a 1,000-environment cycle than ending it did.
 */
export const CHECK_THREAD_IDLE_MS = 1000

/** Intervals up to this keep the check thread between cycles (checkThreadIdleMs), ms. */
export const KEEP_THREAD_MAX_INTERVAL_MS = 60_000

/**
 * How long the check thread of a monitor cycling every `intervalMs` stays after a run, ms: through
 * to the next cycle at intervals up to a minute (a thread started afresh runs its checks in cold,
 * unoptimised code: cycles of 1,000 environments at 10 s took 1.5–2× the wall time of the same
 * cycles in a warm thread), and CHECK_THREAD_IDLE_MS at longer ones, where its heap would be
 * resident for minutes to save 80 ms.
 */
export function checkThreadIdleMs (intervalMs: number): number {
  return intervalMs <= KEEP_THREAD_MAX_INTERVAL_MS ? intervalMs + CHECK_THREAD_IDLE_MS : CHECK_THREAD_IDLE_MS
}

/**
 * Time a run may take past the longest its targets allow (monitor/worst-case.ts), ms, before the
 * thread is taken for stuck and ended: room for reading bodies, judging and the messages. Checks
 * end at their own deadlines, so only a thread that stopped turning its event loop (a `matches`
 * pattern backtracking for ever on what a service answered, a bug) gets there.
 */
export const RUN_DEADLINE_GRACE_MS = 30_000

/**
 * Most times one run goes on in a fresh thread after its thread died before any of its checks was
 * under way (a bug, a thread that cannot start); past it the run fails. Other deaths do not count:
 * each sets apart the checks under way, to run alone, so there are never more of them than checks.
 */
export const MAX_THREAD_RESTARTS = 3

/**
 * A thread that has sent nothing for this long while it has a run (it says it is alive every
 * HEARTBEAT_MS, check-thread-protocol.ts) has stopped turning its event loop: a `matches` pattern
 * backtracking for ever, a heap thrashing near its limit. It is ended as stuck, ms. Well above the
 * longest a single turn legitimately takes (parsing the largest JSON answer the body budget allows).
 */
export const STUCK_AFTER_MS = 15_000

/** The check thread could not run the checks: it died (out of memory, stuck, a bug) or was closed. */
export class CheckThreadError extends Error {
  /** What a check in flight when it happened reports: one stable, short failure phrase. */
  readonly phrase: string
  constructor (message: string, options?: { cause?: unknown, phrase?: string }) {
    super(message, options)
    this.name = 'CheckThreadError'
    this.phrase = options?.phrase ?? 'check not finished: the check thread failed'
  }
}

/**
 * The result of a check the thread died in the middle of, twice: unhealthy (a check that cannot
 * judge fails closed) with the death's phrase, e.g. `check not finished: the check thread ran out of memory`.
 */
export function unfinishedCheck (target: Pick<EnvironmentTarget, 'name' | 'displayUrl'>, error: CheckThreadError, now = new Date()): CheckResult {
  return unjudgedResult(target, error.phrase, now)
}

export interface CheckThreadOptions {
  /** The process's secrets (`config.secrets`): the thread builds its redactor from them. */
  readonly secrets: readonly string[]
  /** At most this many checks in flight per run (default 100). */
  readonly concurrency?: number
  /** The thread's heap limits; CHECK_THREAD_LIMITS by default. */
  readonly resourceLimits?: ResourceLimits
  /** Idle time before the thread ends, ms; CHECK_THREAD_IDLE_MS by default. */
  readonly idleMs?: number
  /** Added to the longest a run's targets allow before the thread is ended as stuck, ms; RUN_DEADLINE_GRACE_MS by default. */
  readonly deadlineGraceMs?: number
  /**
   * Told when a thread dies under a run: `again` when the run goes on in a fresh thread (the checks
   * it was in the middle of are then run alone, the others as before), false when the run fails.
   */
  readonly onLost?: (error: CheckThreadError, again: boolean) => void
  /** Most fresh threads one run starts after deaths with many checks under way; MAX_THREAD_RESTARTS by default. */
  readonly maxRestarts?: number
  /** Silence after which a thread with a run is ended as stuck, ms; STUCK_AFTER_MS by default. */
  readonly stuckAfterMs?: number
  /** Told of every thread started (tests end one to see the failure). */
  readonly onStart?: (worker: Worker) => void
}

/** One round of a run on one thread: its targets are `targets[indices[k]]` of the run. */
interface Job {
  readonly receive: (message: Extract<FromCheckThread, { kind: 'results' }>) => void
  readonly done: () => void
  /** The run threw in the thread (a bug): the run fails. */
  readonly fail: (error: CheckThreadError) => void
  /** The thread died or was ended: the run goes on in a fresh thread, or fails. */
  readonly lost: (error: CheckThreadError) => void
}

interface Thread {
  readonly worker: Worker
  readonly jobs: Map<number, Job>
  ended: boolean
  /** When the thread last sent anything (ms, performance.now()); undefined until its first message. */
  heardAt: number | undefined
  readonly watchdog: NodeJS.Timeout
}

// Built, this module is dist's .js and the entry is its sibling. From source (tap, tsx, `npm run
// dev`) it is .ts: on Node 20 a worker's own entry does not pass through the loader hooks it
// inherits (`--import tsx`), so a one-line script registers tsx (a dev dependency) in the
// thread and then imports the .ts entry.
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const ENTRY = new URL(`./check-thread-entry${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url)
const workerScript = (): { script: URL | string, eval: boolean } => FROM_SOURCE
  ? { script: `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(ENTRY.href)}) })`, eval: true }
  : { script: ENTRY, eval: false }

/**
 * Runs cycles in a `node:worker_threads` Worker with its own heap and event loop, so that no socket,
 * TLS handshake, body or judgement of a check touches the server's. The thread starts on the first
 * run (none while nothing is checked) and ends after `idleMs` without a run. Targets go over in
 * slices, results come back in slices, each a turn of the event loop. When the thread dies, every
 * run in it rejects with a CheckThreadError and the next run starts a fresh one; the process lives on.
 */
export function createCheckThread (options: CheckThreadOptions): CycleRunner {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  const idleMs = options.idleMs ?? CHECK_THREAD_IDLE_MS
  const data: CheckThreadData = { secrets: [...options.secrets] }
  let thread: Thread | undefined
  let idle: NodeJS.Timeout | undefined
  let nextId = 0
  let closed = false

  // Every round on `current` is lost with `error`; the thread is no longer used.
  const stuckAfterMs = options.stuckAfterMs ?? STUCK_AFTER_MS
  const stuck = (message: string): CheckThreadError => new CheckThreadError(message, { phrase: 'check not finished: the check thread was stuck' })
  // Checks (by environment name) that a thread died in the middle of: they run alone, after the
  // others, until one such run of theirs finishes. Kept across runs, so that an environment whose
  // answer takes the thread down never again takes the others' checks with it.
  const alone = new Set<string>()

  // Every round on `current` is lost with `error`; the thread is no longer used.
  const end = (current: Thread, error: CheckThreadError): void => {
    if (current.ended) return
    current.ended = true
    clearInterval(current.watchdog)
    if (thread === current) thread = undefined
    const jobs = [...current.jobs.values()]
    current.jobs.clear()
    for (const job of jobs) job.lost(error)
  }

  const start = (): Thread => {
    const { script, eval: isEval } = workerScript()
    const worker = new Worker(script, { eval: isEval, workerData: data, resourceLimits: options.resourceLimits ?? CHECK_THREAD_LIMITS })
    // The thread never holds the process open: its runs are awaited by whoever started them.
    worker.unref()
    // Armed from the thread's first message (starting one, from source under load, can be slow).
    const watchdog = setInterval(() => {
      if (current.heardAt === undefined || current.jobs.size === 0) return
      const silentMs = performance.now() - current.heardAt
      if (silentMs <= stuckAfterMs) return
      end(current, stuck(`the check thread sent nothing for ${Math.round(silentMs / 1000)} s: it was stuck and was ended`))
      worker.terminate().catch(() => {})
    }, Math.min(1000, stuckAfterMs))
    watchdog.unref()
    const current: Thread = { worker, jobs: new Map(), ended: false, heardAt: undefined, watchdog }
    worker.on('message', (message: FromCheckThread) => {
      current.heardAt = performance.now()
      if (message.kind === 'alive') return
      const job = current.jobs.get(message.id)
      if (job === undefined) return
      if (message.kind === 'results') job.receive(message)
      else if (message.kind === 'failed') job.fail(new CheckThreadError(`the check thread's run failed: ${message.message}`))
      else job.done()
    })
    worker.on('error', (err: Error & { code?: string }) => {
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      end(current, new CheckThreadError(`the check thread failed: ${err.message}`, { cause: err, phrase: memory ? 'check not finished: the check thread ran out of memory' : undefined }))
      worker.terminate().catch(() => {})
    })
    worker.on('messageerror', (err) => {
      end(current, new CheckThreadError(`a message from the check thread could not be read: ${err.message}`, { cause: err }))
      worker.terminate().catch(() => {})
    })
    worker.on('exit', (code) => { end(current, new CheckThreadError(`the check thread exited (code ${code})`)) })
    options.onStart?.(worker)
    return current
  }

  const stopWhenIdle = (): void => {
    clearTimeout(idle)
    idle = setTimeout(() => {
      const current = thread
      if (current === undefined || current.jobs.size > 0) return
      end(current, new CheckThreadError('the check thread ended'))
      current.worker.terminate().catch(() => {})
    }, idleMs)
    idle.unref()
  }

  // The targets in slices (a turn of the event loop between), then the order to run them.
  const send = async (current: Thread, id: number, targets: readonly EnvironmentTarget[], roundConcurrency: number): Promise<void> => {
    for (let offset = 0; offset < targets.length; offset += MESSAGE_SLICE_SIZE) {
      if (offset > 0) await yieldToEventLoop()
      if (!current.jobs.has(id)) return
      const message: ToCheckThread = { kind: 'targets', id, targets: targets.slice(offset, offset + MESSAGE_SLICE_SIZE) }
      current.worker.postMessage(message)
    }
    if (current.jobs.has(id)) current.worker.postMessage({ kind: 'run', id, concurrency: roundConcurrency } satisfies ToCheckThread)
  }

  const run = async (targets: readonly EnvironmentTarget[], signal: AbortSignal): Promise<CheckResult[]> => {
    if (closed) throw new CheckThreadError('the check thread is closed')
    signal.throwIfAborted()
    if (targets.length === 0) return []
    clearTimeout(idle)
    const results = new Array<CheckResult | undefined>(targets.length)
    let missing = targets.length
    // Indices still to check together, and those to check one at a time after them.
    let together: number[] = []
    const oneByOne: number[] = []
    targets.forEach((target, index) => { (alone.has(target.name) ? oneByOne : together).push(index) })
    let deaths = 0
    return await new Promise<CheckResult[]>((resolve, reject) => {
      let finished = false
      let leave = (): void => {}
      let abortRound = (): void => {}
      const finish = (error?: unknown): void => {
        if (finished) return
        finished = true
        leave()
        signal.removeEventListener('abort', onAbort)
        if (error !== undefined) reject(error)
        else resolve(results as CheckResult[])
      }
      const next = (): void => {
        if (finished) return
        if (together.length > 0) {
          const indices = together
          together = []
          round(indices, concurrency)
          return
        }
        const index = oneByOne.shift()
        if (index !== undefined) round([index], 1)
        else if (missing === 0) finish()
        else finish(new CheckThreadError(`the check thread finished with ${missing} of ${targets.length} results missing`))
      }
      // One round: `indices` of the run's targets, `roundConcurrency` at a time, on the current
      // thread (a fresh one after a death).
      const round = (indices: readonly number[], roundConcurrency: number): void => {
        const current = thread ?? (thread = start())
        const id = ++nextId
        const roundTargets = indices.map((index) => targets[index]!)
        const single = roundConcurrency === 1 && indices.length === 1
        let started = 0
        abortRound = () => { if (!current.ended) current.worker.postMessage({ kind: 'abort', id } satisfies ToCheckThread) }
        leave = () => {
          clearTimeout(deadline)
          current.jobs.delete(id)
          if (thread === current && current.jobs.size === 0) stopWhenIdle()
        }
        // A backstop for a thread that is alive but never finishes (a bug): past the longest its
        // checks can take, it is ended like a stuck one.
        const limitMs = worstCycleMs(roundTargets, roundConcurrency) + (options.deadlineGraceMs ?? RUN_DEADLINE_GRACE_MS)
        const deadline = setTimeout(() => {
          end(current, stuck(`the check thread did not finish within ${Math.round(limitMs / 1000)} s, longer than its checks can take; it was ended`))
          current.worker.terminate().catch(() => {})
        }, limitMs)
        deadline.unref()
        current.jobs.set(id, {
          receive: (message) => {
            started = Math.max(started, message.started)
            message.indices.forEach((k, i) => {
              const index = indices[k]!
              if (results[index] === undefined) missing--
              results[index] = message.results[i]
            })
          },
          done: () => {
            leave()
            // A check run alone that finished: the thread's death was not its doing, or no longer is.
            if (single) alone.delete(targets[indices[0]!]!.name)
            next()
          },
          fail: (error) => { finish(error) },
          lost: (error) => {
            leave()
            if (closed || signal.aborted) { finish(error); return }
            if (single) {
              // Alone, it is the check the thread died in.
              const index = indices[0]!
              if (results[index] === undefined) { results[index] = unfinishedCheck(targets[index]!, error); missing-- }
              options.onLost?.(error, true)
              next()
              return
            }
            // A death with checks under way is progress: they run alone from now on. Only deaths
            // before any check was under way (nothing to set apart) count towards the limit.
            const underWay = indices.filter((index, k) => k < started && results[index] === undefined)
            const again = underWay.length > 0 || deaths < (options.maxRestarts ?? MAX_THREAD_RESTARTS)
            options.onLost?.(error, again)
            if (!again) { finish(error); return }
            if (underWay.length === 0) deaths++
            // Those under way run alone (one of them took the thread down); the rest as before.
            for (const index of underWay) {
              alone.add(targets[index]!.name)
              oneByOne.push(index)
            }
            indices.forEach((index, k) => { if (k >= started && results[index] === undefined) together.push(index) })
            next()
          }
        })
        // A target that cannot cross (DataCloneError) fails the run like a dead thread.
        send(current, id, roundTargets, roundConcurrency).catch((err: unknown) => { finish(err) })
      }
      // Aborted: the run rejects now; the thread stops its checks and drops their results.
      const onAbort = (): void => {
        finish(signal.reason)
        abortRound()
      }
      signal.addEventListener('abort', onAbort, { once: true })
      next()
    })
  }

  return {
    run,
    close: async () => {
      closed = true
      clearTimeout(idle)
      const current = thread
      if (current === undefined) return
      end(current, new CheckThreadError('the check thread was closed'))
      await current.worker.terminate()
    }
  }
}
