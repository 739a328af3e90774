import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

// Railway's project webhook payloads (docs.railway.com/observability/webhooks). Only the fields
// Vigil reads are described; every object may carry more (Railway adds fields without notice).
const Named = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) })
const Text = Type.Optional(Type.String())

/** The current payload: `type` such as `Deployment.crashed`, `details`, `resource`, `severity`, `timestamp`. */
const CurrentPayload = Type.Object({
  type: Type.String({ minLength: 1 }),
  details: Type.Optional(Type.Object({ id: Text, status: Text, branch: Text, commitHash: Text, commitAuthor: Text, commitMessage: Text })),
  resource: Type.Optional(Type.Object({
    project: Type.Optional(Named),
    environment: Type.Optional(Named),
    service: Type.Optional(Named),
    deployment: Type.Optional(Type.Object({ id: Text }))
  })),
  severity: Text,
  timestamp: Text
})

/** The legacy payload: `type: "DEPLOY"`, `project`, `environment`, `deployment` (with `meta`), `status`. */
const LegacyPayload = Type.Object({
  type: Type.Literal('DEPLOY'),
  timestamp: Text,
  status: Text,
  project: Type.Optional(Named),
  environment: Type.Optional(Named),
  service: Type.Optional(Named),
  deployment: Type.Optional(Type.Object({
    id: Text,
    meta: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
  }))
})

/** The deployment event types Vigil knows by name; the metric label of any other is `other`. */
export const KNOWN_EVENT_TYPES: readonly string[] = [
  'Deployment.queued', 'Deployment.waiting', 'Deployment.initializing', 'Deployment.building', 'Deployment.deploying',
  'Deployment.deployed', 'Deployment.failed', 'Deployment.crashed', 'Deployment.oom_killed', 'Deployment.removed',
  'Deployment.skipped', 'Deployment.sleeping', 'Deployment.slept', 'Deployment.resumed', 'Deployment.restarted', 'Deployment.redeployed'
]
const KNOWN = new Set(KNOWN_EVENT_TYPES)

/** The `type` label of `vigil_railway_events_total`: known types by name, every other as `other` (bounded series). */
export function eventTypeLabel (type: string): string {
  return KNOWN.has(type) ? type : 'other'
}

/** One Railway deployment event, the same whichever payload it came in. */
export interface DeployEvent {
  /** `Deployment.<state>`; a legacy `status: CRASHED` becomes `Deployment.crashed`. */
  readonly type: string
  readonly deploymentId: string
  /** Railway's DeploymentStatus when given (SUCCESS, FAILED, CRASHED, …). */
  readonly status: string | undefined
  /** When it happened (ISO) and the same in ms; the time of receipt when the payload has none. */
  readonly timestamp: string
  readonly timeMs: number
  readonly projectId: string | undefined
  readonly environment: { readonly id: string | undefined, readonly name: string | undefined }
  readonly service: { readonly id: string | undefined, readonly name: string | undefined }
  readonly branch: string | undefined
  readonly commitHash: string | undefined
  readonly commitAuthor: string | undefined
  readonly commitMessage: string | undefined
  readonly severity: string | undefined
  readonly legacy: boolean
}

/** What a delivery holds: its type (always) and, when it is about a deployment, the event. */
export type ParsedDelivery =
  | { readonly ok: true, readonly type: string, readonly event: DeployEvent | undefined, readonly unreadable?: string }
  | { readonly ok: false, readonly reason: string }

/** Longest text kept from a payload field: a commit message may be long, an incident line may not. */
const MAX_FIELD = 500
const field = (value: unknown): string | undefined => {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  return value.length <= MAX_FIELD ? value : `${value.slice(0, MAX_FIELD - 1)}…`
}

// A legacy delivery names the deployment's state in `status`; the current one in `type`.
const legacyType = (status: string | undefined): string =>
  `Deployment.${status === undefined ? 'unknown' : status === 'SUCCESS' ? 'deployed' : status.toLowerCase()}`

function timeOf (timestamp: string | undefined, receivedAt: Date): { timestamp: string, timeMs: number } {
  const ms = timestamp === undefined ? Number.NaN : Date.parse(timestamp)
  return Number.isFinite(ms) ? { timestamp: new Date(ms).toISOString(), timeMs: ms } : { timestamp: receivedAt.toISOString(), timeMs: receivedAt.getTime() }
}

function fromLegacy (payload: Static<typeof LegacyPayload>, receivedAt: Date): ParsedDelivery {
  const type = legacyType(field(payload.status)?.toUpperCase())
  const deploymentId = field(payload.deployment?.id)
  if (deploymentId === undefined) return { ok: true, type, event: undefined }
  const meta = payload.deployment?.meta ?? {}
  return {
    ok: true,
    type,
    event: {
      type,
      deploymentId,
      status: field(payload.status)?.toUpperCase(),
      ...timeOf(payload.timestamp, receivedAt),
      projectId: field(payload.project?.id),
      environment: { id: field(payload.environment?.id), name: field(payload.environment?.name) },
      service: { id: field(payload.service?.id ?? meta.serviceId), name: field(payload.service?.name ?? meta.serviceName) },
      branch: field(meta.branch),
      commitHash: field(meta.commitHash),
      commitAuthor: field(meta.commitAuthor),
      commitMessage: field(meta.commitMessage),
      severity: undefined,
      legacy: true
    }
  }
}

function fromCurrent (payload: Static<typeof CurrentPayload>, receivedAt: Date): ParsedDelivery {
  const type = payload.type
  const deploymentId = field(payload.resource?.deployment?.id) ?? field(payload.details?.id)
  // Volume and resource alerts, and anything not about a deployment: counted, nothing to act on.
  if (!type.startsWith('Deployment.') || deploymentId === undefined) return { ok: true, type, event: undefined }
  const { details, resource } = payload
  return {
    ok: true,
    type,
    event: {
      type,
      deploymentId,
      status: field(details?.status),
      ...timeOf(payload.timestamp, receivedAt),
      projectId: field(resource?.project?.id),
      environment: { id: field(resource?.environment?.id), name: field(resource?.environment?.name) },
      service: { id: field(resource?.service?.id), name: field(resource?.service?.name) },
      branch: field(details?.branch),
      commitHash: field(details?.commitHash),
      commitAuthor: field(details?.commitAuthor),
      commitMessage: field(details?.commitMessage),
      severity: field(payload.severity),
      legacy: false
    }
  }
}

/**
 * Reads a parsed JSON body as a Railway webhook delivery, current or legacy. A body that is not an
 * object with a `type` is refused (`ok: false`, 400); a delivery about something other than a
 * deployment, or whose fields have another shape than documented (`unreadable`), is `ok` with its
 * type for counting and no event.
 */
export function parseWebhookPayload (body: unknown, receivedAt: Date = new Date()): ParsedDelivery {
  if (Value.Check(LegacyPayload, body)) return fromLegacy(body, receivedAt)
  if (Value.Check(CurrentPayload, body)) return fromCurrent(body, receivedAt)
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'expected a JSON object' }
  const type = (body as { type?: unknown }).type
  if (typeof type !== 'string' || type === '') return { ok: false, reason: 'expected a string "type"' }
  // Fields of another shape than documented: counted and ignored (a 4xx would only make Railway retry).
  return { ok: true, type, event: undefined, unreadable: 'fields of an unexpected shape' }
}
