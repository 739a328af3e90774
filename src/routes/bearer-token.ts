import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * True when the Authorization header carries exactly `Bearer <expected>`. Both sides are hashed
 * first so the comparison takes the same time whatever the length or content of the guess.
 */
export function bearerTokenMatches (header: string | undefined, expected: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '')
  const given = match?.[1]?.trim() ?? ''
  return timingSafeEqual(digest(given), digest(expected)) && given !== ''
}
