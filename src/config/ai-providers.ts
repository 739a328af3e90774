/** The AI providers Vigil can probe: the variable that enables each and its public API root. */
export const AI_PROVIDERS = [
  { name: 'openai', keyVar: 'OPENAI_API_KEY', baseUrlVar: 'OPENAI_BASE_URL', defaultBaseUrl: 'https://api.openai.com' },
  { name: 'anthropic', keyVar: 'ANTHROPIC_API_KEY', baseUrlVar: 'ANTHROPIC_BASE_URL', defaultBaseUrl: 'https://api.anthropic.com' },
  { name: 'google', keyVar: 'GOOGLE_API_KEY', baseUrlVar: 'GOOGLE_BASE_URL', defaultBaseUrl: 'https://generativelanguage.googleapis.com' },
  { name: 'groq', keyVar: 'GROQ_API_KEY', baseUrlVar: 'GROQ_BASE_URL', defaultBaseUrl: 'https://api.groq.com' },
  { name: 'openrouter', keyVar: 'OPENROUTER_API_KEY', baseUrlVar: 'OPENROUTER_BASE_URL', defaultBaseUrl: 'https://openrouter.ai' }
] as const

export type AiProviderName = typeof AI_PROVIDERS[number]['name']
