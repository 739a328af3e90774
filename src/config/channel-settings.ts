import { Type, type Static, type TString } from '@sinclair/typebox'

// Settings of each channel kind as the monitor file writes them (docs/configuration.md, "channels").
// Fields marked `secret` are registered with the redactor whatever their source, and a problem line
// about them never shows the value. No pattern or length on a secret: a schema problem echoes values.
const secretText = (expected: string): TString => Type.String({ minLength: 1, secret: true, expected })
// `protocols` is checked by monitor-channels.ts (a pattern would echo the value in its problem line).
const httpUrl = (expected: string, secret: boolean): TString =>
  Type.String({ minLength: 1, secret, protocols: ['http', 'https'], expected })

/** PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). */
export const PagerdutySettingsSchema = Type.Object({
  /** The integration's 32-character routing key. */
  // Its length only (never a pattern): a key cut short or pasted with a character too many is a
  // start-up problem rather than a page refused with HTTP 400 at the first incident.
  routing_key: Type.String({ minLength: 32, maxLength: 32, secret: true, expected: 'the 32-character routing key of a PagerDuty Events API v2 integration' }),
  /** `critical`, `error`, `warning` or `info`; default `critical` for production, `error` otherwise. */
  severity: Type.Optional(Type.Union([Type.Literal('critical'), Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')], { expected: 'critical, error, warning or info' })),
  /** The Events API endpoint; https://events.pagerduty.com/v2/enqueue by default (EU: events.eu.pagerduty.com). */
  url: Type.Optional(httpUrl('an http or https URL of the Events API v2 enqueue endpoint', false))
}, { additionalProperties: false, expected: 'pagerduty settings: routing_key, severity, url' })

/** A signed JSON POST to any HTTPS endpoint (docs/configuration.md, "webhook"). */
export const WebhookSettingsSchema = Type.Object({
  /** Where events are POSTed; a secret (such URLs often carry a token). */
  url: httpUrl('an http or https URL', true),
  /** Key of the HMAC-SHA256 signature; at least 16 characters. */
  secret: Type.String({ minLength: 16, secret: true, expected: 'a signing secret of at least 16 characters' })
}, { additionalProperties: false, expected: 'webhook settings: url, secret' })

/** Slack incoming webhook: the URL is the credential. */
export const SlackSettingsSchema = Type.Object({
  url: httpUrl('a Slack incoming webhook URL', true)
}, { additionalProperties: false, expected: 'slack settings: url' })

/** Discord webhook: the URL is the credential. */
export const DiscordSettingsSchema = Type.Object({
  url: httpUrl('a Discord webhook URL', true)
}, { additionalProperties: false, expected: 'discord settings: url' })

const address = (): TString => Type.String({ pattern: '^[^\\s@]+@[^\\s@]+$', maxLength: 320, expected: 'an e-mail address' })

/**
 * E-mail over SMTP (nodemailer). `secure: true` speaks TLS from the first byte (default on port
 * 465); otherwise STARTTLS is used when the server offers it, and required with `require_tls`.
 */
export const EmailSettingsSchema = Type.Object({
  host: Type.String({ minLength: 1, maxLength: 253, expected: 'the SMTP server host name' }),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, expected: 'a port number (default 465 with secure, else 587)' })),
  secure: Type.Optional(Type.Boolean({ expected: 'true (TLS from the start, port 465) or false (STARTTLS when offered)' })),
  require_tls: Type.Optional(Type.Boolean({ expected: 'true to refuse a server that offers no STARTTLS' })),
  username: Type.Optional(Type.String({ minLength: 1, expected: 'the SMTP user name' })),
  password: Type.Optional(secretText('the SMTP password')),
  from: Type.String({ pattern: '^[^\\s@]+@[^\\s@]+$|<[^\\s@<>]+@[^\\s@<>]+>$', maxLength: 320, expected: 'an e-mail address, or "Name <address>"' }),
  to: Type.Array(address(), { minItems: 1, maxItems: 50, expected: 'a list of 1 to 50 e-mail addresses' })
}, { additionalProperties: false, expected: 'email settings: host, port, secure, require_tls, username, password, from, to' })

export type PagerdutySettings = Static<typeof PagerdutySettingsSchema>
export type WebhookSettings = Static<typeof WebhookSettingsSchema>
export type SlackSettings = Static<typeof SlackSettingsSchema>
export type DiscordSettings = Static<typeof DiscordSettingsSchema>
export type EmailSettings = Static<typeof EmailSettingsSchema>

/** Every channel kind and its settings schema: the one list config validation and the registry share. */
export const CHANNEL_SETTINGS = {
  pagerduty: PagerdutySettingsSchema,
  slack: SlackSettingsSchema,
  discord: DiscordSettingsSchema,
  email: EmailSettingsSchema,
  webhook: WebhookSettingsSchema
} as const

export type ChannelKind = keyof typeof CHANNEL_SETTINGS

/** Channel names are metric labels and report components, hence the narrow alphabet. */
export const CHANNEL_NAME_PATTERN = '^[a-z0-9][a-z0-9_-]{0,39}$'

/** The least incident status a channel is told of (docs/architecture.md, "Routing"). */
export type MinStatus = 'degraded' | 'unhealthy'

/** One declared channel, validated: its kind's settings match CHANNEL_SETTINGS[kind]. */
export interface ChannelDeclaration {
  readonly name: string
  readonly kind: ChannelKind
  /** Default `unhealthy`: incidents open on unhealthy only, as GitHub's do. */
  readonly minStatus: MinStatus
  readonly settings: Readonly<Record<string, unknown>>
}
