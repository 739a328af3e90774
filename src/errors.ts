/** Invalid configuration: carries one human-readable line per problem, never a secret's value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly problems: readonly string[]

  constructor (problems: readonly string[], options?: { cause?: unknown }) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`, options)
    this.problems = problems
  }
}

/** A dependency did not answer within its deadline. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError'

  constructor (what: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`${what} timed out after ${timeoutMs} ms`, options)
  }
}
