import type { TSchema } from '@sinclair/typebox'
import { CHANNEL_SETTINGS, type ChannelDeclaration, type ChannelKind } from '../config/channel-settings.js'
import type { Channel } from '../delivery/types.js'
import type { ChannelContext, ChannelFactory } from './notification.js'

/** One kind of notification channel: the schema its settings are validated against, and how it is built. */
export interface ChannelKindEntry {
  readonly settings: TSchema
  /** Loads the channel's module only when a channel of this kind is declared (nodemailer, say, costs start-up). */
  readonly load: () => Promise<ChannelFactory<never>>
}

/**
 * Every channel kind Vigil can build. The settings schemas live in config/channel-settings.ts (the
 * monitor file is validated before any channel module loads); a new kind is a schema there, a file
 * here with a `create*Channel(name, settings, context)` factory returning a plain object, and one
 * line below. A declared kind without a line here is logged as an error and not built.
 */
export const CHANNEL_KINDS: Partial<Record<ChannelKind, ChannelKindEntry>> = {
  pagerduty: { settings: CHANNEL_SETTINGS.pagerduty, load: async () => (await import('./pagerduty.js')).createPagerdutyChannel },
  webhook: { settings: CHANNEL_SETTINGS.webhook, load: async () => (await import('./webhook.js')).createWebhookChannel },
  slack: { settings: CHANNEL_SETTINGS.slack, load: async () => (await import('./slack.js')).createSlackChannel },
  discord: { settings: CHANNEL_SETTINGS.discord, load: async () => (await import('./discord.js')).createDiscordChannel },
  email: { settings: CHANNEL_SETTINGS.email, load: async () => (await import('./email.js')).createEmailChannel }
}

/**
 * Builds a declared channel, or undefined when its kind has no module in this build. The channel
 * carries the declared name, whatever the factory returned (the outbox is keyed by it).
 */
export async function createChannel (declaration: ChannelDeclaration, context: ChannelContext, kinds = CHANNEL_KINDS): Promise<Channel | undefined> {
  const kind = kinds[declaration.kind]
  if (kind === undefined) return undefined
  const factory = await kind.load() as ChannelFactory<unknown>
  const channel = factory(declaration.name, declaration.settings, context)
  return { ...channel, name: declaration.name }
}
