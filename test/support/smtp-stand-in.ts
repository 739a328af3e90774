import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'
import { makeCertificate } from './certificates.js'

/**
 * How the server misbehaves on demand: `service-unavailable` answers the greeting with 421,
 * `tempfail` MAIL FROM with 451, `reject-mailbox` every RCPT TO with 550, `reject-data` the message
 * with 554, `hang` never answers MAIL FROM.
 */
export type SmtpFailureMode = 'service-unavailable' | 'tempfail' | 'reject-mailbox' | 'reject-data' | 'hang'

/** A message the server accepted, parsed. */
export interface SmtpReceived {
  readonly mailFrom: string
  readonly rcptTo: string[]
  /** Whether the session ran over TLS (implicit or STARTTLS). */
  readonly secure: boolean
  /** The user it authenticated as, if any. */
  readonly user: string | undefined
  readonly subject: string | undefined
  readonly text: string | undefined
  readonly html: string | undefined
  readonly messageId: string | undefined
  readonly inReplyTo: string | undefined
  /** The whole message as received (headers and body), to look for leaks. */
  readonly raw: string
}

export interface SmtpStandInOptions {
  /** Accepted logins (user → password); default one user `vigil` with `SMTP_PASSWORD_PLANTED_9f8e7d6c`. */
  readonly users?: Readonly<Record<string, string>>
  /** Implicit TLS from the first byte (port 465 style) instead of STARTTLS. */
  readonly secure?: boolean
  /** Offer and accept no STARTTLS (a plaintext-only server). Auth is then allowed in the clear. */
  readonly noStartTls?: boolean
  /** Addresses whose RCPT TO is refused with 550 (the others are accepted). */
  readonly rejectRecipients?: readonly string[]
}

export interface SmtpStandIn {
  readonly host: string
  readonly port: number
  /** The self-signed certificate the server presents, for the client's `tls.ca`. */
  readonly ca: string
  readonly messages: SmtpReceived[]
  /** Sessions opened so far. */
  readonly sessions: number
  /** Failed logins seen (535). */
  readonly refusedLogins: number
  /** Fail the next `count` sessions with `mode`. */
  failNext: (count: number, mode: SmtpFailureMode) => void
  close: () => Promise<void>
}

/** The password planted in the stand-in's default user: it must never reach a reason, a log line or a message. */
export const PLANTED_SMTP_PASSWORD = 'SMTP_PASSWORD_PLANTED_9f8e7d6c'

const smtpError = (code: number, text: string): Error => Object.assign(new Error(text), { responseCode: code })

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 with AUTH PLAIN/LOGIN (only after
 * TLS unless STARTTLS is hidden), STARTTLS with a self-signed certificate, and each accepted message
 * parsed by `mailparser`.
 */
export async function startSmtpStandIn (options: SmtpStandInOptions = {}): Promise<SmtpStandIn> {
  const users = options.users ?? { vigil: PLANTED_SMTP_PASSWORD }
  const rejected = new Set((options.rejectRecipients ?? []).map((a) => a.toLowerCase()))
  const certificate = await makeCertificate(30)
  const messages: SmtpReceived[] = []
  let failures: SmtpFailureMode[] = []
  const failing = new Map<string, SmtpFailureMode>()
  let refusedLogins = 0
  let sessions = 0
  const modeOf = (session: SMTPServerSession): SmtpFailureMode | undefined => failing.get(session.id)

  const server = new SMTPServer({
    secure: options.secure ?? false,
    key: certificate.key,
    cert: certificate.cert,
    // Hiding STARTTLS is not enough: a client that requires TLS tries the command anyway.
    disabledCommands: options.noStartTls === true ? ['STARTTLS'] : [],
    allowInsecureAuth: options.noStartTls ?? false,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    socketTimeout: 30_000,
    // A hung session must not hold the test's teardown for smtp-server's default 30 s.
    closeTimeout: 200,
    onConnect (session, callback) {
      sessions += 1
      const mode = failures.shift()
      if (mode !== undefined) failing.set(session.id, mode)
      if (mode === 'service-unavailable') return callback(smtpError(421, 'Service not available, closing transmission channel'))
      callback()
    },
    onAuth (auth, _session, callback) {
      if (auth.username !== undefined && users[auth.username] !== undefined && users[auth.username] === auth.password) return callback(null, { user: auth.username })
      refusedLogins += 1
      callback(smtpError(535, '5.7.8 Authentication credentials invalid'))
    },
    onMailFrom (_address, session, callback) {
      const mode = modeOf(session)
      if (mode === 'hang') return
      if (mode === 'tempfail') return callback(smtpError(451, '4.3.0 Temporary local problem, try again later'))
      callback()
    },
    onRcptTo (address, session, callback) {
      if (modeOf(session) === 'reject-mailbox' || rejected.has(address.address.toLowerCase())) return callback(smtpError(550, `5.1.1 <${address.address}>: mailbox unavailable`))
      callback()
    },
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (modeOf(session) === 'reject-data') return callback(smtpError(554, '5.6.0 Message refused'))
        const raw = Buffer.concat(chunks)
        simpleParser(raw).then((mail) => {
          const envelope = session.envelope
          messages.push({
            mailFrom: envelope.mailFrom === false ? '' : envelope.mailFrom.address,
            rcptTo: envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            user: session.user as string | undefined,
            subject: mail.subject,
            text: mail.text,
            html: mail.html === false ? undefined : mail.html,
            messageId: mail.messageId,
            inReplyTo: mail.inReplyTo,
            raw: raw.toString('utf8')
          })
          callback()
        }, (error: unknown) => callback(error as Error))
      })
    }
  })
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    host: '127.0.0.1',
    port,
    ca: certificate.cert,
    messages,
    get sessions () { return sessions },
    get refusedLogins () { return refusedLogins },
    failNext (count, mode) {
      failures = [...failures, ...Array.from({ length: count }, () => mode)]
    },
    async close () {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
