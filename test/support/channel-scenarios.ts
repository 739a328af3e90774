import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Config } from '../../src/config/config.js'
import type { GithubStandIn } from './github-stand-in.js'
import { standInConfig } from './incident-harness.js'
import type { PagerdutyStandIn } from './pagerduty-stand-in.js'
import type { WebhookReceiver } from './webhook-receiver.js'

/** The webhook signing secret planted in channel scenarios: it must never leave the process. */
export const PLANTED_HOOK_SECRET = 'whsec_PlantedHookSecretNeverShown01'

export interface ChannelPlan {
  readonly pagerduty?: { readonly standIn: PagerdutyStandIn, readonly minStatus?: 'degraded' | 'unhealthy', readonly severity?: string }
  readonly webhook?: { readonly receiver: WebhookReceiver, readonly minStatus?: 'degraded' | 'unhealthy' }
  /** Environments and their `notify` (absent: every channel). */
  readonly environments?: ReadonlyArray<{ readonly name: string, readonly notify?: readonly string[] }>
}

/**
 * A monitor file declaring a `pager` (PagerDuty) and a `hook` (webhook) channel from `${VAR}`s, and
 * the variables that fill them; recoveries after one healthy check.
 */
export function channelMonitorFile (plan: ChannelPlan): { file: string, env: Record<string, string> } {
  const lines = ['channels:']
  const env: Record<string, string> = {}
  if (plan.pagerduty !== undefined) {
    lines.push('  - name: pager', '    kind: pagerduty', '    routing_key: ${PD_ROUTING_KEY}', '    url: ${PD_URL}')
    if (plan.pagerduty.minStatus !== undefined) lines.push(`    min_status: ${plan.pagerduty.minStatus}`)
    if (plan.pagerduty.severity !== undefined) lines.push(`    severity: ${plan.pagerduty.severity}`)
    env.PD_ROUTING_KEY = plan.pagerduty.standIn.routingKey
    env.PD_URL = plan.pagerduty.standIn.eventsUrl
  }
  if (plan.webhook !== undefined) {
    lines.push('  - name: hook', '    kind: webhook', '    url: ${HOOK_URL}', '    secret: ${HOOK_SECRET}')
    if (plan.webhook.minStatus !== undefined) lines.push(`    min_status: ${plan.webhook.minStatus}`)
    env.HOOK_URL = plan.webhook.receiver.hookUrl
    env.HOOK_SECRET = PLANTED_HOOK_SECRET
  }
  lines.push('environments:')
  for (const environment of plan.environments ?? [{ name: 'production' }]) {
    lines.push(`  - name: ${environment.name}`, `    url: https://${environment.name}.example.com`, '    success_threshold: 1')
    if (environment.notify !== undefined) lines.push(`    notify: [${environment.notify.join(', ')}]`)
  }
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-channels-')), 'monitor.yaml')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return { file, env }
}

/** A configuration filing on `github` and notifying the planned channels. */
export function channelConfig (github: GithubStandIn, plan: ChannelPlan, env: Record<string, string> = {}): Config {
  const monitor = channelMonitorFile(plan)
  return standInConfig(github, { MONITOR_CONFIG: monitor.file, ...monitor.env, ...env })
}
