import { AhoCorasick } from '@monyone/aho-corasick/fast'

/** What every scrubbed secret is replaced with. */
export const REDACTED = '[REDACTED]'

/**
 * Replaces secrets in text: known values, URL credentials, bearer tokens and secret query params.
 * `longestSecret` (the longest known value) lets redactShortened cut a text safely.
 */
export type Redactor = ((text: string) => string) & { readonly longestSecret?: number }

// Every pattern below runs in time linear in the text (issue 8: the redactor was quadratic):
// - URL credentials (`scheme://user:pass@host`): the lookbehind lets a scheme start only where a
//   word starts, so a long run of letters is scanned once, not once per letter.
const URL_CREDENTIALS = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]*(?::[^\s/@]*)?@/gi
const BEARER = /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/g
// - Query parameters: the name is bounded, and whether it is secret is decided by a second test,
//   so that no pattern backtracks over a long name.
const QUERY_PARAM = /([?&])([A-Za-z0-9_.%[\]-]{1,100})=([^&#\s"'<>]*)/g
const SECRET_PARAM_NAME = /key|token|secret|pass|pwd|sig|credential|auth|session|code/i
// `scheme://host/` with nothing after the root slash, which URL serialisation adds to a bare origin.
const ROOT_SLASH = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)\/(?=$|[?#])/i
// An http(s) URL with a query string, inside any text.
const URL_QUERY = /\bhttps?:\/\/[^\s?#"'<>]*\?[^\s#"'<>]*/gi

// - The Railway deploy webhook's secret is the last segment of its path: hidden in every URL that
//   shows it, whichever value it holds (a rotated or mistyped secret too); the route template stays.
const WEBHOOK_SECRET_PATH = /(\/webhooks\/railway\/)(?!:secret\b)[^/?#\s"'<>\\]+/g

// Up to this many known values a single regular expression is fastest; past it, the cost of an
// alternation grows with the number of values, and an Aho-Corasick automaton stays linear.
const ALTERNATION_LIMIT = 32

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Replaces every occurrence of the known values; overlapping occurrences become one marker. */
function knownValueReplacer (values: readonly string[]): Redactor {
  if (values.length === 0) return (text) => text
  if (values.length <= ALTERNATION_LIMIT) {
    const known = new RegExp([...values].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g')
    return (text) => text.replace(known, REDACTED)
  }
  const automaton = new AhoCorasick([...values])
  return (text) => {
    const matches = automaton.matchInText(text)
    if (matches.length === 0) return text
    matches.sort((a, b) => a.begin - b.begin)
    let out = ''
    let copied = 0
    let runEnd = -1
    for (const { begin, end } of matches) {
      if (begin > runEnd) {
        if (runEnd >= 0) out += REDACTED
        out += text.slice(copied, begin)
        runEnd = end
        copied = end
      } else if (end > runEnd) {
        runEnd = end
        copied = end
      }
    }
    return out + REDACTED + text.slice(copied)
  }
}

const hideSecretParams = (text: string): string =>
  text.replace(QUERY_PARAM, (whole, sep: string, name: string) => SECRET_PARAM_NAME.test(name) ? `${sep}${name}=${REDACTED}` : whole)

/**
 * Builds the one redactor of the process. Known secrets are matched as written, URL-encoded and
 * JSON-escaped, so they are caught in log lines and serialized events as well as in plain text.
 * Runs in time linear in the text, whatever the number of secrets.
 */
export function createRedactor (secrets: readonly string[]): Redactor {
  const variants = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < 4) continue
    variants.add(secret)
    variants.add(encodeURIComponent(secret))
    variants.add(JSON.stringify(secret).slice(1, -1))
  }
  const replaceKnown = knownValueReplacer([...variants])
  const redact = (text: string): string => {
    let out = replaceKnown(text)
    out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    out = out.replace(BEARER, `$1 ${REDACTED}`)
    out = out.replace(WEBHOOK_SECRET_PATH, `$1${REDACTED}`)
    return hideSecretParams(out)
  }
  return Object.assign(redact, { longestSecret: [...variants].reduce((longest, v) => Math.max(longest, v.length), 0) })
}

// What is dropped from the end of a cut text after redaction: a secret (or a credential a pattern
// would have recognised whole) cut in two by the cut is not recognised, and must not be shown in part.
const MIN_CUT_MARGIN = 256

/**
 * Redacts at most about `max` characters of `text`: a long text is cut first (so a megabyte of
 * probe output costs no more than a line), redacted, and its last characters dropped so that no
 * part of a secret split by the cut survives. Ends with `…` when anything was cut.
 */
export function redactShortened (text: string, max: number, redact: Redactor): string {
  if (text.length <= max) return redact(text)
  const margin = Math.max(MIN_CUT_MARGIN, redact.longestSecret ?? 0)
  const redacted = redact(text.slice(0, max + 2 * margin))
  return `${redacted.slice(0, Math.min(max, Math.max(0, redacted.length - margin)))}…`
}

/** Query parameter names kept, every value hidden: `a=1&b=2` → `a=[REDACTED]&b=[REDACTED]`. */
export function hideQueryString (query: string): string {
  return query.replace(/(^|[?&])([^&=#]*)=[^&#]*/g, (_whole, sep: string, name: string) => `${sep}${name}=${REDACTED}`)
}

/** Every http(s) URL inside `text` with its query values hidden (for events sent to third parties). */
export function hideUrlQueries (text: string): string {
  return text.replace(URL_QUERY, (url) => {
    const at = url.indexOf('?')
    return url.slice(0, at) + hideQueryString(url.slice(at))
  })
}

/**
 * A URL fit to show: credentials removed, every query parameter's value hidden (its name kept),
 * the marker left readable, and no root slash added to a bare origin.
 */
export function redactUrl (text: string): string {
  let url: URL
  try { url = new URL(text) } catch { return createRedactor([])(text) }
  // Each setter re-serialises the URL: skipped when there is nothing to remove (10,000 at start-up).
  if (url.username !== '') url.username = ''
  if (url.password !== '') url.password = ''
  const query = url.search
  if (query !== '' || text.includes('?')) url.search = ''
  const shown = url.toString()
  const hash = shown.indexOf('#')
  const base = hash === -1 ? shown : shown.slice(0, hash)
  const fragment = hash === -1 ? '' : shown.slice(hash)
  return `${base}${query === '' ? '' : hideQueryString(query)}${fragment}`.replace(ROOT_SLASH, '$1')
}

/**
 * Deep copy of a JSON-like value with every string passed through the redactor. Cycles (timers,
 * sockets in a breadcrumb's data) become `[Circular]` instead of throwing.
 */
export function redactValue<T> (value: T, redact: Redactor): T {
  const seen = new WeakSet<object>()
  const json = JSON.stringify(value, (_key, child: unknown) => {
    if (typeof child === 'bigint') return child.toString()
    if (child === null || typeof child !== 'object') return child
    if (seen.has(child)) return '[Circular]'
    seen.add(child)
    return child
  })
  return JSON.parse(redact(json ?? 'null')) as T
}
