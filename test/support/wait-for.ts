import type { Test } from 'tap'

/**
 * Polls until `condition` gives something other than false or undefined, and resolves with it.
 * The deadline only keeps a broken build from hanging the suite; no test asserts on how long this
 * took.
 */
export async function waitFor<T> (description: string, condition: () => T | undefined | false | Promise<T | undefined | false>, deadlineMs = 20_000): Promise<T> {
  const giveUpAt = Date.now() + deadlineMs
  for (;;) {
    const value = await condition()
    if (value !== undefined && value !== false) return value
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${description}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Collects unhandled rejections and uncaught exceptions; the returned check fails the test on any. */
export function watchEscapedErrors (): (t: Test) => void {
  const escaped: unknown[] = []
  const keep = (error: unknown): void => { escaped.push(error) }
  process.on('unhandledRejection', keep)
  process.on('uncaughtException', keep)
  return (t) => {
    process.off('unhandledRejection', keep)
    process.off('uncaughtException', keep)
    t.same(escaped.map(String), [], 'no unhandled rejection or uncaught exception')
  }
}
