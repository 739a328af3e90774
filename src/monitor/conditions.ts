import { jsonPathValues } from '../json-path.js'
import type { Redactor } from '../redact.js'
import type { Condition } from './types.js'

/** What a condition can look at in one answer of the health URL. */
export interface AnswerFacts {
  readonly httpStatus: number
  readonly responseTimeMs: number
  /** The body text; undefined when it was not read. */
  readonly body: string | undefined
  /** The parsed body; NOT_JSON when it is not JSON. */
  readonly json: unknown
  readonly certificateDaysLeft: number | null
}

/** Marks a body that is not JSON (so a JSON `null` stays distinguishable). */
export const NOT_JSON = Symbol('not JSON')

const MAX_SHOWN = 60

/** A value as a failure phrase shows it: JSON, at most 60 characters, secrets removed. */
export function shownValue (value: unknown, redact: Redactor): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)
  return redact(text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text)
}

/** How a condition reads in its failure phrase, e.g. `$.db.status equals "up"`. */
export function describeCondition (condition: Condition, redact: Redactor): string {
  switch (condition.kind) {
    case 'json': return condition.op === 'exists'
      ? `${condition.path} ${condition.value === false ? 'is absent' : 'exists'}`
      : `${condition.path} ${condition.op.replace('_', ' ')} ${shownValue(condition.value, redact)}`
    case 'body_contains': return `body contains ${shownValue(condition.text, redact)}`
    case 'body_not_contains': return `body does not contain ${shownValue(condition.text, redact)}`
    case 'status_in': return `status in [${condition.codes.join(', ')}]`
    case 'response_time_below': return `response time below ${condition.ms} ms`
    case 'certificate_days_above': return `certificate days above ${condition.days}`
  }
}

function jsonFound (condition: Extract<Condition, { kind: 'json' }>, json: unknown): { holds: boolean, found: unknown } | 'no JSON body' {
  if (json === NOT_JSON) return 'no JSON body'
  const matches = jsonPathValues(condition.path, json)
  const found = matches.length === 1 ? matches[0] : matches.length === 0 ? undefined : matches
  const { op, value } = condition
  if (op === 'exists') return { holds: (matches.length > 0) === (value !== false), found }
  if (matches.length === 0) return { holds: false, found: undefined }
  const equal = JSON.stringify(found) === JSON.stringify(value) || (typeof found !== 'object' && String(found) === String(value))
  if (op === 'equals') return { holds: equal, found }
  if (op === 'not_equals') return { holds: !equal, found }
  if (op === 'matches') return { holds: typeof found === 'string' && new RegExp(String(value)).test(found), found }
  const number = typeof found === 'number' ? found : Number.NaN
  return { holds: op === 'above' ? number > Number(value) : number < Number(value), found }
}

/** The failure of one condition against an answer (`undefined` when it holds). */
function failureOf (condition: Condition, facts: AnswerFacts, redact: Redactor): string | undefined {
  const found = (value: unknown): string => value === undefined ? 'found nothing' : `found ${shownValue(value, redact)}`
  switch (condition.kind) {
    case 'json': {
      const result = jsonFound(condition, facts.json)
      if (result === 'no JSON body') return 'found no JSON body'
      return result.holds ? undefined : found(result.found)
    }
    case 'body_contains':
      if (facts.body === undefined) return 'found no body'
      return facts.body.includes(condition.text) ? undefined : 'not found'
    case 'body_not_contains':
      if (facts.body === undefined) return 'found no body'
      return facts.body.includes(condition.text) ? 'found' : undefined
    case 'status_in':
      return condition.codes.includes(facts.httpStatus) ? undefined : `found ${facts.httpStatus}`
    case 'response_time_below':
      // No time in the phrase: failures must read the same from one cycle to the next.
      return facts.responseTimeMs < condition.ms ? undefined : 'too slow'
    case 'certificate_days_above':
      if (facts.certificateDaysLeft === null) return 'found no certificate'
      return facts.certificateDaysLeft > condition.days ? undefined : `found ${facts.certificateDaysLeft}`
  }
}

/** One phrase per condition that does not hold: `condition <condition>: <what was found>`. */
export function failedConditions (conditions: readonly Condition[], facts: AnswerFacts, redact: Redactor): string[] {
  const failures: string[] = []
  for (const condition of conditions) {
    let failure: string | undefined
    try {
      failure = failureOf(condition, facts, redact)
    } catch {
      // A path the library cannot evaluate on this body: fail closed.
      failure = 'could not be evaluated'
    }
    if (failure !== undefined) failures.push(`condition ${describeCondition(condition, redact)}: ${failure}`)
  }
  return failures
}
