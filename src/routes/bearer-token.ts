import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * True when `given` is exactly the non-empty secret `expected`. Both sides are hashed first so
 * the comparison takes the same time whatever the length or content of the guess.
 */
export function secretMatches (given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected)) && given !== ''
}

/** True when the Authorization header carries exactly `Bearer <expected>` (compared as secretMatches does). */
export function bearerTokenMatches (header: string | undefined, expected: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '')
  return secretMatches(match?.[1]?.trim() ?? '', expected)
}
