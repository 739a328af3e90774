import { createHash } from 'node:crypto'
import type { ConnectionOptions } from 'node:tls'
import nodemailer, { type NodemailerError, type SMTPTransportOptions } from 'nodemailer'
import type { EmailSettings } from '../config/channel-settings.js'
import { DeliveryError, type Channel, type ChannelVerdict, type IncidentEvent } from '../delivery/types.js'
import type { Redactor } from '../redact.js'
import { incidentText, plainIncidentText, type IncidentText } from './incident-text.js'
import type { NotificationContext } from './notification.js'
import { knownIssueLink, redactorWith } from './notify-support.js'

/** What a test (or an unusual server) changes: TLS options such as a private CA. */
export interface EmailChannelOptions {
  readonly tls?: ConnectionOptions
}

/** Default deadline of one send: connecting, the greeting, each later reply, and the whole exchange. */
export const DEFAULT_SMTP_TIMEOUT_MS = 30_000

// Nothing of a failure phrase may become markup in the HTML part.
const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** The HTML part: the same words as the text part, every value escaped. */
export function incidentHtml (text: IncidentText, issueUrl: string | undefined): string {
  const list = (heading: string, items: readonly string[]): string =>
    items.length === 0 ? '' : `<h3>${escapeHtml(heading)}</h3>\n<ul>\n${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('\n')}\n</ul>\n`
  const link = issueUrl !== undefined && /^https?:\/\//i.test(issueUrl) ? `<p><a href="${escapeHtml(issueUrl)}">GitHub issue</a></p>\n` : ''
  return [
    '<!DOCTYPE html>\n<html><body>\n',
    `<h2>${escapeHtml(text.title)}</h2>\n`,
    `<p>${escapeHtml(text.summary)}</p>\n`,
    `<table>\n${text.facts.map((f) => `<tr><th align="left">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`).join('\n')}\n</table>\n`,
    list(text.failuresHeading, text.failures),
    list('Before', text.previousFailures),
    link,
    '<p><small>Sent by Vigil.</small></p>\n</body></html>\n'
  ].join('')
}

/**
 * A failed send as a DeliveryError, by nodemailer's own reading of the SMTP reply (RFC 5321):
 * 4xx (and 503) retryable, other 5xx permanent (550 mailbox, 535 authentication); without a reply,
 * missing credentials or a bad configuration are permanent, and everything else (refused or reset
 * connections, DNS, TLS, timeouts) retryable. The reason names `SMTP`, never the password.
 */
export function classifySmtpError (error: unknown, redact: Redactor, timeoutMs: number): DeliveryError {
  const e = error as NodemailerError
  const reply = e.response === undefined ? '' : `: ${redact(e.response.replace(/\s+/g, ' ').trim()).slice(0, 200)}`
  if (typeof e.responseCode === 'number') {
    const during = e.command === undefined ? '' : ` to ${e.command.split(' ')[0]}`
    return e.permanent === true
      ? new DeliveryError('permanent', `SMTP refused the message: reply ${e.responseCode}${during}${reply}`, { cause: error })
      : new DeliveryError('retryable', `SMTP answered ${e.responseCode}${during} (try again later)${reply}`, { cause: error })
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.code === 'ECONFIG' || e.code === 'EENVELOPE') {
    return new DeliveryError('permanent', `SMTP refused the message (${e.code}): ${redact(e.message).slice(0, 200)}`, { cause: error })
  }
  if (e.code === 'ETIMEDOUT') return new DeliveryError('retryable', `SMTP: no answer within ${timeoutMs} ms${e.timeoutType === undefined ? '' : ` (${e.timeoutType})`}`, { cause: error })
  const what = redact(e.originalCode ?? e.code ?? e.message)
  // An untrusted or expired certificate is the server's to fix (or ours: `tls`); tried again, then failed visibly.
  const tls = e.code === 'ETLS' || /CERT|SSL|TLS/i.test(what)
  return new DeliveryError('retryable', tls ? `SMTP: TLS failed (${what})` : `SMTP: no answer (${what})`, { cause: error })
}

/** A stable Message-ID for `key` on the sender's domain, so mail clients thread an incident's messages. */
function messageId (key: string, from: string): string {
  const domain = /@([^\s>]+)/.exec(from)?.[1] ?? 'vigil.invalid'
  return `<vigil.${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`
}

/**
 * E-mail over SMTP (nodemailer, one connection per message): on open, change, recovery and
 * retirement, a message in plain text and HTML to every address in `to`, its subject the GitHub
 * title with the event first (`[Resolved] Production Deployment Health Check Failed`); nothing on the
 * daily reminder. Every message after the first of an incident replies to it (In-Reply-To), so they
 * thread. SMTP offers no idempotency key, so a retry after a lost answer may send twice
 * (docs/channels.md); the Message-ID is stable per event, which some mailboxes use to drop the copy.
 */
export function createEmailChannel (name: string, settings: EmailSettings, context: NotificationContext, options: EmailChannelOptions = {}): Channel {
  const redact = redactorWith(context.redact, [settings.password])
  const timeoutMs = context.timeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS
  const transportOptions: SMTPTransportOptions = {
    host: settings.host,
    ...(settings.port === undefined ? {} : { port: settings.port }),
    secure: settings.secure ?? settings.port === 465,
    requireTLS: settings.require_tls ?? false,
    ...(settings.username === undefined ? {} : { auth: { user: settings.username, pass: settings.password ?? '' } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // Never a protocol transcript (it would hold the AUTH exchange).
    logger: false,
    debug: false,
    ...(options.tls === undefined ? {} : { tls: options.tls })
  }
  const transporter = nodemailer.createTransport(transportOptions)
  const log = context.log

  async function send (event: IncidentEvent, entryId: string): Promise<void> {
    const text = incidentText(event, redact)
    const issueUrl = await knownIssueLink(context, name, event.environment)
    const thread = messageId(`incident:${event.incidentId}`, settings.from)
    const deadline = AbortSignal.timeout(timeoutMs)
    try {
      const info = await transporter.sendMail({
        from: settings.from,
        to: [...settings.to],
        subject: text.title,
        text: `${text.title}\n\n${plainIncidentText(text, issueUrl)}\n\n-- \nSent by Vigil.\n`,
        html: incidentHtml(text, issueUrl),
        messageId: event.kind === 'opened' ? thread : messageId(`entry:${entryId}`, settings.from),
        ...(event.kind === 'opened' ? {} : { inReplyTo: thread, references: [thread] }),
        headers: { 'X-Vigil-Environment': event.environment, 'Auto-Submitted': 'auto-generated' },
        signal: AbortSignal.any([deadline, context.signal])
      })
      if (info.rejected.length > 0) {
        // The message reached the others; sending it again would double theirs, so this is logged, not retried.
        log.warn({ module: 'channels', channel: name, environment: event.environment, rejected: info.rejected.length, accepted: info.accepted.length, reasons: (info.rejectedErrors ?? []).map((e) => redact(e.response ?? e.message).slice(0, 200)) }, 'SMTP refused some recipients; the others got the message')
      }
    } catch (error) {
      if (deadline.aborted) throw new DeliveryError('retryable', `SMTP: no answer within ${timeoutMs} ms`, { cause: error })
      if (context.signal.aborted) throw new DeliveryError('retryable', 'SMTP: sending stopped at shutdown', { cause: error })
      throw classifySmtpError(error, redact, timeoutMs)
    }
  }

  return {
    name,
    async deliver (entry) {
      if (entry.event.kind === 'reminder') return
      await send(entry.event, entry.id)
    },
    async verify (): Promise<ChannelVerdict> {
      try {
        await transporter.verify()
        return { ok: true, message: redact(`SMTP server ${settings.host} accepted the connection${settings.username === undefined ? '' : ' and the login'}`) }
      } catch (error) {
        const failure = classifySmtpError(error, redact, timeoutMs)
        // No answer says nothing about the settings: the worker asks again later.
        if (failure.failure !== 'permanent') throw failure
        return { ok: false, message: failure.message }
      }
    },
    close () {
      transporter.close()
    }
  } satisfies Channel
}
