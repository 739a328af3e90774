import { redactUrl } from '../../src/redact.js'
import type { EnvironmentTarget } from '../../src/monitor/types.js'

/** A target with fast test settings; override what the test is about. */
export function testTarget (url: string, overrides: Partial<EnvironmentTarget> = {}): EnvironmentTarget {
  return {
    name: 'staging',
    url,
    displayUrl: redactUrl(url),
    healthPath: '/health',
    labels: [],
    timeoutMs: 2000,
    attempts: 1,
    retryDelayMs: 10,
    maxResponseTimeMs: 1000,
    tlsMinDays: 14,
    checks: [],
    ...overrides
  }
}
