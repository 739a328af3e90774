/** Why a request got no HTTP answer, in a few stable words (no timings, no addresses). */
export interface TransportFailure {
  readonly kind: 'dns' | 'timeout' | 'tls' | 'connection' | 'aborted' | 'other'
  readonly error: string
  /** For `tls`: every problem found, one phrase each (`error` joins them). */
  readonly problems?: readonly string[]
}

const TLS_CODES: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate chain is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate chain is not trusted',
  CERT_NOT_YET_VALID: 'TLS certificate is not valid yet'
}

const CONNECTION_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  VIGIL_INVALID_HTTP: 'invalid HTTP response',
  VIGIL_CLOSED_BY_SERVER: 'connection closed by the server'
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME'])

function tlsProblemsOf (error: unknown): readonly string[] | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const { problems, cause } = current as { problems?: unknown, cause?: unknown }
    if (Array.isArray(problems) && problems.every((p) => typeof p === 'string')) return problems as string[]
    current = cause
  }
  return undefined
}

function codesOf (error: unknown): string[] {
  const codes: string[] = []
  let current: unknown = error
  // Node wraps the socket error in `cause`, sometimes twice.
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const { code, cause, errors, message } = current as { code?: unknown, cause?: unknown, errors?: unknown, message?: unknown }
    // node:http names a connection the server closed before answering `socket hang up` (ECONNRESET
    // without a reset); HTTP parser errors are HPE_*.
    if (code === 'ECONNRESET' && message === 'socket hang up') codes.push('VIGIL_CLOSED_BY_SERVER')
    else if (typeof code === 'string' && code.startsWith('HPE_')) codes.push('VIGIL_INVALID_HTTP')
    else if (typeof code === 'string') codes.push(code)
    // Happy-eyeballs connects report an AggregateError with one error per address.
    if (Array.isArray(errors)) for (const inner of errors) codes.push(...codesOf(inner))
    current = cause
  }
  return codes
}

// The proxy's own failures (check-dispatcher.ts ProxyFailedError), said as such: a `proxy` that
// names a plain web server otherwise read "connection closed by the server", as if the target had.
const NOT_A_PROXY = '(not a forward proxy?)'
const PROXY_PHRASES: Readonly<Record<string, string>> = {
  VIGIL_CLOSED_BY_SERVER: `it closed the connection without answering CONNECT ${NOT_A_PROXY}`,
  VIGIL_INVALID_HTTP: `it did not answer CONNECT in HTTP ${NOT_A_PROXY}`
}

function describeProxyFailure (error: { proxyHost?: unknown, ordinaryAnswer?: unknown, cause?: unknown }): TransportFailure {
  if (typeof error.ordinaryAnswer === 'number') {
    return { kind: 'connection', error: `proxy failed: it answered CONNECT like an ordinary request (HTTP ${error.ordinaryAnswer} with a body), not with a tunnel ${NOT_A_PROXY}` }
  }
  const codes = codesOf(error.cause)
  const phrase = codes.map((c) => PROXY_PHRASES[c]).find((p) => p !== undefined)
  // DNS, TLS (an https proxy) and socket errors: as for a target, named for the proxy's host.
  const inner = phrase ?? describeError(error.cause, String(error.proxyHost)).error
  return { kind: 'connection', error: `proxy failed: ${inner}` }
}

/**
 * Classifies an error of the check transport (node:net, node:tls, node:http, the proxy tunnel)
 * into a short, redaction-safe phrase. Failures of the proxy itself start with `proxy`.
 */
export function describeError (error: unknown, host: string): TransportFailure {
  const problems = tlsProblemsOf(error)
  if (problems !== undefined) return { kind: 'tls', error: problems.join('; '), problems }
  const { proxyStatus, code: errorCode } = (error ?? {}) as { proxyStatus?: unknown, code?: unknown }
  if (typeof proxyStatus === 'number') return { kind: 'connection', error: `proxy refused the tunnel (HTTP ${proxyStatus})` }
  if (errorCode === 'VIGIL_PROXY_FAILED') return describeProxyFailure(error as object)
  const codes = codesOf(error)
  if (codes.some((c) => DNS_CODES.has(c))) return { kind: 'dns', error: `DNS resolution failed for ${host}` }
  for (const code of codes) {
    const tls = TLS_CODES[code]
    if (tls !== undefined) return { kind: 'tls', error: tls }
    if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return { kind: 'tls', error: `TLS handshake failed (${code})` }
  }
  for (const code of codes) {
    const connection = CONNECTION_CODES[code]
    if (connection !== undefined) return { kind: 'connection', error: connection }
  }
  const code = codes[0]
  return { kind: 'other', error: code === undefined ? 'request failed' : `request failed (${code})` }
}
