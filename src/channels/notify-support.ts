import { createRedactor, type Redactor } from '../redact.js'
import type { NotificationContext } from './notification.js'

/**
 * The context's redactor plus a channel's own secrets (a webhook URL, its path, an SMTP password),
 * so that a reason or log line stays clean even where the process redactor was built without them.
 */
export function redactorWith (redact: Redactor, secrets: ReadonlyArray<string | undefined>): Redactor {
  const own = createRedactor(secrets.filter((s): s is string => s !== undefined && s !== ''))
  return (text) => own(redact(text))
}

/** Every part of a webhook URL that is secret: the whole URL, its path and each path segment of 8 characters or more. */
export function urlSecrets (url: string): string[] {
  try {
    const { pathname, search } = new URL(url)
    return [url, pathname + search, pathname, ...pathname.split('/').filter((s) => s.length >= 8)]
  } catch {
    return [url]
  }
}

/** The environment's GitHub issue URL, or undefined when unknown or when looking it up fails (the message goes without it). */
export async function knownIssueLink (context: NotificationContext, channel: string, environment: string): Promise<string | undefined> {
  try {
    return await context.issueLink(environment)
  } catch (error) {
    context.log.debug({ module: 'channels', channel, environment, error: context.redact(error instanceof Error ? error.message : String(error)) }, 'issue link unknown; the message goes without it')
    return undefined
  }
}
