import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls until `condition` holds. The generous limit only turns a hang into a clear failure; no test
 * asserts on how long anything took.
 */
export async function waitFor<T> (condition: () => T | undefined | false | Promise<T | undefined | false>, what: string, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const value = await condition()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await sleep(20)
  }
}
