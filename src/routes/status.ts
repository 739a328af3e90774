import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { renderBadge } from '../status/badge-svg.js'
import { issuesLink } from '../status/links.js'
import { loadSnapshot } from '../status/load-snapshot.js'
import { parsePeriod } from '../status/period.js'
import { renderStatusPage } from '../status/render-html.js'
import { renderMarkdownReport } from '../status/report-markdown.js'
import { statusWord, type StatusSnapshot } from '../status/status-snapshot.js'
import { bearerTokenMatches } from './bearer-token.js'

type Query = { token?: string, since?: string } | undefined

/**
 * `/status` (HTML), `/status.json`, `/status.md`, `/badge/:environment.svg`, and `/` → `/status`.
 * With STATUS_PAGE_TOKEN each needs `Authorization: Bearer <token>` or `?token=<token>`. Answers
 * are built from memory and the history store; everything shown passes through the redactor.
 */
export default async function statusRoutes (app: FastifyInstance): Promise<void> {
  const { config, environments: board, components, history, redact } = app.vigil
  const settings = config.statusPage
  const token = settings.token

  const onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.header('cache-control', 'no-store')
    if (token === undefined) return
    const query = (request.query as Query)?.token
    if (bearerTokenMatches(request.headers.authorization, token) || (query !== undefined && bearerTokenMatches(`Bearer ${query}`, token))) return
    await reply.code(401).header('www-authenticate', 'Bearer realm="vigil"').send({ error: 'Unauthorized', message: 'a valid bearer token (or ?token=) is required' })
  }

  const names = (): string[] => [...new Set([...config.monitor.environments.map((t) => t.name), ...Object.keys(board.entries())])]

  // The page's own address as the client reached it; only a plain scheme and host are trusted
  // from headers, so a forged Host or X-Forwarded-Proto cannot put markup into the report.
  const pageLink = (request: FastifyRequest): string | null => {
    const forwarded = request.headers['x-forwarded-proto']
    const protocol = typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : request.protocol
    if (!/^https?$/.test(protocol) || !/^[A-Za-z0-9.:[\]-]+$/.test(request.host)) return null
    return `${protocol}://${request.host}/status`
  }

  const snapshot = async (request: FastifyRequest, periodMs: number): Promise<StatusSnapshot> => {
    return await loadSnapshot({
      environments: names(),
      board: board.entries(),
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
    }, new Date(), periodMs)
  }

  // `?since=` (a duration, up to the retention); undefined when it is not one.
  const period = (request: FastifyRequest): number | undefined => parsePeriod((request.query as Query)?.since, settings.historyRetentionMs)
  const badPeriod = async (reply: FastifyReply): Promise<FastifyReply> =>
    await reply.code(400).send({ error: 'Bad Request', message: 'since: expected a duration such as 24h or 7d' })

  app.get('/', { onRequest }, async (request, reply) => {
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    return await reply.redirect(`/status${search}`, 302)
  })

  app.get('/status', { onRequest }, async (request, reply) => {
    const ms = period(request)
    if (ms === undefined) return await badPeriod(reply)
    const html = renderStatusPage(await snapshot(request, ms))
    return await reply.type('text/html; charset=utf-8').send(redact(html))
  })

  app.get('/status.json', { onRequest }, async (request, reply) => {
    const ms = period(request)
    if (ms === undefined) return await badPeriod(reply)
    return await reply.type('application/json; charset=utf-8').send(redact(JSON.stringify(await snapshot(request, ms))))
  })

  app.get('/status.md', { onRequest }, async (request, reply) => {
    const ms = period(request)
    if (ms === undefined) return await badPeriod(reply)
    return await reply.type('text/markdown; charset=utf-8').send(redact(renderMarkdownReport(await snapshot(request, ms))))
  })

  app.get('/badge/:file', { onRequest }, async (request, reply) => {
    const file = (request.params as { file: string }).file
    const name = file.endsWith('.svg') ? file.slice(0, -4) : undefined
    if (name === undefined || !names().includes(name)) return await reply.code(404).send({ error: 'Not Found', message: 'no such environment' })
    const status = statusWord(board.entries()[name]?.status)
    // Shields' advice for live badges: revalidate every time (GitHub's image proxy honours it).
    return await reply.header('cache-control', 'no-cache').type('image/svg+xml; charset=utf-8').send(redact(renderBadge(name, status)))
  })
}
