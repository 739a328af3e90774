import type { AiProviderName } from '../config/ai-providers.js'

/** How each provider's cheapest authenticated endpoint is called. */
export interface AiProviderEndpoint {
  readonly path: string
  /** Request headers carrying the key; the key never goes into the URL. */
  readonly headers: (apiKey: string) => Record<string, string>
}

const bearer = (apiKey: string): Record<string, string> => ({ authorization: `Bearer ${apiKey}` })

/** One entry per provider; the probe code is shared. */
export const AI_PROVIDER_ENDPOINTS: Readonly<Record<AiProviderName, AiProviderEndpoint>> = {
  openai: { path: '/v1/models', headers: bearer },
  anthropic: { path: '/v1/models', headers: (apiKey) => ({ 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' }) },
  google: { path: '/v1beta/models', headers: (apiKey) => ({ 'x-goog-api-key': apiKey }) },
  groq: { path: '/openai/v1/models', headers: bearer },
  openrouter: { path: '/api/v1/key', headers: bearer }
}
