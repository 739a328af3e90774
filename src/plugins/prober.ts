import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createProbes } from '../probes/create-probes.js'
import type { Probe } from '../probes/probe.js'
import { createProber } from '../probes/prober.js'

export interface ProberPluginOptions {
  /** Replaces the probes built from the configuration (tests). */
  readonly probes?: readonly Probe[]
}

const STARTUP_TASK = 'probes'

/** Registers the configured components and probes them in the background from onReady to onClose. */
async function proberPlugin (app: FastifyInstance, options: ProberPluginOptions): Promise<void> {
  const { config, components, lifecycle, metrics, redact, errorReporter } = app.vigil
  const probes = options.probes ?? await createProbes(config)
  for (const probe of probes) components.register({ name: probe.name, group: probe.group, required: probe.required })
  const prober = createProber({
    probes,
    registry: components,
    metrics,
    redact,
    intervalMs: config.probeIntervalMs,
    timeoutMs: config.probeTimeoutMs,
    log: app.log.child({ module: 'prober' }),
    errorReporter
  })

  lifecycle.beginStartupTask(STARTUP_TASK)
  app.addHook('onReady', async () => {
    // Not awaited: the port opens at once, readiness waits for the first round instead.
    void prober.start().finally(() => { lifecycle.finishStartupTask(STARTUP_TASK) })
  })
  app.addHook('onClose', async () => {
    const done = lifecycle.trackShutdownStep(STARTUP_TASK)
    await prober.close()
    done()
  })
}

export default fp(proberPlugin, { name: 'vigil-prober', fastify: '5.x' })
