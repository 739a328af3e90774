import closeWithGrace from 'close-with-grace'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import type { Config } from './config/config.js'
import { loadConfig } from './config/load-config.js'
import { ConfigError } from './errors.js'
import { createRedactor } from './redact.js'
import type { ErrorReporter } from './sentry.js'

type Env = Record<string, string | undefined>

/** Extra wiring a caller adds before the server listens (test fixtures add slow routes). */
export type ExtendApp = (app: FastifyInstance) => void | Promise<void>

function configOrExit (env: Env): Config {
  try {
    return loadConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`vigil: invalid configuration, not starting\n${error.problems.join('\n')}\n`)
    process.exit(1)
  }
}

/**
 * The process around the app: validates configuration (exit 1 on any problem, before the port
 * opens), initialises Sentry before Fastify loads, listens, and shuts down gracefully on SIGTERM,
 * SIGINT or a fatal error. Resolves with the listening app.
 */
export async function startServer (env: Env, extend?: ExtendApp): Promise<FastifyInstance> {
  const config = configOrExit(env)
  const redact = createRedactor(config.secrets)
  let errorReporter: ErrorReporter | undefined
  if (config.sentry !== undefined) {
    const { initSentry } = await import('./sentry.js')
    errorReporter = await initSentry(config.sentry, redact)
  }
  // Imported only now, so that Sentry (when on) is initialised before Fastify loads.
  const { buildApp } = await import('./app.js')
  const app = await buildApp(config, { redact, errorReporter })
  await extend?.(app)
  const { lifecycle } = app.vigil

  closeWithGrace({
    delay: config.shutdownDelayMs + config.shutdownTimeoutMs,
    logger: false,
    onTimeout: (delay) => {
      app.log.fatal({ pending: lifecycle.pendingShutdownSteps(), delay_ms: delay },
        `shutdown did not finish within ${delay} ms; still waiting on: ${lifecycle.pendingShutdownSteps().join('; ') || 'unknown'}`)
    }
  }, async ({ signal, err }) => {
    if (err !== undefined) {
      app.log.fatal({ err }, 'uncaught error, shutting down')
      errorReporter?.captureException(err)
    } else {
      app.log.info({ signal, shutdown_delay_ms: config.shutdownDelayMs }, 'shutting down: readiness now fails')
    }
    lifecycle.startDraining()
    const delayDone = lifecycle.trackShutdownStep('SHUTDOWN_DELAY')
    await sleep(config.shutdownDelayMs)
    delayDone()
    const closeDone = lifecycle.trackShutdownStep(`closing the server (in-flight requests on ${app.vigil.activeConnections()} connections)`)
    await app.close()
    closeDone()
    await errorReporter?.flush(2000)
    app.log.info('shut down cleanly')
  })

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    // Like a configuration problem: one line saying what to change, no stack.
    process.stderr.write(`vigil: ${describeListenError(error, config.host, config.port)}, not starting\n`)
    process.exit(1)
  }
  return app
}

const LISTEN_PROBLEMS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use (EADDRINUSE): stop what holds it or set PORT to a free port',
  EACCES: 'permission denied (EACCES): ports below 1024 need privileges; set PORT to 1024 or above',
  EADDRNOTAVAIL: 'the address is not one of this machine\'s (EADDRNOTAVAIL): set HOST to 0.0.0.0, :: or an address the machine has',
  ENOTFOUND: 'the host name does not resolve (ENOTFOUND): set HOST to 0.0.0.0, :: or a name the machine resolves',
  EAI_AGAIN: 'the host name could not be resolved now (EAI_AGAIN): set HOST to an address rather than a name',
  EAFNOSUPPORT: 'the address family is not supported here (EAFNOSUPPORT): IPv6 may be off; set HOST to 0.0.0.0'
}

/**
 * One line for a failure to listen (Node's `listen` and `getaddrinfo` error codes, e.g.
 * `EADDRINUSE`): `cannot listen on 127.0.0.1:3000: the port is already in use (EADDRINUSE): …`.
 */
export function describeListenError (error: unknown, host: string, port: number): string {
  const code = (error as { code?: unknown } | null)?.code
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
  const known = typeof code === 'string' ? LISTEN_PROBLEMS[code] : undefined
  const problem = known ?? (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')
  return `cannot listen on ${where}: ${problem}`
}
