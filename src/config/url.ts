/** True when `text` is a URL with a host and one of the given schemes (without the colon). */
export function hasProtocol (text: string, protocols: readonly string[]): boolean {
  // One parse, not canParse and then another (10,000 environment URLs at start-up).
  let url: URL
  try { url = new URL(text) } catch { return false }
  return protocols.includes(url.protocol.replace(/:$/, '')) && url.hostname !== ''
}

/**
 * The credentials inside a URL, as written and percent-decoded: its password and, when asked, its
 * user name (a Sentry DSN's key). Undefined when `text` is not a URL.
 */
export function urlCredentials (text: string, includeUsername = false): string[] | undefined {
  if (!URL.canParse(text)) return undefined
  const url = new URL(text)
  return [url.password, includeUsername ? url.username : '']
    .filter((part) => part !== '')
    .flatMap((part) => [part, decoded(part)])
}

// A stray `%` is kept as written rather than thrown on.
function decoded (part: string): string {
  try { return decodeURIComponent(part) } catch { return part }
}
