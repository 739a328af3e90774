/**
 * The AI providers Vigil can probe: the variable that enables each, its public API root, and the
 * path suffixes the providers' own SDKs put on a base URL (`https://api.openai.com/v1`). Either
 * form is accepted in `<PROVIDER>_BASE_URL`; the suffix is taken off, since the probe's paths
 * (src/probes/ai-provider-table.ts) start from the root.
 */
export const AI_PROVIDERS = [
  { name: 'openai', keyVar: 'OPENAI_API_KEY', baseUrlVar: 'OPENAI_BASE_URL', defaultBaseUrl: 'https://api.openai.com', sdkSuffixes: ['/v1'] },
  { name: 'anthropic', keyVar: 'ANTHROPIC_API_KEY', baseUrlVar: 'ANTHROPIC_BASE_URL', defaultBaseUrl: 'https://api.anthropic.com', sdkSuffixes: ['/v1'] },
  { name: 'google', keyVar: 'GOOGLE_API_KEY', baseUrlVar: 'GOOGLE_BASE_URL', defaultBaseUrl: 'https://generativelanguage.googleapis.com', sdkSuffixes: ['/v1beta'] },
  { name: 'groq', keyVar: 'GROQ_API_KEY', baseUrlVar: 'GROQ_BASE_URL', defaultBaseUrl: 'https://api.groq.com', sdkSuffixes: ['/openai/v1', '/openai'] },
  { name: 'openrouter', keyVar: 'OPENROUTER_API_KEY', baseUrlVar: 'OPENROUTER_BASE_URL', defaultBaseUrl: 'https://openrouter.ai', sdkSuffixes: ['/api/v1', '/api'] }
] as const

export type AiProviderName = typeof AI_PROVIDERS[number]['name']

/** The API root of a base URL given in either form: trailing slashes and the SDK suffix removed. */
export function apiRoot (baseUrl: string, sdkSuffixes: readonly string[]): string {
  const trimmed = baseUrl.replace(/\/+$/, '')
  const suffix = sdkSuffixes.find((s) => trimmed.toLowerCase().endsWith(s))
  return suffix === undefined ? trimmed : trimmed.slice(0, -suffix.length)
}
