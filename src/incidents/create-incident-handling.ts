import type { GithubClientOptions } from '../channels/github-client.js'
import { createGithubChannel, type HeldIssue } from '../channels/github.js'
import type { ChannelContext } from '../channels/notification.js'
import { createChannel } from '../channels/registry.js'
import type { ChannelDeclaration, MinStatus } from '../config/channel-settings.js'
import type { Config } from '../config/config.js'
import { DeliveryError, type Channel, type OpenIncident } from '../delivery/types.js'
import { createDeliveryWorker, type DeliveryTiming, type DeliveryWorker } from '../delivery/worker.js'
import type { ComponentRegistry } from '../health/component-registry.js'
import type { Metrics } from '../metrics/create-metrics.js'
import type { CycleLeadership, EnvironmentTarget, IncidentIntake } from '../monitor/types.js'
import type { Redactor } from '../redact.js'
import { SOLE_LEADERSHIP } from '../monitor/sole-leadership.js'
import { createLeadership, type Leadership } from '../state/leadership.js'
import { createMemoryStore } from '../state/memory-store.js'
import type { Store } from '../state/types.js'
import { silentLog, type IncidentLog } from '../structured-log.js'
import { createDecider, type Decider } from './decider.js'
import type { PolicyOptions } from './policy.js'
import type { IncidentContext, IncidentContextOptions } from '../railway/incident-context.js'
import { openingStatus, type ChannelRoute } from './routing.js'

/** Lease of the leading replica: renewed every third of it; a cut-off leader is replaced after it. */
export const DEFAULT_LEASE_TTL_MS = 30_000
/** Component that shows whether the state database answers (only with STATE_DATABASE_URL). */
export const STATE_COMPONENT = 'state'

export interface IncidentHandlingOptions {
  readonly redact: Redactor
  readonly metrics: Metrics
  readonly components: ComponentRegistry
  readonly log?: IncidentLog
  /** The monitor's interval: a leader that finishes no cycle for two of them (plus `cycleAllowanceMs`) loses the lease. */
  readonly intervalMs: number
  /** The longest a cycle can take (monitor/worst-case.ts), added to the two intervals. */
  readonly cycleAllowanceMs?: number
  /** `github.labels` from the monitor file (default `deployment-alert`). */
  readonly labels?: readonly string[]
  /** `github.repository` from the monitor file; overrides GITHUB_REPOSITORY. */
  readonly repository?: string
  /** The monitored environments, for their own labels and to retire the others' incidents. */
  readonly targets: ReadonlyArray<Pick<EnvironmentTarget, 'name' | 'labels' | 'failureThreshold' | 'successThreshold' | 'notify'>>
  /** The declared notification channels; `config.monitor.channels` by default. */
  readonly channels?: readonly ChannelDeclaration[]
  /** Deadline and undici dispatcher of the notification channels' requests (tests). */
  readonly channelTransport?: Pick<ChannelContext, 'timeoutMs' | 'dispatcher'>
  /** Transport and retry tuning of the GitHub client (tests). */
  readonly github?: Partial<Omit<GithubClientOptions, 'token' | 'apiUrl' | 'redact' | 'log' | 'metrics'>>
  readonly delivery?: DeliveryTiming
  readonly policy?: PolicyOptions
  readonly leaseTtlMs?: number
  /** A store of the caller's (tests); built from STATE_DATABASE_URL otherwise. */
  readonly store?: Store
  /** Tuning of the Railway deployment context (tests); used only with a Railway token and project. */
  readonly railway?: Partial<Omit<IncidentContextOptions, 'redact' | 'metrics' | 'log' | 'targets'>>
}

/**
 * The record channel's open incidents, each remembered by the channel unless it already holds one
 * for that environment, so adopted issues show in the report before anything is delivered.
 */
function adoptingFrom<T> (channel: Channel<T>, store: Store, worker: DeliveryWorker): () => Promise<OpenIncident[]> {
  return async () => {
    const found = await channel.openIncidents!().catch((error: unknown) => {
      // GitHub's "wait" holds every write of the channel, whichever request it answered.
      if (error instanceof DeliveryError && error.failure === 'rate-limited' && error.retryAt !== undefined) worker.hold(error.retryAt)
      throw error
    })
    for (const incident of found) {
      if (await store.getChannelMemory(channel.name, incident.environment) === undefined) {
        await store.setChannelMemory(channel.name, incident.environment, incident.held)
      }
    }
    return found
  }
}

/** The incident side: decisions, the outbox and its workers, and leadership. */
export interface IncidentHandling {
  readonly intake: IncidentIntake
  readonly leadership: CycleLeadership
  readonly decider: Decider
  readonly workers: readonly DeliveryWorker[]
  readonly store: Store
  /** False when GITHUB_TOKEN or the repository is missing: state is kept, nothing is filed. */
  readonly githubConfigured: boolean
  /**
   * Replaces the monitored environments (discovery refresh): labels, `notify`, thresholds and
   * Railway refs follow the new list, and open incidents of environments left out are retired.
   */
  /** Replaces the monitored environments; `cycleAllowanceMs`, when given, replaces the lease's allowance for the longest cycle (monitor/worst-case.ts) to fit them. */
  setTargets: (targets: IncidentHandlingOptions['targets'], cycleAllowanceMs?: number) => void
  /** Starts leadership renewal and the delivery workers. */
  start: () => void
  /** Stops everything, then closes the store. */
  close: () => Promise<void>
}

/** GitHub, the record of every incident, is told of unhealthy ones (product.md, "Incidents on GitHub"). */
const RECORD_ROUTE: ChannelRoute = { channel: 'github', minStatus: 'unhealthy' }

/**
 * Builds the incident side from the configuration: PostgreSQL store and lease leadership with
 * STATE_DATABASE_URL (memory and sole leadership otherwise), the decider, and one delivery worker
 * per channel — GitHub when a token and a repository are set, and each declared channel
 * (`channels:` in the monitor file), each routed to the environments that `notify` it.
 */
export async function createIncidentHandling (config: Config, options: IncidentHandlingOptions): Promise<IncidentHandling> {
  const { redact, metrics, components } = options
  const log = options.log ?? silentLog
  const url = config.stateDatabaseUrl
  // pg (and Octokit below) load only when configured: an unused client costs start-up time and memory.
  const store: Store = options.store ?? (url === undefined ? createMemoryStore() : await (await import('../state/pg-store.js')).createPgStore({ connectionString: url }))
  const shared = options.store !== undefined || url !== undefined

  // Every exchange with a shared store (lease renewals, decisions) is the `state` component's probe.
  const recordState = ({ ok, latencyMs = 0, error }: { ok: boolean, latencyMs?: number, error?: unknown }): void => {
    if (!shared) return
    components.record(STATE_COMPONENT, ok
      ? { status: 'healthy', latencyMs }
      : { status: 'unhealthy', latencyMs, error: `state database: ${redact(error instanceof Error ? error.message : String(error))}` })
  }
  let leadership: Leadership | undefined
  if (shared) {
    components.register({ name: STATE_COMPONENT, required: false })
    leadership = createLeadership({
      store,
      ttlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
      staleAfterMs: 2 * options.intervalMs + (options.cycleAllowanceMs ?? 0),
      onStoreResult: recordState,
      onRoleChange: (role) => { log.info({ module: 'incidents', role }, `this replica is now ${role === 'unknown' ? 'without a known leader' : `the ${role}`}`) }
    })
  }
  const lead: CycleLeadership = leadership ?? SOLE_LEADERSHIP
  // The monitored environments by name; replaced whole by `setTargets`.
  let targetOf = new Map(options.targets.map((t) => [t.name, t]))

  // Railway deployment context in incidents, fetched on failing results, never in the way (railway/incident-context.ts).
  let railway: IncidentContext | undefined
  if (config.railway.token !== undefined && config.railway.projectId !== undefined) {
    const { createIncidentContext } = await import('../railway/incident-context.js')
    railway = createIncidentContext(config, { ...options.railway, redact, metrics, log, targets: options.targets })
  }

  const repository = options.repository ?? config.github.repository
  const token = config.github.token
  const workers: DeliveryWorker[] = []
  const linkListeners: Array<() => void> = []
  let github: ReturnType<typeof createGithubChannel> | undefined
  if (token !== undefined && repository !== undefined) {
    const shutdown = new AbortController()
    // Bound once the worker exists: a rate limit on any request (a listing too) holds every write.
    let holdWrites: (until: Date) => void = () => {}
    const { createGithubClient } = await import('../channels/github-client.js')
    const octokit = createGithubClient({ ...options.github, token, apiUrl: config.github.apiUrl, redact, log, metrics, signal: shutdown.signal, onRateLimit: (until) => { holdWrites(until) } })
    github = { ...createGithubChannel({ octokit, repository, labels: options.labels, environmentLabels: (e) => targetOf.get(e)?.labels ?? [], redact, deploymentContextOf: railway?.sectionOf }), close: () => { shutdown.abort() } }
    const worker = createDeliveryWorker({
      channel: github, store, leadership: lead, log, redact, metrics, components, timing: options.delivery,
      onLinks: () => { for (const listener of linkListeners) listener() }
    })
    holdWrites = (until) => { worker.hold(until) }
    workers.push(worker)
  } else {
    log.warn({ module: 'incidents' }, 'GitHub is not configured (GITHUB_TOKEN and GITHUB_REPOSITORY): incidents are decided and shown but not filed')
  }
  const githubWorker = workers[0]

  // Notification channels: one worker each, the same guarantees as GitHub's; their pages and
  // messages link the GitHub issue when the record channel holds one.
  const record = github
  const issueLink = async (environment: string): Promise<string | undefined> => {
    if (record?.link === undefined) return undefined
    const held = await store.getChannelMemory(record.name, environment) as HeldIssue | undefined
    return held === undefined ? undefined : record.link(held)?.issue_url
  }
  const minStatus = new Map<string, MinStatus>()
  for (const declaration of options.channels ?? config.monitor.channels) {
    const shutdown = new AbortController()
    const channel = await createChannel(declaration, { redact, log, signal: shutdown.signal, issueLink, ...options.channelTransport })
    if (channel === undefined) {
      const problem = `channels of kind ${declaration.kind} are not available in this build; nothing is sent to it`
      log.error({ module: 'incidents', channel: declaration.name, kind: declaration.kind }, `${declaration.name}: ${problem}`)
      components.register({ name: declaration.name, required: false })
      components.record(declaration.name, { status: 'unhealthy', latencyMs: 0, error: problem })
      continue
    }
    const close = channel.close
    // The 60 s wait before repeating a maybe-done write is for GitHub's lagging issue listing; a
    // channel has nothing to look up before a retry, so it retries after the backoff alone.
    workers.push(createDeliveryWorker({
      channel: { ...channel, close: () => { shutdown.abort(); close?.() } }, store, leadership: lead, log, redact, metrics, components, timing: { lostAnswerDelayMs: 0, ...options.delivery }
    }))
    minStatus.set(declaration.name, declaration.minStatus)
  }
  const allChannels = [...minStatus.keys()]
  // An environment's channels: the record, then its `notify` (all declared channels by default).
  const routes = (environment: string | undefined): ChannelRoute[] => {
    const notify = environment === undefined ? undefined : targetOf.get(environment)?.notify
    const named = (notify ?? allChannels).flatMap((channel) => {
      const min = minStatus.get(channel)
      return min === undefined ? [] : [{ channel, minStatus: min }]
    })
    return [...(github === undefined ? [] : [RECORD_ROUTE]), ...named]
  }

  const decider = createDecider({
    store,
    leadership: lead,
    routes,
    environments: options.targets.map((t) => t.name),
    ...(github?.openIncidents === undefined || githubWorker === undefined ? {} : { openIncidents: adoptingFrom(github, store, githubWorker) }),
    policy: options.policy,
    thresholds: (environment) => {
      const target = targetOf.get(environment)
      return { failureThreshold: target?.failureThreshold, successThreshold: target?.successThreshold, openOn: openingStatus(routes(environment)) }
    },
    log,
    redact,
    onCommitted: (dropped) => {
      for (const { channel, kind } of dropped) metrics.incidentDeliveries.inc({ channel, kind, result: 'dropped' })
      for (const worker of workers) worker.wake()
    },
    onStoreResult: recordState
  })

  return {
    intake: {
      submit: (results, at) => {
        // Only the leader files incidents, so only it asks Railway.
        if (lead.role() === 'leader') railway?.prefetch(results)
        decider.submit(results, at)
      },
      links: () => githubWorker?.links() ?? {},
      onLinksChanged: (listener) => { linkListeners.push(listener) },
      close: async () => { await decider.close() }
    },
    leadership: lead,
    decider,
    workers,
    store,
    githubConfigured: github !== undefined,
    setTargets (targets, cycleAllowanceMs) {
      targetOf = new Map(targets.map((t) => [t.name, t]))
      if (cycleAllowanceMs !== undefined) leadership?.setStaleAfter(2 * options.intervalMs + cycleAllowanceMs)
      railway?.setTargets(targets)
      decider.setEnvironments(targets.map((t) => t.name))
    },
    start () {
      leadership?.start()
      for (const worker of workers) worker.start()
    },
    async close () {
      await decider.close()
      for (const worker of workers) await worker.close()
      await lead.close()
      await store.close()
    }
  }
}
