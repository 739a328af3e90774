import { TLSSocket } from 'node:tls'
import { buildConnector, Client, EnvHttpProxyAgent, interceptors, type Dispatcher } from 'undici'
import { inspectTls, TlsProblemsError, type TlsObservation } from './tls-inspection.js'
import type { EnvironmentTarget } from './types.js'

/** A dispatcher for one check, and what TLS showed per origin (the first connection's view). */
export interface CheckDispatcher {
  readonly dispatcher: Dispatcher
  /** The first TLS observation of `origin` (`https://host:port`), if a connection was made. */
  readonly tlsOf: (origin: string) => TlsObservation | undefined
  readonly close: () => Promise<void>
}

const NO_PROXY = { httpProxy: '', httpsProxy: '', noProxy: '' }

/** The certificates of a PEM bundle, one string each (Node reads only the first of a single string). */
export function splitPem (pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
}

/**
 * Builds the dispatcher of one check: the environment's proxies (HTTP_PROXY family or its own
 * `proxy`, through undici's EnvHttpProxyAgent), its CA, redirects, and a TLS inspection on every
 * connection. Connections always complete the handshake unverified; Vigil then verifies them
 * itself so that it can name every problem and still read the certificate when verification is off.
 */
export function createCheckDispatcher (target: EnvironmentTarget, now: () => Date): CheckDispatcher {
  const observations = new Map<string, TlsObservation>()
  const verify = target.tlsSkipVerify !== true
  const tls = {
    rejectUnauthorized: false,
    timeout: target.timeoutMs,
    ...(target.ca === undefined ? {} : { ca: splitPem(target.ca) })
  }
  const inspecting = (origin: string, connect: buildConnector.connector): buildConnector.connector =>
    (options, callback) => {
      connect(options, (...args) => {
        const [error, socket] = args
        if (error !== null || !(socket instanceof TLSSocket)) { callback(...args); return }
        const observation = inspectTls(socket, options.servername ?? options.hostname, now())
        if (!observations.has(origin)) observations.set(origin, observation)
        if (verify && observation.problems.length > 0) {
          socket.destroy()
          callback(new TlsProblemsError(observation.problems), null)
          return
        }
        callback(null, socket)
      })
    }
  // Both the direct Agent and the ProxyAgents make their per-origin clients through this factory:
  // the one place every target connection (tunnelled or not) can be seen.
  const factory = (origin: string | URL, options: object): Dispatcher => {
    const { connect } = options as { connect?: buildConnector.connector | buildConnector.BuildOptions }
    const connector = typeof connect === 'function' ? connect : buildConnector({ ...connect, ...tls })
    return new Client(origin, { ...options, pipelining: 1, connect: inspecting(new URL(origin).origin, connector) })
  }
  const agent = new EnvHttpProxyAgent({
    ...(target.proxy ?? NO_PROXY),
    factory,
    connect: tls,
    requestTls: tls,
    keepAliveTimeout: 1000
  } as EnvHttpProxyAgent.Options)
  const redirects = target.maxRedirects ?? 0
  const dispatcher = redirects > 0 ? agent.compose(interceptors.redirect({ maxRedirections: redirects })) : agent
  return {
    dispatcher,
    tlsOf: (origin) => observations.get(origin),
    close: async () => { await agent.destroy() }
  }
}
