import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { renderBadge } from '../status/badge-svg.js'
import { issuesLink } from '../status/links.js'
import { parseBoardQuery, type BoardQuery } from '../status/board-query.js'
import { loadSnapshot } from '../status/load-snapshot.js'
import { parsePeriod } from '../status/period.js'
import { renderStatusPage } from '../status/render-html.js'
import { renderMarkdownReport } from '../status/report-markdown.js'
import { statusWord, type PageView, type StatusSnapshot } from '../status/status-snapshot.js'
import { sessionCookie, sessionFrom, sessionValid } from '../status/session-cookie.js'
import { bearerTokenMatches } from './bearer-token.js'

type QueryValue = string | string[]
type Query = { token?: string, since?: string, page?: QueryValue, environment?: QueryValue, status?: QueryValue } | undefined

/**
 * `/status` (HTML), `/status.json`, `/status.md`, `/badge/:environment.svg`, and `/` → `/status`.
 * With STATUS_PAGE_TOKEN each needs `Authorization: Bearer <token>`, `?token=<token>` (which also
 * sets a cookie derived from the token, session-cookie.ts, so the page's links work) or that cookie. Answers
 * are built from memory and the history store; everything shown passes through the redactor.
 */
export default async function statusRoutes (app: FastifyInstance): Promise<void> {
  const { config, environments: board, components, history, redact } = app.vigil
  const settings = config.statusPage
  const token = settings.token

  // A reader who opened the page with ?token= gets a cookie derived from it (session-cookie.ts), so
  // the page's links, which never carry the token, open the next page too.
  const onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.header('cache-control', 'no-store')
    if (token === undefined) return
    const query = (request.query as Query)?.token
    if (query !== undefined && bearerTokenMatches(`Bearer ${query}`, token)) {
      reply.header('set-cookie', sessionCookie(token, pageLink(request)?.startsWith('https:') === true))
      return
    }
    if (bearerTokenMatches(request.headers.authorization, token)) return
    if (sessionValid(sessionFrom(request.headers.cookie), token)) return
    await reply.code(401).header('www-authenticate', 'Bearer realm="vigil"').send({ error: 'Unauthorized', message: 'a valid bearer token (or ?token=) is required' })
  }

  // Configured names first, then those only on the board (discovered), worked out again only when
  // the board's list of names changes (it keeps the same array until then).
  const configured = config.monitor.environments.map((t) => t.name)
  const configuredSet = new Set(configured)
  let known: { from: readonly string[], names: string[], byLowerCase: Map<string, string> } | undefined
  const names = (): { names: string[], byLowerCase: Map<string, string> } => {
    const onBoard = board.names()
    if (known?.from !== onBoard) {
      const all = [...configured, ...onBoard.filter((name) => !configuredSet.has(name))]
      known = { from: onBoard, names: all, byLowerCase: new Map(all.map((name) => [name.toLowerCase(), name])) }
    }
    return known
  }

  // The page's own address as the client reached it; only a plain scheme and host are trusted
  // from headers, so a forged Host or X-Forwarded-Proto cannot put markup into the report.
  const pageLink = (request: FastifyRequest): string | null => {
    const forwarded = request.headers['x-forwarded-proto']
    const protocol = typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : request.protocol
    if (!/^https?$/.test(protocol) || !/^[A-Za-z0-9.:[\]-]+$/.test(request.host)) return null
    return `${protocol}://${request.host}/status`
  }

  const snapshot = async (request: FastifyRequest, periodMs: number, query: BoardQuery, route: string): Promise<StatusSnapshot> => {
    const loaded = await loadSnapshot({
      environments: names().names,
      board: (name) => board.get(name),
      components: components.list(),
      history,
      intervalMs: config.monitor.intervalMs,
      refreshMs: settings.refreshMs,
      retentionMs: settings.historyRetentionMs,
      links: {
        status_page: pageLink(request),
        railway_dashboard: settings.railwayDashboardUrl ?? null,
        issues: issuesLink(config.github.apiUrl, config.github.repository, config.monitor.githubLabels)
      },
      redact
    }, new Date(), periodMs, query)
    return { ...loaded, page: withLinks(loaded.page!, request, route) }
  }

  // Links to the neighbouring pages: the same route, `?since=` and filters, never the token
  // (it would sit in every link, and the redactor would blank it anyway).
  const withLinks = (page: PageView, request: FastifyRequest, route: string): PageView => {
    const link = (number: number): string => {
      const params = new URLSearchParams()
      const since = (request.query as Query)?.since
      if (since !== undefined) params.set('since', since)
      if (page.filter.environments !== null) params.set('environment', page.filter.environments.join(','))
      if (page.filter.statuses !== null) params.set('status', page.filter.statuses.join(','))
      if (number > 1) params.set('page', String(number))
      const search = params.toString()
      return search === '' ? route : `${route}?${search}`
    }
    const last = Math.max(1, page.pages)
    return {
      ...page,
      previous: page.number > 1 ? link(Math.min(page.number - 1, last)) : null,
      next: page.number < last ? link(page.number + 1) : null
    }
  }

  // `?page=`, `?environment=`, `?status=` (board-query.ts); a 400 with the reason when one is wrong.
  const boardQuery = (request: FastifyRequest): BoardQuery | { error: string } => {
    const query = request.query as Query ?? {}
    return parseBoardQuery(query, (name) => board.get(name) !== undefined ? name : names().byLowerCase.get(name.toLowerCase()))
  }

  // `?since=` (a duration, up to the retention); undefined when it is not one.
  const period = (request: FastifyRequest): number | undefined => parsePeriod((request.query as Query)?.since, settings.historyRetentionMs)
  const badPeriod = async (reply: FastifyReply): Promise<FastifyReply> =>
    await reply.code(400).send({ error: 'Bad Request', message: 'since: expected a duration such as 24h or 7d' })

  const badQuery = async (reply: FastifyReply, message: string): Promise<FastifyReply> =>
    await reply.code(400).send({ error: 'Bad Request', message })

  app.get('/', { onRequest }, async (request, reply) => {
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    return await reply.redirect(`/status${search}`, 302)
  })

  app.get('/status', { onRequest }, async (request, reply) => {
    const ms = period(request)
    if (ms === undefined) return await badPeriod(reply)
    const query = boardQuery(request)
    if ('error' in query) return await badQuery(reply, query.error)
    const since = (request.query as Query)?.since
    const html = renderStatusPage(await snapshot(request, ms, query, 'status'), since === undefined ? {} : { since })
    return await reply.type('text/html; charset=utf-8').send(redact(html))
  })

  app.get('/status.json', { onRequest }, async (request, reply) => {
    const ms = period(request)
    if (ms === undefined) return await badPeriod(reply)
    const query = boardQuery(request)
    if ('error' in query) return await badQuery(reply, query.error)
    return await reply.type('application/json; charset=utf-8').send(redact(JSON.stringify(await snapshot(request, ms, query, 'status.json'))))
  })

  app.get('/status.md', { onRequest }, async (request, reply) => {
    const ms = period(request)
    if (ms === undefined) return await badPeriod(reply)
    const query = boardQuery(request)
    if ('error' in query) return await badQuery(reply, query.error)
    return await reply.type('text/markdown; charset=utf-8').send(redact(renderMarkdownReport(await snapshot(request, ms, query, 'status.md'))))
  })

  app.get('/badge/:file', { onRequest }, async (request, reply) => {
    const file = (request.params as { file: string }).file
    const name = file.endsWith('.svg') ? file.slice(0, -4) : undefined
    if (name === undefined || (board.get(name) === undefined && !configuredSet.has(name))) return await reply.code(404).send({ error: 'Not Found', message: 'no such environment' })
    const status = statusWord(board.entries()[name]?.status)
    // Shields' advice for live badges: revalidate every time (GitHub's image proxy honours it).
    return await reply.header('cache-control', 'no-cache').type('image/svg+xml; charset=utf-8').send(redact(renderBadge(name, status)))
  })
}
