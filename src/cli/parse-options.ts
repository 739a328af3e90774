import { parseArgs, type ParseArgsConfig } from 'node:util'
import { parseDuration } from '../config/duration.js'

/** Bad arguments: the dispatcher prints the message and the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * Node's util.parseArgs in strict mode (unknown options, missing values and stray arguments are
 * refused), with its errors turned into UsageError carrying the first sentence of Node's message.
 */
export function parseOptions<const O extends Options> (argv: readonly string[], options: O): ReturnType<typeof parseArgs<{ options: O, strict: true, allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message.split('. ')[0] ?? 'invalid arguments')
    throw error
  }
}

/** `--attempts`: a whole number from 1 to `max`. */
export function parseCount (flag: string, text: string, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new UsageError(`${flag}: expected a whole number from 1 to ${max}, got ${JSON.stringify(text)}`)
  return value
}

/** `--delay`: a duration as the configuration writes them (`500ms`, `10s`, `1m`), at most `maxMs`. */
export function parseDurationFlag (flag: string, text: string, maxMs: number): number {
  const ms = parseDuration(text)
  if (ms === undefined || ms > maxMs) throw new UsageError(`${flag}: expected a duration such as 500ms, 10s or 1m (at most ${maxMs / 60_000}m), got ${JSON.stringify(text)}`)
  return ms
}
