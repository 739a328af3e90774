import type { DiscordSettings } from '../config/channel-settings.js'
import type { Channel } from '../delivery/types.js'
import { postJson } from './http-post.js'
import { fitText, incidentText, type IncidentText } from './incident-text.js'
import type { NotificationContext } from './notification.js'
import { knownIssueLink, redactorWith, urlSecrets } from './notify-support.js'


/**
 * Discord's documented embed limits (discord.com/developers/docs/resources/message#embed-object-embed-limits):
 * title 256, description 4096, 25 fields of name 256 and value 1024, footer 2048, and 6000 characters
 * over all of an embed's text; a message's `content` 2000.
 */
export const DISCORD_LIMITS = { content: 2_000, title: 256, description: 4_096, fields: 25, fieldName: 256, fieldValue: 1_024, footer: 2_048, total: 6_000 } as const

/** Embed colours by status; the status is also written in a field, for those who cannot tell them apart. */
export const DISCORD_COLOURS: Readonly<Record<IncidentText['status'], number>> = {
  unhealthy: 0xe74c3c,
  degraded: 0xf1c40f,
  healthy: 0x2ecc71,
  unmonitored: 0x95a5a6
}

/** An embed as Vigil sends it. */
export interface DiscordEmbed {
  title: string
  description: string
  url?: string
  color: number
  fields: Array<{ name: string, value: string, inline: boolean }>
  timestamp: string
  footer: { text: string }
}

/** The JSON body posted to the webhook; mentions are off, so no failure text can ping anyone. */
export interface DiscordMessage {
  readonly embeds: DiscordEmbed[]
  readonly allowed_mentions: { parse: string[] }
}

// Markdown in descriptions and field values: a failure phrase is shown as written, never formatted.
const escapeMarkdown = (text: string): string => text.replace(/[\\*_~`|>#[\]]/g, '\\$&')
const FOOTER = 'Vigil'

function description (text: IncidentText, room: number): string {
  const list = (heading: string, items: readonly string[]): string =>
    items.length === 0 ? '' : `\n\n**${heading}**\n${items.map((i) => `- ${escapeMarkdown(i)}`).join('\n')}`
  return fitText(`${escapeMarkdown(text.summary)}${list(text.failuresHeading, text.failures)}${list('Before', text.previousFailures)}`, room)
}

/** The message for one incident's words: one embed, titled and linked to the issue, coloured by status. */
export function discordMessage (text: IncidentText, issueUrl: string | undefined, at: string): DiscordMessage {
  const title = fitText(text.title, DISCORD_LIMITS.title)
  const fields = text.facts.slice(0, DISCORD_LIMITS.fields).map((f) => ({
    name: fitText(f.label, DISCORD_LIMITS.fieldName),
    value: fitText(escapeMarkdown(f.value), DISCORD_LIMITS.fieldValue),
    inline: true
  }))
  const used = title.length + FOOTER.length + fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  const embed: DiscordEmbed = {
    title,
    description: description(text, Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.total - used)),
    ...(issueUrl === undefined ? {} : { url: issueUrl }),
    color: DISCORD_COLOURS[text.status],
    fields,
    timestamp: new Date(at).toISOString(),
    footer: { text: FOOTER }
  }
  return { embeds: [embed], allowed_mentions: { parse: [] } }
}

/** When Discord's 429 body allows the next try: `retry_after` is in seconds (may be fractional). */
export function discordRetryAt (body: string, now: Date): Date | undefined {
  try {
    const seconds = (JSON.parse(body) as { retry_after?: unknown }).retry_after
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? new Date(now.getTime() + Math.ceil(seconds * 1000)) : undefined
  } catch {
    return undefined
  }
}

/** The webhook URL with `wait=true`, so that a 200 confirms the message was created (204 says only "accepted"). */
export function waitingUrl (url: string): string {
  // Never throws: an unreadable URL (refused by configuration already) fails its POST as a delivery.
  if (!URL.canParse(url)) return url
  const target = new URL(url)
  target.searchParams.set('wait', 'true')
  return target.toString()
}

/**
 * A Discord webhook: one embed on open, change, recovery and retirement; nothing on the daily
 * reminder. A 429 holds the channel until its `Retry-After` header or the body's `retry_after`.
 * Discord offers no idempotency key, so a retry after a lost answer may post twice (docs/channels.md).
 */
export function createDiscordChannel (name: string, settings: DiscordSettings, context: NotificationContext): Channel {
  const redact = redactorWith(context.redact, urlSecrets(settings.url))
  const url = waitingUrl(settings.url)
  return {
    name,
    async deliver (entry) {
      const event = entry.event
      if (event.kind === 'reminder') return
      const message = discordMessage(incidentText(event, redact), await knownIssueLink(context, name, event.environment), event.decidedAt)
      await postJson(url, message, {
        receiver: 'Discord',
        redact,
        signal: context.signal,
        retryAtFromBody: discordRetryAt,
        ...(context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs }),
        ...(context.dispatcher === undefined ? {} : { dispatcher: context.dispatcher })
      })
    }
  } satisfies Channel
}
