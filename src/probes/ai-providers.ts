import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici'
import type { ProxySettings } from '../monitor/types.js'
import type { AiProviderConfig } from '../config/config.js'
import { AI_PROVIDER_ENDPOINTS } from './ai-provider-table.js'
import { errorInfo, networkFailure, type Probe, type ProbeOutcome } from './probe.js'

export interface AiProviderProbeOptions {
  readonly provider: AiProviderConfig
  readonly timeoutMs: number
  readonly required: boolean
  /** Defaults to a keep-alive Agent of the probe's own, closed with the probe. */
  readonly dispatcher?: Dispatcher
  /** HTTP_PROXY, HTTPS_PROXY and NO_PROXY as configured; no proxy when absent. */
  readonly proxy?: ProxySettings
}

const NO_PROXY: ProxySettings = { httpProxy: '', httpsProxy: '', noProxy: '' }

/**
 * A keep-alive agent whose connect and header waits are bounded by the probe timeout, going
 * through the configured proxies (undici's EnvHttpProxyAgent, given the values from the config).
 */
export function createProbeAgent (timeoutMs: number, proxy: ProxySettings = NO_PROXY): Dispatcher {
  return new EnvHttpProxyAgent({ ...proxy, keepAliveTimeout: 60_000, connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connections: 2 })
}

/** The status an HTTP answer from a provider maps to. */
export function classifyAiResponse (statusCode: number): ProbeOutcome {
  if (statusCode >= 200 && statusCode < 300) return { status: 'healthy' }
  if (statusCode === 401 || statusCode === 403) return { status: 'unhealthy', error: `API key rejected (HTTP ${statusCode})` }
  if (statusCode === 429) return { status: 'degraded', error: 'rate limited (HTTP 429)' }
  if (statusCode >= 500) return { status: 'unhealthy', error: `provider error (HTTP ${statusCode})` }
  return { status: 'unhealthy', error: `unexpected answer (HTTP ${statusCode})` }
}

function classifyAiError (error: unknown, timeoutMs: number): string {
  const { message, code } = errorInfo(error)
  if (code === 'UND_ERR_ABORTED' || /abort|timeout/i.test(message) || code?.includes('TIMEOUT') === true) return `timeout: no answer within ${timeoutMs} ms`
  if (code?.startsWith('ERR_TLS') === true || /certificate|SSL/i.test(message)) return `TLS failure: ${message}`
  return networkFailure(code, message) ?? message
}

/** One AI provider, named after it and grouped under `ai_providers`. */
export function createAiProviderProbe (options: AiProviderProbeOptions) {
  const { provider, timeoutMs } = options
  const endpoint = AI_PROVIDER_ENDPOINTS[provider.name]
  const ownAgent = options.dispatcher === undefined ? createProbeAgent(timeoutMs, options.proxy) : undefined
  const dispatcher = options.dispatcher ?? ownAgent!
  const url = `${provider.baseUrl}${endpoint.path}`

  async function check (signal: AbortSignal): Promise<ProbeOutcome> {
    try {
      const response = await request(url, { method: 'GET', headers: endpoint.headers(provider.apiKey), dispatcher, signal })
      // The body is not needed; reading it to the end lets the connection be reused.
      await response.body.dump({ limit: 1_048_576, signal })
      return classifyAiResponse(response.statusCode)
    } catch (error) {
      return { status: 'unhealthy', error: classifyAiError(error, timeoutMs) }
    }
  }

  return {
    name: provider.name,
    kind: 'ai_provider',
    group: 'ai_providers',
    required: options.required,
    check,
    close: async () => { await ownAgent?.close() }
  } satisfies Probe
}
