import { checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls'

/** One certificate of the chain a server presented. */
export interface ChainCertificate {
  readonly subject: string
  readonly notBefore: Date
  readonly notAfter: Date
}

/** What a TLS handshake showed: the chain and every problem found with it (expiry aside). */
export interface TlsObservation {
  readonly chain: readonly ChainCertificate[]
  /** Short phrases, one per problem; expiry is judged separately, against `tls_min_days`. */
  readonly problems: readonly string[]
}

/** A connection refused by Vigil's own verification; carries every problem found. */
export class TlsProblemsError extends Error {
  readonly code = 'VIGIL_TLS_PROBLEMS'
  constructor (readonly problems: readonly string[]) {
    super(problems.join('; '))
    this.name = 'TlsProblemsError'
  }
}

// OpenSSL reports one chain error; expiry and host name are checked here for every certificate.
const CHAIN_ERRORS: Readonly<Record<string, string | null>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate chain is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate chain is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS certificate chain is not trusted',
  CERT_HAS_EXPIRED: null,
  CERT_NOT_YET_VALID: null,
  ERR_TLS_CERT_ALTNAME_INVALID: null
}

function subjectOf (certificate: DetailedPeerCertificate): string {
  const subject = certificate.subject as Record<string, string | string[] | undefined> | undefined
  const cn = subject?.CN
  const text = typeof cn === 'string'
    ? cn
    : Object.entries(subject ?? {}).map(([key, value]) => `${key}=${String(value)}`).join(', ')
  return (text === '' ? 'unnamed certificate' : text).slice(0, 100)
}

/** The chain as Node builds it: the certificates served, up to the root they lead to. */
function chainOf (leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = []
  let current: DetailedPeerCertificate | undefined = leaf
  while (current !== undefined && current.raw !== undefined && !chain.includes(current) && chain.length < 10) {
    chain.push(current)
    // A self-signed certificate is its own issuer.
    current = current.issuerCertificate === current ? undefined : current.issuerCertificate
  }
  return chain
}

/**
 * Inspects a TLS connection made with `rejectUnauthorized: false`: reads the chain and names every
 * problem (trust, host name, not yet valid). `host` is the name the client asked for.
 */
export function inspectTls (socket: TLSSocket, host: string, now: Date): TlsObservation {
  const leaf = socket.getPeerCertificate(true)
  if (leaf.raw === undefined) return { chain: [], problems: ['TLS server sent no certificate'] }
  const chain = chainOf(leaf).map((certificate) => ({
    subject: subjectOf(certificate),
    notBefore: new Date(certificate.valid_from),
    notAfter: new Date(certificate.valid_to)
  }))
  const problems = new Set<string>()
  const code = socket.authorizationError === null ? undefined : String(socket.authorizationError)
  if (code !== undefined) {
    const phrase = CHAIN_ERRORS[code]
    if (phrase !== null) problems.add(phrase ?? `TLS certificate is not trusted (${code})`)
  }
  if (checkServerIdentity(host.replace(/^\[|\]$/g, ''), leaf) !== undefined) problems.add(`TLS certificate does not match the host name ${host}`)
  for (const { subject, notBefore } of chain) {
    if (notBefore.getTime() > now.getTime()) problems.add(`TLS certificate "${subject}" is not valid before ${notBefore.toISOString().slice(0, 10)}`)
  }
  return { chain, problems: [...problems].sort() }
}
