import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** How the stand-in misbehaves on demand. `rate-limit-body-only`: a 429 with `retry_after` but no Retry-After header. */
export type DiscordFailureMode = 'server-error' | 'hang' | 'rate-limit' | 'rate-limit-body-only' | 'invalid-payload' | 'unknown-webhook'

/** A message Discord created. */
export interface DiscordReceived {
  readonly content: string | undefined
  readonly embeds: Array<Record<string, unknown>>
  readonly allowedMentions: unknown
  /** Whether the request asked `wait=true` (and got the message back). */
  readonly waited: boolean
}

export interface DiscordStandIn {
  /** The webhook URL; its path token is a secret (`token`). */
  readonly url: string
  readonly token: string
  readonly messages: DiscordReceived[]
  /** Every way a request departed from Discord's documented limits; should stay empty. */
  readonly violations: string[]
  readonly requests: number
  /** Fail the next `count` requests with `mode` (`retryAfterSeconds` for the rate limits, default 1.5). */
  failNext: (count: number, mode: DiscordFailureMode, options?: { retryAfterSeconds?: number }) => void
  close: () => Promise<void>
}

/** Discord's documented limits (resources/message, "Embed Limits"; "Execute Webhook"). */
const LIMITS = { content: 2_000, embeds: 10, title: 256, description: 4_096, fields: 25, fieldName: 256, fieldValue: 1_024, footer: 2_048, author: 256, total: 6_000 }

type Errors = Record<string, string>

function checkString (errors: Errors, path: string, value: unknown, max: number, required = false): number {
  if (value === undefined && !required) return 0
  if (typeof value !== 'string') { errors[path] = 'BASE_TYPE_REQUIRED'; return 0 }
  if (required && value.trim() === '') errors[path] = 'BASE_TYPE_REQUIRED'
  if (value.length > max) errors[path] = `BASE_TYPE_MAX_LENGTH: Must be ${max} or fewer in length.`
  return value.length
}

/** Problems with one payload keyed by field path (`embeds.0.title`), as Discord's form validation reports them. */
export function discordPayloadProblems (body: Record<string, unknown>): Errors {
  const errors: Errors = {}
  checkString(errors, 'content', body.content, LIMITS.content)
  const embeds = body.embeds ?? []
  if (!Array.isArray(embeds)) return { ...errors, embeds: 'BASE_TYPE_ARRAY' }
  if (embeds.length > LIMITS.embeds) errors.embeds = `BASE_TYPE_MAX_LENGTH: Must be ${LIMITS.embeds} or fewer in length.`
  let total = 0
  embeds.forEach((embed: unknown, i) => {
    const e = embed as Record<string, unknown>
    const at = `embeds.${i}`
    total += checkString(errors, `${at}.title`, e.title, LIMITS.title)
    total += checkString(errors, `${at}.description`, e.description, LIMITS.description)
    if (e.url !== undefined && (typeof e.url !== 'string' || !/^https?:\/\/\S+$/.test(e.url))) errors[`${at}.url`] = 'URL_TYPE_INVALID_URL'
    if (e.color !== undefined && (!Number.isInteger(e.color) || (e.color as number) < 0 || (e.color as number) > 0xffffff)) errors[`${at}.color`] = 'NUMBER_TYPE_MAX'
    if (e.timestamp !== undefined && Number.isNaN(Date.parse(String(e.timestamp)))) errors[`${at}.timestamp`] = 'DATE_TIME_TYPE_PARSE'
    total += checkString(errors, `${at}.footer.text`, (e.footer as { text?: unknown } | undefined)?.text, LIMITS.footer, e.footer !== undefined)
    total += checkString(errors, `${at}.author.name`, (e.author as { name?: unknown } | undefined)?.name, LIMITS.author, e.author !== undefined)
    const fields = e.fields ?? []
    if (!Array.isArray(fields)) { errors[`${at}.fields`] = 'BASE_TYPE_ARRAY'; return }
    if (fields.length > LIMITS.fields) errors[`${at}.fields`] = `BASE_TYPE_MAX_LENGTH: Must be ${LIMITS.fields} or fewer in length.`
    fields.forEach((field: unknown, j) => {
      const f = field as Record<string, unknown>
      total += checkString(errors, `${at}.fields.${j}.name`, f.name, LIMITS.fieldName, true)
      total += checkString(errors, `${at}.fields.${j}.value`, f.value, LIMITS.fieldValue, true)
    })
  })
  if (total > LIMITS.total) errors.embeds = `MAX_EMBED_SIZE_EXCEEDED: Embed size exceeds maximum size of ${LIMITS.total}`
  return errors
}

/** Discord's 400 body for a form that failed validation. */
const invalidFormBody = (errors: Errors): object => {
  const nested: Record<string, unknown> = {}
  for (const [path, code] of Object.entries(errors)) {
    const keys = path.split('.')
    let node = nested
    for (const key of keys) node = (node[key] ??= {}) as Record<string, unknown>
    node._errors = [{ code: code.split(':')[0], message: code.split(': ')[1] ?? code }]
  }
  return { message: 'Invalid Form Body', code: 50035, errors: nested }
}

/**
 * A local Discord webhook (`POST /api/webhooks/<id>/<token>`), answering as Discord does: 200 with
 * the message under `wait=true`, 204 without; 400 `Cannot send an empty message` (50006) or
 * `Invalid Form Body` (50035) past the documented limits; 404 `Unknown Webhook` (10015); 429 with
 * `{"retry_after": s, "global": false}` and the Retry-After / X-RateLimit-* headers on demand; 500; a hang.
 */
export async function startDiscordStandIn (): Promise<DiscordStandIn> {
  const id = '1181234567890123456'
  const token = 'DiscordPlantedHookToken-0123456789abcdefABCDEF'
  const path = `/api/webhooks/${id}/${token}`
  const messages: DiscordReceived[] = []
  const violations: string[] = []
  let failures: Array<{ mode: DiscordFailureMode, retryAfterSeconds: number }> = []
  let requests = 0
  let nextId = 1

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    requests += 1
    const url = new URL(req.url ?? '/', 'http://stand-in')
    if (req.method !== 'POST' || url.pathname !== path) return json(res, 404, { message: 'Unknown Webhook', code: 10015 })
    const failure = failures.shift()
    if (failure !== undefined) {
      const seconds = failure.retryAfterSeconds
      const limited = { message: 'You are being rate limited.', retry_after: seconds, global: false }
      const rateHeaders = { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(seconds), 'x-ratelimit-reset': String(Date.now() / 1000 + seconds), 'x-ratelimit-bucket': 'vigil-bucket', 'x-ratelimit-scope': 'user' }
      switch (failure.mode) {
        case 'hang': return
        case 'server-error': return json(res, 500, { message: '500: Internal Server Error', code: 0 })
        case 'rate-limit': return json(res, 429, limited, { ...rateHeaders, 'retry-after': String(Math.ceil(seconds)) })
        case 'rate-limit-body-only': return json(res, 429, limited)
        case 'invalid-payload': return json(res, 400, invalidFormBody({ 'embeds.0.description': 'BASE_TYPE_MAX_LENGTH: Must be 4096 or fewer in length.' }))
        case 'unknown-webhook': return json(res, 404, { message: 'Unknown Webhook', code: 10015 })
      }
    }
    let body: Record<string, unknown>
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
    } catch {
      violations.push('body is not JSON')
      return json(res, 400, { message: 'The request body contains invalid JSON.', code: 50109 })
    }
    const embeds = Array.isArray(body.embeds) ? body.embeds as Array<Record<string, unknown>> : []
    if ((typeof body.content !== 'string' || body.content === '') && embeds.length === 0) {
      violations.push('empty message')
      return json(res, 400, { message: 'Cannot send an empty message', code: 50006 })
    }
    const errors = discordPayloadProblems(body)
    if (Object.keys(errors).length > 0) {
      violations.push(...Object.entries(errors).map(([k, v]) => `${k}: ${v}`))
      return json(res, 400, invalidFormBody(errors))
    }
    const waited = url.searchParams.get('wait') === 'true'
    messages.push({ content: body.content as string | undefined, embeds, allowedMentions: body.allowed_mentions, waited })
    if (!waited) { res.writeHead(204); return void res.end() }
    json(res, 200, {
      id: String(nextId++), type: 0, channel_id: '1181234567890000000', webhook_id: id, content: body.content ?? '', embeds,
      author: { id, username: 'Vigil', bot: true }, attachments: [], mentions: [], mention_roles: [], pinned: false, mention_everyone: false, tts: false,
      timestamp: new Date().toISOString(), edited_timestamp: null, flags: 0, components: []
    })
  }

  const server = createServer((req, res) => { handle(req, res).catch(() => res.destroy()) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${path}`,
    token,
    messages,
    violations,
    get requests () { return requests },
    failNext (count, mode, options = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ mode, retryAfterSeconds: options.retryAfterSeconds ?? 1.5 }))]
    },
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
