import type { Status } from '../health/status.js'

// The IETF health-check response draft (draft-inadarei-api-health-check), Spring Boot Actuator,
// Elasticsearch colours and the usual synonyms. Words are compared lower-cased, with `-` and
// spaces read as `_`. docs/configuration.md carries the same table.
const WORDS: Readonly<Record<string, Status>> = {
  pass: 'healthy',
  ok: 'healthy',
  up: 'healthy',
  healthy: 'healthy',
  green: 'healthy',
  warn: 'degraded',
  warning: 'degraded',
  degraded: 'degraded',
  yellow: 'degraded',
  fail: 'unhealthy',
  failed: 'unhealthy',
  failure: 'unhealthy',
  down: 'unhealthy',
  error: 'unhealthy',
  unhealthy: 'unhealthy',
  critical: 'unhealthy',
  red: 'unhealthy',
  out_of_service: 'unhealthy',
  unknown: 'unhealthy',
  offline: 'unhealthy'
}

/** The status a reported word stands for; undefined for a word not in the table. */
export function statusOfWord (word: string): Status | undefined {
  return WORDS[word.trim().toLowerCase().replace(/[\s-]+/g, '_')]
}

/** Every known word with its status, for documentation and tests. */
export const STATUS_WORDS: Readonly<Record<string, Status>> = WORDS
