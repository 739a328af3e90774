import type { Metrics } from '../metrics/create-metrics.js'
import type { CheckResult, DeployEventNote, DeployNote, EnvironmentTarget, IncidentIntake } from '../monitor/types.js'
import { unjudgedResult } from '../monitor/unjudged-result.js'
import { DEFAULT_VERIFY_ATTEMPTS, DEFAULT_VERIFY_DELAY_MS, verifyUntilHealthy, type VerifyOutcome } from '../monitor/verify.js'
import type { Redactor } from '../redact.js'
import { silentLog, type IncidentLog } from '../structured-log.js'
import { createEventGate, type EventGate } from './event-gate.js'
import { refOfTarget } from './incident-context.js'
import { matchTargets } from './match-targets.js'
import type { RailwayApi } from './types.js'
import type { DeployEvent } from './webhook-payload.js'

/** Event types that mean the deployment stopped serving or never did: the environment is checked at once. */
export const FAILURE_TYPES: ReadonlySet<string> = new Set(['Deployment.failed', 'Deployment.crashed', 'Deployment.oom_killed'])
/** The event that starts a post-deploy verification. */
export const DEPLOYED_TYPE = 'Deployment.deployed'

/** How long after a rollback request a deployment of that environment is taken for the rolled-back one. */
export const ROLLBACK_WINDOW_MS = 30 * 60_000

export interface DeployEventsOptions {
  readonly targets: readonly EnvironmentTarget[]
  /** The monitor's out-of-schedule check (monitor/create-monitor.ts `checkNow`). */
  readonly checkNow: (environment: string, signal?: AbortSignal, options?: { attempts?: number }) => Promise<CheckResult | undefined>
  /** Where results go for incident decisions; none: they are only shown. */
  readonly intake: IncidentIntake | undefined
  readonly metrics: Pick<Metrics, 'verifications' | 'deployToHealthy'>
  readonly redact: Redactor
  readonly log?: IncidentLog
  /** Railway's API, for the automatic rollback; without it `auto_rollback` says it could not. */
  readonly railway?: RailwayApi | undefined
  readonly verify?: typeof verifyUntilHealthy
  readonly gate?: EventGate
  /** Wall clock in ms (deploy-to-healthy is measured from Railway's timestamp). */
  readonly now?: () => number
}

export interface DeployEvents {
  /** Takes an event from the webhook; returns at once, never throws; the work runs in the background. */
  receive: (event: DeployEvent) => void
  /** Resolves when no work is under way (tests, benchmarks). */
  idle: () => Promise<void>
  /** Replaces the environments events are matched to (discovery refresh); work under way goes on. */
  setTargets: (targets: readonly EnvironmentTarget[]) => void
  /** Stops verifications under way and waits for them. */
  close: () => Promise<void>
}

const noteOf = (event: DeployEvent): DeployEventNote => ({
  type: event.type,
  deploymentId: event.deploymentId,
  timestamp: event.timestamp,
  ...(event.status === undefined ? {} : { status: event.status }),
  ...(event.service.name ?? event.service.id) === undefined ? {} : { service: event.service.name ?? event.service.id },
  ...(event.branch === undefined ? {} : { branch: event.branch }),
  ...(event.commitHash === undefined ? {} : { commitHash: event.commitHash }),
  ...(event.commitAuthor === undefined ? {} : { commitAuthor: event.commitAuthor }),
  ...(event.commitMessage === undefined ? {} : { commitMessage: event.commitMessage })
})

const verificationOf = (outcome: VerifyOutcome, of: 'deployment' | 'rollback', delayMs: number): NonNullable<DeployNote['verification']> => ({
  of,
  healthy: outcome.healthy,
  delayMs,
  attempts: outcome.results.map((r) => ({ checkedAt: r.checkedAt.toISOString(), status: r.status, httpStatus: r.httpStatus, responseTimeMs: r.responseTimeMs, failures: [...r.failures] }))
})

/** Stand-in result of a try cut short by an abort; verifyUntilHealthy drops it unseen. */
const abortedCheck = (environment: string): CheckResult => unjudgedResult({ name: environment, displayUrl: '' }, 'check aborted')

/**
 * What Railway's deploy events set off (docs/railway.md): failed, crashed and OOM-killed
 * deployments get their environment checked at once, and the result goes to the incident side
 * with the event; a successful deployment is verified (re-checked until healthy, up to
 * `verify_attempts` × `verify_delay`) and a verification that never passes goes there with every
 * try — after one automatic rollback when `auto_rollback` is on. Deliveries pass the event gate
 * first (duplicates and stale events are dropped). A newer deployment of an environment
 * supersedes the verification under way; after a rollback, no other rollback of that environment
 * happens until one of its verifications passes, so a rollback never loops.
 */
export function createDeployEvents (options: DeployEventsOptions): DeployEvents {
  const { checkNow, metrics, redact } = options
  let targets = options.targets
  const log = options.log ?? silentLog
  const verify = options.verify ?? verifyUntilHealthy
  const gate = options.gate ?? createEventGate()
  const now = options.now ?? Date.now
  const shutdown = new AbortController()
  const running = new Set<Promise<void>>()
  const verifying = new Map<string, AbortController>()
  // Environments whose automatic rollback was used and not yet re-armed by a passing verification.
  const disarmed = new Set<string>()
  // Environments with a rollback requested, and when: their next deployment is the rolled-back one.
  const rollingBack = new Map<string, number>()

  const submit = (result: CheckResult): void => { options.intake?.submit([result], new Date(now())) }

  const track = (work: Promise<void>, about: object): void => {
    const done = work.catch((err: unknown) => {
      log.error({ module: 'railway', ...about, err: redact(err instanceof Error ? err.message : String(err)) }, 'handling a Railway deploy event failed')
    }).finally(() => { running.delete(done) })
    running.add(done)
  }

  async function onFailure (target: EnvironmentTarget, event: DeployEvent): Promise<void> {
    // Railway has said the deployment failed: one try tells whether users are affected, in seconds
    // (the environment's own retries are for doubt, and there is none left to resolve here).
    const result = await checkNow(target.name, shutdown.signal, { attempts: 1 })
    if (result === undefined) return
    log.warn({ module: 'railway', environment: target.name, type: event.type, deployment: event.deploymentId, status: result.status }, `Railway reported ${event.type} for ${target.name}; checked it now: ${result.status}`)
    submit({ ...result, deploy: { event: noteOf(event) } })
  }

  async function rollBack (target: EnvironmentTarget, event: DeployEvent): Promise<NonNullable<DeployNote['rollback']>> {
    const railway = options.railway
    if (railway === undefined) return { outcome: 'unavailable', reason: 'auto_rollback is on but no Railway API token is configured' }
    disarmed.add(target.name)
    const ref = refOfTarget(target)
    try {
      const context = await railway.deploymentContext({
        environment: event.environment.id ?? ref.environment,
        ...(event.service.id ?? ref.service) === undefined ? {} : { service: event.service.id ?? ref.service },
        ...(event.projectId ?? ref.projectId) === undefined ? {} : { projectId: event.projectId ?? ref.projectId }
      })
      const to = context?.rollback?.deployment
      if (to === undefined) return { outcome: 'unavailable', reason: 'Railway names no earlier deployment that can be rolled back to' }
      if (to.id === event.deploymentId) return { outcome: 'unavailable', reason: 'the deployment to roll back to is the one that failed' }
      await railway.rollback(to.id)
      rollingBack.set(target.name, now())
      log.warn({ module: 'railway', environment: target.name, deployment: event.deploymentId, rollback_to: to.id }, `rolled ${target.name} back to deployment ${to.id}`)
      return { outcome: 'requested', toDeploymentId: to.id }
    } catch (err) {
      const reason = redact(err instanceof Error ? err.message : String(err))
      log.error({ module: 'railway', environment: target.name, deployment: event.deploymentId, err: reason }, 'automatic rollback failed')
      return { outcome: 'failed', reason }
    }
  }

  async function verifyDeployment (target: EnvironmentTarget, event: DeployEvent, of: 'deployment' | 'rollback', rollback?: DeployNote['rollback']): Promise<void> {
    verifying.get(target.name)?.abort()
    const controller = new AbortController()
    verifying.set(target.name, controller)
    const signal = AbortSignal.any([controller.signal, shutdown.signal])
    const attempts = target.verifyAttempts ?? DEFAULT_VERIFY_ATTEMPTS
    const delayMs = target.verifyDelayMs ?? DEFAULT_VERIFY_DELAY_MS
    try {
      log.info({ module: 'railway', environment: target.name, deployment: event.deploymentId, of, attempts, delay_ms: delayMs }, `verifying the ${of === 'rollback' ? 'rolled-back ' : 'new '}deployment of ${target.name}`)
      const outcome = await verify(async () => (await checkNow(target.name, signal)) ?? abortedCheck(target.name), { attempts, delayMs, signal })
      if (outcome.aborted || signal.aborted) {
        log.info({ module: 'railway', environment: target.name, deployment: event.deploymentId }, 'verification superseded by a newer deployment (or shutdown)')
        return
      }
      const last = outcome.results.at(-1)
      if (last === undefined) return
      metrics.verifications.inc({ result: outcome.healthy ? 'healthy' : 'failed' })
      const verification = verificationOf(outcome, of, delayMs)
      if (outcome.healthy) {
        if (of === 'deployment') metrics.deployToHealthy.observe(Math.max(0, now() - event.timeMs) / 1000)
        disarmed.delete(target.name)
        log.info({ module: 'railway', environment: target.name, deployment: event.deploymentId, tries: outcome.attempts }, `the deployment of ${target.name} verified healthy`)
        submit({ ...last, deploy: { event: noteOf(event), verification, ...(rollback === undefined ? {} : { rollback }) } })
        return
      }
      log.warn({ module: 'railway', environment: target.name, deployment: event.deploymentId, tries: outcome.attempts }, `the deployment of ${target.name} never verified healthy`)
      const rolled = of === 'deployment' && target.autoRollback === true && !disarmed.has(target.name) ? await rollBack(target, event) : rollback
      // The rolled-back deployment is verified when Railway reports it deployed (onDeployed, within
      // ROLLBACK_WINDOW_MS): checking now would judge the failed deployment Railway is still replacing.
      submit({ ...last, deploy: { event: noteOf(event), verification, ...(rolled === undefined ? {} : { rollback: rolled }) } })
    } finally {
      if (verifying.get(target.name) === controller) verifying.delete(target.name)
    }
  }

  function onDeployed (target: EnvironmentTarget, event: DeployEvent): Promise<void> {
    // The deployment that follows a rollback request is the rolled-back one: verified, never rolled back.
    const requestedAt = rollingBack.get(target.name)
    rollingBack.delete(target.name)
    const of = requestedAt !== undefined && now() - requestedAt < ROLLBACK_WINDOW_MS ? 'rollback' : 'deployment'
    return verifyDeployment(target, event, of)
  }

  return {
    setTargets (next) { targets = next },
    receive (event) {
      if (shutdown.signal.aborted) return
      const verdict = gate.admit(event)
      const about = { module: 'railway', type: event.type, deployment: event.deploymentId }
      if (verdict !== 'new') {
        log.info({ ...about, verdict }, verdict === 'duplicate' ? 'Railway event already handled (a retried delivery)' : 'Railway event older than the newest of its service: ignored')
        return
      }
      const matched = matchTargets(targets, event)
      if (matched.length === 0) {
        log.info({ ...about, railway_environment: event.environment.name ?? event.environment.id, railway_service: event.service.name ?? event.service.id }, 'Railway event for no monitored environment: ignored')
        return
      }
      for (const target of matched) {
        if (FAILURE_TYPES.has(event.type)) track(onFailure(target, event), { ...about, environment: target.name })
        else if (event.type === DEPLOYED_TYPE && (event.status ?? 'SUCCESS') === 'SUCCESS') track(onDeployed(target, event), { ...about, environment: target.name })
      }
    },
    async idle () {
      while (running.size > 0) await Promise.all(running)
    },
    async close () {
      shutdown.abort()
      while (running.size > 0) await Promise.all(running)
    }
  }
}
