import fastifySchedule from '@fastify/schedule'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AsyncTask, SimpleIntervalJob, Task } from 'toad-scheduler'
import type { IncidentHandlingOptions } from '../incidents/create-incident-handling.js'
import { checkThreadIdleMs, checkThreadLimits, createCheckThread, type CheckThreadOptions } from '../monitor/check-thread.js'
import { createMonitor, staleLimitMs, type MonitorOptions } from '../monitor/create-monitor.js'
import type { DeployEvents, DeployEventsOptions } from '../railway/deploy-events.js'
import type { RailwayApi } from '../railway/types.js'
import type { EnvironmentTarget } from '../monitor/types.js'

/** What the lead (or a test) may pass; everything defaults from `app.vigil` and the configuration. */
export interface MonitorPluginOptions extends Partial<Pick<MonitorOptions, 'cycle' | 'now'>> {
  /** Environments to check; `config.monitor.environments` by default. */
  readonly targets?: readonly EnvironmentTarget[]
  /** Time between cycles; `config.monitor.intervalMs` by default. */
  readonly intervalMs?: number
  /** Tuning of the incident side (tests: quick retries, a short lease). */
  readonly incidents?: Partial<Omit<IncidentHandlingOptions, 'redact' | 'metrics' | 'components' | 'intervalMs' | 'targets'>>
  /** Railway's API for automatic rollbacks (the lead wires railway/client; tests pass one on a stand-in). */
  readonly railway?: RailwayApi
  /** Tuning of the deploy-event side (tests). */
  readonly deployEvents?: Partial<Pick<DeployEventsOptions, 'verify' | 'gate' | 'now'>>
  /**
   * Tuning of the check thread (tests), or `false` to check in this thread. The checks run in the
   * check thread unless `cycle` carries a function (a replacement `check`, a clock, a redactor),
   * which cannot cross to a thread: then they run in this one.
   */
  readonly checkThread?: Partial<Pick<CheckThreadOptions, 'idleMs' | 'resourceLimits' | 'onStart'>> | false
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Railway deploy events → checks, verifications and incidents (with RAILWAY_WEBHOOK_SECRET). */
    deployEvents: DeployEvents
    /** Replaces the monitored environments from the next cycle on (discovery refresh, plugins/railway-discovery.ts). */
    monitorTargets: { set: (targets: readonly EnvironmentTarget[]) => void }
  }
}

/**
 * Schedules the environment monitor: one cycle at start-up, then one every interval, never two at
 * once. The incident side (decisions, outbox, delivery, leadership) runs beside it and is closed
 * after the monitor, when the app closes.
 */
async function monitorPlugin (app: FastifyInstance, options: MonitorPluginOptions): Promise<void> {
  const { config, metrics, environments, components, redact } = app.vigil
  const intervalMs = options.intervalMs ?? config.monitor.intervalMs
  const targets = options.targets ?? config.monitor.environments
  const log = app.log.child({ module: 'monitor' })
  const concurrency = options.cycle?.concurrency ?? config.monitor.concurrency
  // The monitor recomputes its own limit when discovery changes the targets, and the lease's
  // allowance (incidents/create-incident-handling.ts) follows in onTargetsApplied.
  const staleAfterMs = staleLimitMs(targets, intervalMs, concurrency)
  const { createIncidentHandling } = await import('../incidents/create-incident-handling.js')
  const incidents = await createIncidentHandling(config, {
    labels: config.monitor.githubLabels,
    repository: config.github.repository,
    // Every line of the incident side names its own module.
    log: app.log,
    ...options.incidents,
    redact,
    metrics,
    components,
    intervalMs,
    cycleAllowanceMs: staleAfterMs - 2 * intervalMs,
    targets
  })
  const cycle = { concurrency, redact, ...options.cycle }
  const injected = Object.values(options.cycle ?? {}).some((value) => typeof value === 'function')
  const runner = injected || options.checkThread === false
    ? undefined
    // Its heap has room for the bodies the configured targets allow (discovered ones take the default).
    : createCheckThread({
      idleMs: checkThreadIdleMs(intervalMs),
      resourceLimits: checkThreadLimits(targets, concurrency),
      onLost: (err, again) => { log.error({ err }, again ? 'the check thread died; the checks under way are checked again alone, after the others, in a fresh one' : 'the check thread died again before any check was under way; the cycle fails') },
      ...options.checkThread,
      secrets: config.secrets,
      concurrency
    })
  const monitor = createMonitor({
    targets,
    intervalMs,
    metrics,
    environments,
    components,
    redact,
    log,
    incidents: incidents.intake,
    history: app.vigil.history,
    leadership: incidents.leadership,
    cycle,
    runner,
    // The incident side and deploy events switch with the monitor, between two cycles.
    onTargetsApplied: (next) => {
      incidents.setTargets(next, staleLimitMs(next, intervalMs, concurrency) - 2 * intervalMs)
      deployEvents?.setTargets(next)
    },
    ...(options.now === undefined ? {} : { now: options.now })
  })

  // Railway deploy events reach the monitor and the incident side through the webhook route (app.ts).
  let deployEvents: DeployEvents | undefined
  if (config.railwayWebhookSecret !== undefined) {
    const { createDeployEvents } = await import('../railway/deploy-events.js')
    deployEvents = createDeployEvents({
      targets,
      checkNow: monitor.checkNow,
      intake: incidents.intake,
      metrics,
      redact,
      log: app.log,
      railway: options.railway ?? await railwayClient(app),
      ...options.deployEvents
    })
    app.decorate('deployEvents', deployEvents)
  }

  app.decorate('monitorTargets', { set: (next: readonly EnvironmentTarget[]) => { monitor.setTargets(next) } })

  // Other plugins (the prober) may have registered the scheduler already.
  if (!app.hasDecorator('scheduler')) await app.register(fastifySchedule)
  const onTaskError = (err: Error): void => { log.error({ err }, 'monitor task failed') }
  const cycleJob = new SimpleIntervalJob(
    { milliseconds: intervalMs, runImmediately: true },
    new AsyncTask('monitor-cycle', async () => { await monitor.runOnce() }, onTaskError),
    { id: 'monitor-cycle', preventOverrun: true }
  )
  const watchdogJob = new SimpleIntervalJob(
    { milliseconds: intervalMs },
    new Task('monitor-watchdog', () => { monitor.checkStaleness() }, onTaskError),
    { id: 'monitor-watchdog' }
  )

  // Cycles start once the app is ready, so the first one never races plugin registration, and one
  // turn of the event loop later, so `listen` (which follows ready) opens the port before the first
  // cycle's checks compete with the first /health request for the CPU.
  let starting: NodeJS.Immediate | undefined
  app.addHook('onReady', async () => {
    starting = setImmediate(() => {
      starting = undefined
      incidents.start()
      app.scheduler.addSimpleIntervalJob(cycleJob)
      app.scheduler.addSimpleIntervalJob(watchdogJob)
    })
  })
  app.addHook('onClose', async () => {
    if (starting !== undefined) clearImmediate(starting)
    cycleJob.stop()
    watchdogJob.stop()
    await deployEvents?.close()
    await monitor.close()
    await incidents.close()
  })
}

/** Railway's API for automatic rollbacks, with RAILWAY_API_TOKEN or RAILWAY_TOKEN; none otherwise. */
async function railwayClient (app: FastifyInstance): Promise<RailwayApi | undefined> {
  const { config, redact, metrics } = app.vigil
  const { token, tokenKind, apiUrl, projectId } = config.railway
  if (token === undefined || tokenKind === undefined) return undefined
  const { createRailwayClient } = await import('../railway/client.js')
  return createRailwayClient({ apiUrl, token, tokenKind, projectId, redact, metrics })
}

export default fp(monitorPlugin, { name: 'vigil-monitor', fastify: '5.x' })
