import type { SlackSettings } from '../config/channel-settings.js'
import type { Channel, IncidentEvent } from '../delivery/types.js'
import { postJson } from './http-post.js'
import { fitText, incidentText, plainIncidentText, type IncidentText } from './incident-text.js'
import type { NotificationContext } from './notification.js'
import { knownIssueLink, redactorWith, urlSecrets } from './notify-support.js'


/**
 * Slack's documented limits (docs.slack.dev, "Block Kit" reference and chat.postMessage): top-level
 * `text` 40,000 characters, 50 blocks, a header's plain text 150, a section's text 3,000, its
 * fields 10 of 2,000 each.
 */
export const SLACK_LIMITS = { text: 40_000, blocks: 50, header: 150, sectionText: 3_000, fields: 10, fieldText: 2_000 } as const

/** A Block Kit block as Vigil sends it (header, section, context). */
export type SlackBlock =
  | { type: 'header', text: { type: 'plain_text', text: string } }
  | { type: 'section', text?: { type: 'mrkdwn', text: string }, fields?: Array<{ type: 'mrkdwn', text: string }> }
  | { type: 'context', elements: Array<{ type: 'mrkdwn', text: string }> }

/** The JSON body posted to the incoming webhook. */
export interface SlackMessage {
  readonly text: string
  readonly blocks: SlackBlock[]
}

// Slack's mrkdwn gives `&`, `<` and `>` control meaning (links, mentions such as <!channel>).
const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const linkTarget = (url: string): string => url.replace(/[|<>\s]/g, encodeURIComponent)

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: fitText(text, SLACK_LIMITS.sectionText) } })
const listSection = (heading: string, items: readonly string[]): SlackBlock[] =>
  items.length === 0 ? [] : [section(`*${heading}*\n${items.map((i) => `• ${escapeMrkdwn(i)}`).join('\n')}`)]

/** The message for one incident's words: a header, the summary with the issue link, the facts, the failure lists. */
export function slackMessage (text: IncidentText, issueUrl: string | undefined): SlackMessage {
  const link = issueUrl === undefined ? '' : `\n<${linkTarget(issueUrl)}|GitHub issue>`
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: fitText(text.title, SLACK_LIMITS.header) } },
    section(`${fitText(escapeMrkdwn(text.summary), SLACK_LIMITS.sectionText - link.length)}${link}`),
    { type: 'section', fields: text.facts.slice(0, SLACK_LIMITS.fields).map((f) => ({ type: 'mrkdwn', text: fitText(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText) })) },
    ...listSection(text.failuresHeading, text.failures),
    ...listSection('Before', text.previousFailures)
  ]
  return { text: fitText(`${text.title}\n${plainIncidentText(text, issueUrl)}`, SLACK_LIMITS.text), blocks }
}

/**
 * A Slack incoming webhook: one short Block Kit message (with a plain `text` fallback) on open,
 * change, recovery and retirement; nothing on the daily reminder, which the GitHub issue carries.
 * Slack offers no idempotency key, so a retry after a lost answer may post twice (docs/channels.md).
 */
export function createSlackChannel (name: string, settings: SlackSettings, context: NotificationContext): Channel {
  const redact = redactorWith(context.redact, urlSecrets(settings.url))
  return {
    name,
    async deliver (entry) {
      const event: IncidentEvent = entry.event
      if (event.kind === 'reminder') return
      const message = slackMessage(incidentText(event, redact), await knownIssueLink(context, name, event.environment))
      await postJson(settings.url, message, {
        receiver: 'Slack',
        redact,
        signal: context.signal,
        ...(context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs }),
        ...(context.dispatcher === undefined ? {} : { dispatcher: context.dispatcher })
      })
    }
  } satisfies Channel
}
