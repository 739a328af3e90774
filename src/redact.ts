/** What every scrubbed secret is replaced with. */
export const REDACTED = '[REDACTED]'

/** Replaces secrets in text: known values, URL credentials, bearer tokens and API-key query params. */
export type Redactor = (text: string) => string

// Credentials inside URLs (`scheme://user:pass@host`), `Bearer <token>` and `key=`/`token=` params.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]*(?::[^\s/@]*)?@/gi
const BEARER = /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/g
const SECRET_PARAMS = /([?&](?:key|api_key|apikey|token|access_token|password|secret)=)[^&#\s"']+/gi
// `scheme://host/` with nothing after the root slash, which URL serialisation adds to a bare origin.
const ROOT_SLASH = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)\/(?=$|[?#])/i

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Builds the one redactor of the process. Known secrets are matched as written, URL-encoded and
 * JSON-escaped, so they are caught in log lines and serialized events as well as in plain text.
 */
export function createRedactor (secrets: readonly string[]): Redactor {
  const variants = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < 4) continue
    variants.add(secret)
    variants.add(encodeURIComponent(secret))
    variants.add(JSON.stringify(secret).slice(1, -1))
  }
  const known = variants.size === 0
    ? undefined
    : new RegExp([...variants].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g')
  return (text: string): string => {
    let out = known === undefined ? text : text.replace(known, REDACTED)
    out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    out = out.replace(BEARER, `$1 ${REDACTED}`)
    return out.replace(SECRET_PARAMS, `$1${REDACTED}`)
  }
}

/**
 * A URL fit to show: credentials and secret query parameters removed, the marker left readable,
 * and no root slash added to a bare origin.
 */
export function redactUrl (text: string): string {
  if (!URL.canParse(text)) return createRedactor([])(text)
  const url = new URL(text)
  url.username = ''
  url.password = ''
  return url.toString().replace(SECRET_PARAMS, `$1${REDACTED}`).replace(ROOT_SLASH, '$1')
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
