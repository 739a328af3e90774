import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** How the stand-in misbehaves on demand. */
export type SlackFailureMode = 'server-error' | 'hang' | 'rate-limit' | 'invalid-payload' | 'channel-archived' | 'lost-answer'

/** A message Slack accepted (answered `ok`). */
export interface SlackReceived {
  readonly text: string | undefined
  readonly blocks: Array<Record<string, unknown>> | undefined
  readonly raw: string
}

export interface SlackStandIn {
  /** The incoming webhook URL; its path token is a secret (`token`). */
  readonly url: string
  readonly token: string
  /** Messages accepted, in order (a `lost-answer` one included: Slack posted it). */
  readonly messages: SlackReceived[]
  /** Every way a request departed from Slack's documented shape and limits; should stay empty. */
  readonly violations: string[]
  /** Every request that arrived, accepted or not. */
  readonly requests: number
  /** Fail the next `count` requests with `mode` (`retryAfterSeconds` for `rate-limit`, default 30). */
  failNext: (count: number, mode: SlackFailureMode, options?: { retryAfterSeconds?: number }) => void
  close: () => Promise<void>
}

/**
 * Slack's documented limits (Block Kit reference; chat.postMessage): `text` 40,000 characters,
 * 50 blocks, header text 150 (plain_text only), section text 3,000, 10 fields of 2,000 each,
 * context 10 elements, block_id 255.
 */
const LIMITS = { text: 40_000, blocks: 50, header: 150, section: 3_000, fields: 10, field: 2_000, contextElements: 10, blockId: 255 }

function textObject (value: unknown, where: string, max: number, plainOnly = false): string[] {
  if (typeof value !== 'object' || value === null) return [`${where}: a text object is required`]
  const { type, text } = value as { type?: unknown, text?: unknown }
  const problems: string[] = []
  if (type !== 'plain_text' && (plainOnly || type !== 'mrkdwn')) problems.push(`${where}.type: ${String(type)} is not allowed`)
  if (typeof text !== 'string' || text.length === 0) problems.push(`${where}.text: must be a non-empty string`)
  else if (text.length > max) problems.push(`${where}.text: ${text.length} characters, more than ${max}`)
  return problems
}

/** Problems with one payload, as Slack's validation would find them. */
export function slackPayloadProblems (body: Record<string, unknown>): string[] {
  const problems: string[] = []
  const { text, blocks } = body
  if (text !== undefined && typeof text !== 'string') problems.push('text: must be a string')
  if (typeof text === 'string' && text.length > LIMITS.text) problems.push(`text: ${text.length} characters, more than ${LIMITS.text}`)
  if (blocks === undefined) return problems
  if (!Array.isArray(blocks)) return [...problems, 'blocks: must be an array']
  if (blocks.length > LIMITS.blocks) problems.push(`blocks: ${blocks.length}, more than ${LIMITS.blocks}`)
  blocks.forEach((block: unknown, i) => {
    const b = block as Record<string, unknown>
    const where = `blocks[${i}]`
    if (typeof b.block_id === 'string' && b.block_id.length > LIMITS.blockId) problems.push(`${where}.block_id: too long`)
    switch (b.type) {
      case 'header': problems.push(...textObject(b.text, `${where}.text`, LIMITS.header, true)); break
      case 'section': {
        if (b.text === undefined && b.fields === undefined) problems.push(`${where}: a section needs text or fields`)
        if (b.text !== undefined) problems.push(...textObject(b.text, `${where}.text`, LIMITS.section))
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > LIMITS.fields) problems.push(`${where}.fields: 1 to ${LIMITS.fields} text objects`)
          else b.fields.forEach((f: unknown, j) => problems.push(...textObject(f, `${where}.fields[${j}]`, LIMITS.field)))
        }
        break
      }
      case 'context': {
        const elements = b.elements
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > LIMITS.contextElements) problems.push(`${where}.elements: 1 to ${LIMITS.contextElements}`)
        else elements.forEach((e: unknown, j) => problems.push(...textObject(e, `${where}.elements[${j}]`, LIMITS.section)))
        break
      }
      case 'divider': break
      default: problems.push(`${where}.type: ${String(b.type)} is not a block Vigil's stand-in knows`)
    }
  })
  return problems
}

const LOST = { writeHead: () => LOST, end: () => LOST } as unknown as ServerResponse

/**
 * A local Slack incoming webhook (`POST /services/T…/B…/<token>`), answering as Slack does:
 * `200 ok`; `400 invalid_payload` for a body that is not JSON; `400 no_text` with neither text nor
 * blocks; `400 invalid_blocks` for blocks outside the documented shape or limits; `404 no_service`
 * for an unknown path; `429` with `Retry-After` on demand; `410 channel_is_archived`; 500; a hang.
 */
export async function startSlackStandIn (): Promise<SlackStandIn> {
  const token = 'XoxPlantedSlackHookToken0123456789'
  const path = `/services/T0VIGIL01/B0VIGIL02/${token}`
  const messages: SlackReceived[] = []
  const violations: string[] = []
  let failures: Array<{ mode: SlackFailureMode, retryAfterSeconds: number }> = []
  let requests = 0
  const plain = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/html', ...headers })
    res.end(body)
  }

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    requests += 1
    const raw = Buffer.concat(chunks).toString('utf8')
    if (req.method !== 'POST' || req.url !== path) return plain(res, 404, 'no_service')
    const failure = failures.shift()
    if (failure !== undefined && failure.mode !== 'lost-answer') {
      switch (failure.mode) {
        case 'hang': return
        case 'server-error': return plain(res, 500, 'internal_error')
        case 'rate-limit': return plain(res, 429, 'rate_limited', { 'retry-after': String(failure.retryAfterSeconds) })
        case 'invalid-payload': return plain(res, 400, 'invalid_payload')
        case 'channel-archived': return plain(res, 410, 'channel_is_archived')
      }
    }
    let body: Record<string, unknown>
    try {
      body = JSON.parse(raw) as Record<string, unknown>
      if (typeof body !== 'object' || body === null) throw new Error('not an object')
    } catch {
      violations.push('body is not a JSON object')
      return plain(res, 400, 'invalid_payload')
    }
    if ((typeof body.text !== 'string' || body.text === '') && body.blocks === undefined) {
      violations.push('neither text nor blocks')
      return plain(res, 400, 'no_text')
    }
    const problems = slackPayloadProblems(body)
    if (problems.length > 0) {
      violations.push(...problems)
      return plain(res, 400, 'invalid_blocks')
    }
    messages.push({ text: body.text as string | undefined, blocks: body.blocks as SlackReceived['blocks'], raw })
    plain(failure?.mode === 'lost-answer' ? LOST : res, 200, 'ok')
    if (failure?.mode === 'lost-answer') req.socket.destroy()
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
      failures = [...failures, ...Array.from({ length: count }, () => ({ mode, retryAfterSeconds: options.retryAfterSeconds ?? 30 }))]
    },
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
