import { isIP } from 'node:net'
import { connect } from 'node:tls'

/** When the certificate a TLS server presents expires, or why it could not be read. */
export type CertificateOutcome =
  | { readonly ok: true, readonly expiresAt: Date }
  | { readonly ok: false, readonly error: string }

export interface CertificateOptions {
  readonly timeoutMs: number
  readonly signal?: AbortSignal | undefined
}

/**
 * Opens a TLS connection to the URL's host and reads the peer certificate's expiry. Trust is not
 * judged here (the HTTP check does that with its own CA settings), so an untrusted or expired
 * certificate still yields its date. Never throws.
 */
export async function readCertificate (url: URL, options: CertificateOptions): Promise<CertificateOutcome> {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const port = url.port === '' ? 443 : Number(url.port)
  return await new Promise<CertificateOutcome>((resolve) => {
    let settled = false
    const socket = connect({
      host,
      port,
      // SNI takes host names only.
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1']
    })
    const finish = (outcome: CertificateOutcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      resolve(outcome)
    }
    const onAbort = (): void => { finish({ ok: false, error: 'check aborted' }) }
    const timer = setTimeout(() => { finish({ ok: false, error: `TLS handshake timed out after ${options.timeoutMs} ms` }) }, options.timeoutMs)
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted === true) onAbort()
    socket.once('secureConnect', () => {
      const validTo = socket.getPeerCertificate().valid_to
      const expiresAt = validTo === undefined ? undefined : new Date(validTo)
      finish(expiresAt === undefined || Number.isNaN(expiresAt.getTime())
        ? { ok: false, error: 'TLS certificate has no expiry date' }
        : { ok: true, expiresAt })
    })
    // `on`, not `once`: a second error after the first must not go unhandled.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish({ ok: false, error: `TLS connection failed (${error.code ?? 'error'})` })
    })
  })
}
