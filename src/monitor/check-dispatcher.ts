import { once } from 'node:events'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect as netConnect, isIP, type Socket } from 'node:net'
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls'
import { inspectTls, TlsProblemsError, type TlsObservation } from './tls-inspection.js'
import type { EnvironmentTarget, ProxySettings } from './types.js'

/**
 * Opens the connections of one check: each a fresh one (no pool, no keep-alive), through the
 * environment's proxy if any, with the TLS of every connection inspected before it is used.
 */
export interface CheckConnector {
  /**
   * A connected socket to `url`'s origin: plain for http, a TLS socket whose handshake is done and
   * verified for https. Rejects with the socket's error, a `TlsProblemsError`, a `ProxyRefusedError`,
   * a `ProxyFailedError`, or the signal's reason when it aborts.
   */
  readonly connect: (url: URL, signal: AbortSignal) => Promise<Socket>
  /** The first TLS observation of `origin` (`https://host:port`), if a connection was made. */
  readonly tlsOf: (origin: string) => TlsObservation | undefined
  /** Destroys every connection of the check still open. */
  readonly close: () => void
}

/** A proxy that did not open the tunnel: its HTTP status. */
export class ProxyRefusedError extends Error {
  readonly code = 'VIGIL_PROXY_REFUSED'
  constructor (readonly proxyStatus: number) {
    super(`proxy answered HTTP ${proxyStatus}`)
    this.name = 'ProxyRefusedError'
  }
}

/**
 * The proxy itself failed before a tunnel opened: no connection to it, no HTTP answer, the
 * connection closed, or an ordinary answer (a 2xx with a body) where a tunnel was asked for — most
 * likely `proxy` names something that is not a forward proxy. `cause` is the socket's error.
 */
export class ProxyFailedError extends Error {
  readonly code = 'VIGIL_PROXY_FAILED'
  constructor (readonly proxyHost: string, readonly ordinaryAnswer: number | undefined, options: { cause?: unknown } = {}) {
    super(ordinaryAnswer === undefined ? `proxy ${proxyHost} failed` : `proxy ${proxyHost} answered CONNECT with HTTP ${ordinaryAnswer} and a body`, options)
    this.name = 'ProxyFailedError'
  }
}

/** The certificates of a PEM bundle, one string each (Node reads only the first of a single string). */
export function splitPem (pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 }

/** `url`'s host name without IPv6 brackets, and its port (the scheme's default when absent). */
function endpointOf (url: URL): { host: string, port: number } {
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || (DEFAULT_PORTS[url.protocol] ?? 80) }
}

/**
 * The proxy for `url` under `settings`, or undefined for a direct connection. The rules of curl
 * and of the HTTP client Vigil used before: https falls back to the http proxy; NO_PROXY is a list
 * split on commas and spaces, `*` bypasses every host, an entry matches its host and that host's
 * subdomains (a leading `.` or `*.` is ignored), and `host:port` matches that port only.
 */
export function proxyFor (url: URL, settings: ProxySettings | undefined): URL | undefined {
  if (settings === undefined) return undefined
  const proxy = url.protocol === 'https:' ? (settings.httpsProxy === '' ? settings.httpProxy : settings.httpsProxy) : settings.httpProxy
  if (proxy === '') return undefined
  const noProxy = settings.noProxy.trim()
  if (noProxy === '*') return undefined
  const host = url.hostname.toLowerCase()
  const { port } = endpointOf(url)
  for (const entry of noProxy.split(/[,\s]/)) {
    if (entry === '') continue
    const parsed = /^(.+):(\d+)$/.exec(entry)
    const name = (parsed?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase()
    if (parsed !== null && Number(parsed[2]) !== port) continue
    if (host === name || host.endsWith(`.${name}`)) return undefined
  }
  return new URL(proxy)
}

/** Resolves when `socket` emits `event`; on error or abort destroys it and rejects. */
async function ready (socket: Socket, event: string, signal: AbortSignal): Promise<void> {
  try {
    await once(socket, event, { signal })
  } catch (error) {
    socket.destroy()
    throw signal.aborted ? signal.reason : error
  }
}

/** Opens a CONNECT tunnel to `host:port` through `proxy` (Node parses the proxy's answer). */
async function tunnel (proxy: URL, host: string, port: number, signal: AbortSignal, track: (socket: Socket) => void): Promise<Socket> {
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`
  const authorization = proxy.username === '' && proxy.password === ''
    ? {}
    : { 'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` }
  const request = (proxy.protocol === 'https:' ? httpsRequest : httpRequest)({
    ...endpointOf(proxy),
    method: 'CONNECT',
    path: authority,
    headers: { host: authority, ...authorization },
    agent: false,
    signal
  })
  request.on('socket', track)
  request.end()
  // A 2xx opens the tunnel ('connect'); any other answer is an ordinary 'response'.
  const socket = await new Promise<Socket>((resolve, reject) => {
    const fail = (error: unknown): void => { request.destroy(); reject(signal.aborted ? signal.reason : error) }
    // Errors before a tunnel are the proxy's own (closed, refused, not HTTP), not the target's.
    request.once('error', (error) => { fail(new ProxyFailedError(proxy.hostname, undefined, { cause: error })) })
    request.once('response', (answer: IncomingMessage) => { answer.destroy(); fail(new ProxyRefusedError(answer.statusCode ?? 0)) })
    request.once('connect', (answer: IncomingMessage, connected: Socket, head: Buffer) => {
      track(connected)
      const status = answer.statusCode ?? 0
      if (status < 200 || status > 299) { connected.destroy(); fail(new ProxyRefusedError(status)); return }
      // A tunnel's 2xx has no body (RFC 9110, 9.3.6): one with a body is an ordinary answer.
      const length = Number(answer.headers['content-length'] ?? 0)
      if (answer.headers['transfer-encoding'] !== undefined || length > 0) { connected.destroy(); fail(new ProxyFailedError(proxy.hostname, status)); return }
      if (head.length > 0) connected.unshift(head)
      resolve(connected)
    })
  })
  return socket
}

/**
 * Builds the connector of one check: the environment's proxy (its own `proxy` or the HTTP_PROXY
 * family, CONNECT tunnels for every target), its CA, and a TLS inspection on every connection.
 * Connections always complete the handshake unverified; Vigil then verifies them itself (before
 * a byte of the request is sent) so that it can name every problem and still read the
 * certificate when verification is off (`tls_skip_verify`).
 */
export function createCheckConnector (target: EnvironmentTarget, now: () => Date): CheckConnector {
  const observations = new Map<string, TlsObservation>()
  const verify = target.tlsSkipVerify !== true
  const open = new Set<Socket>()
  let context: SecureContext | undefined
  const track = (socket: Socket): void => {
    if (open.has(socket)) return
    open.add(socket)
    // Errors reach whoever waits on the socket; this keeps a late one from being unhandled.
    socket.on('error', () => {})
    socket.once('close', () => { open.delete(socket) })
  }

  const connect = async (url: URL, signal: AbortSignal): Promise<Socket> => {
    signal.throwIfAborted()
    const { host, port } = endpointOf(url)
    const proxy = proxyFor(url, target.proxy)
    let socket: Socket
    if (proxy === undefined) {
      socket = netConnect({ host, port })
      track(socket)
      await ready(socket, 'connect', signal)
    } else {
      socket = await tunnel(proxy, host, port, signal, track)
    }
    if (url.protocol !== 'https:') return socket

    context ??= createSecureContext(target.ca === undefined ? {} : { ca: splitPem(target.ca) })
    const secure: TLSSocket = tlsConnect({
      socket,
      secureContext: context,
      rejectUnauthorized: false,
      // A host name only: Node refuses an IP address as SNI.
      ...(isIP(host) === 0 ? { servername: host } : {})
    })
    track(secure)
    await ready(secure, 'secureConnect', signal)
    const observation = inspectTls(secure, host, now())
    if (!observations.has(url.origin)) observations.set(url.origin, observation)
    if (verify && observation.problems.length > 0) {
      secure.destroy()
      throw new TlsProblemsError(observation.problems)
    }
    return secure
  }

  return {
    connect,
    tlsOf: (origin) => observations.get(origin),
    close: () => { for (const socket of open) socket.destroy() }
  }
}
