import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config/load-config.js'
import { createRedactor } from '../../src/redact.js'
import { ConfigError } from '../../src/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'vigil-channels-'))
let count = 0
function file (body: string): string {
  const path = join(dir, `monitor-${count++}.yaml`)
  writeFileSync(path, body)
  return path
}

function problems (env: Record<string, string>): string[] {
  try {
    loadConfig({ LOG_LEVEL: 'silent', ...env })
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
  throw new Error('expected a ConfigError')
}

const ROUTING_KEY = 'R0utingKeyPlanted0123456789abcde'
const HOOK_SECRET = 'whsec_PlantedSigningSecret42'
const HOOK_URL = 'https://hooks.example.net/vigil/T0k3nInPath'
const SMTP_PASSWORD = 'smtp-Planted-Password'

t.test('channels as a list, notify per environment (default: every channel), secrets from ${VAR} registered', async (t) => {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PD_KEY: ROUTING_KEY,
    HOOK_SECRET,
    HOOK_URL,
    MONITOR_CONFIG: file(`
channels:
  - name: pager
    kind: pagerduty
    routing_key: \${PD_KEY}
    min_status: unhealthy
  - name: team-chat
    kind: slack
    url: https://hooks.slack.com/services/T000/B000/literalsecretpart
    min_status: degraded
  - name: audit
    kind: webhook
    url: \${HOOK_URL}
    secret: \${HOOK_SECRET}
environments:
  - name: production
    url: https://api.example.com
    notify: [pager, team-chat]
  - name: staging
    url: https://staging.example.com
`)
  })
  t.same(config.monitor.channels, [
    { name: 'pager', kind: 'pagerduty', minStatus: 'unhealthy', settings: { routing_key: ROUTING_KEY } },
    { name: 'team-chat', kind: 'slack', minStatus: 'degraded', settings: { url: 'https://hooks.slack.com/services/T000/B000/literalsecretpart' } },
    { name: 'audit', kind: 'webhook', minStatus: 'unhealthy', settings: { url: HOOK_URL, secret: HOOK_SECRET } }
  ])
  t.same(config.monitor.environments.map((e) => [e.name, e.notify]), [['production', ['pager', 'team-chat']], ['staging', ['pager', 'team-chat', 'audit']]])
  const redact = createRedactor(config.secrets)
  for (const secret of [ROUTING_KEY, HOOK_SECRET, HOOK_URL, 'https://hooks.slack.com/services/T000/B000/literalsecretpart']) {
    t.equal(redact(`x ${secret} y`), 'x [REDACTED] y', 'a secret setting is known to the redactor, literal or from ${VAR}')
  }
  t.equal(redact('pager team-chat audit pagerduty'), 'pager team-chat audit pagerduty', 'names and kinds are not secrets')
})

t.test('channels as a mapping from name; no channels: targets carry no notify list', async (t) => {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    MONITOR_CONFIG: file(`
channels:
  pager:
    kind: pagerduty
    routing_key: ${ROUTING_KEY}
    severity: warning
    url: http://127.0.0.1:9/v2/enqueue
  mail:
    kind: email
    host: smtp.example.com
    port: 587
    username: vigil
    password: ${SMTP_PASSWORD}
    from: vigil@example.com
    to: [oncall@example.com]
environments:
  - name: production
    url: https://api.example.com
    notify: []
`)
  })
  t.same(config.monitor.channels.map((c) => [c.name, c.kind, c.minStatus]), [['pager', 'pagerduty', 'unhealthy'], ['mail', 'email', 'unhealthy']])
  t.same(config.monitor.environments[0]?.notify, [], 'an empty notify tells no channel (GitHub still records)')
  t.ok(config.secrets.includes(SMTP_PASSWORD))
  const plain = loadConfig({ LOG_LEVEL: 'silent', MONITOR_CONFIG: file('environments:\n  - name: production\n    url: https://api.example.com\n') })
  t.same(plain.monitor.channels, [])
  t.notOk('notify' in (plain.monitor.environments[0] ?? {}))
})

t.test('bad channel settings: one line each, secrets never echoed', async (t) => {
  const lines = problems({
    SHORT: 'tooshort',
    MONITOR_CONFIG: file(`
channels:
  - name: pager
    kind: pagerduty
    severity: loud
  - name: pager
    kind: webhook
    url: ftp://${HOOK_URL.slice(8)}
    secret: \${SHORT}
  - name: Bad Name
    kind: carrier-pigeon
  - name: github
    kind: slack
    url: 42
    colour: red
  - name: mail
    kind: email
    from: not-an-address
    to: []
    password: 12345
    host: smtp.example.com
  - kind: discord
    url: https://discord.com/api/webhooks/1/x
    min_status: healthy
environments:
  - name: production
    url: https://api.example.com
    notify: [pager, pagr]
`)
  })
  t.same(lines, [
    'MONITOR_CONFIG channels[0].routing_key: missing, expected the 32-character routing key of a PagerDuty Events API v2 integration',
    'MONITOR_CONFIG channels[0].severity: expected critical, error, warning or info, got "loud"',
    'MONITOR_CONFIG channels[1].name: "pager" is already used by channels[0]',
    'MONITOR_CONFIG channels[1].secret: expected a signing secret of at least 16 characters, got "${SHORT}" (expanded value hidden)',
    'MONITOR_CONFIG channels[1].url: expected an http or https URL, got (value hidden)',
    'MONITOR_CONFIG channels[2].kind: expected pagerduty, slack, discord, email, webhook, got "carrier-pigeon"',
    'MONITOR_CONFIG channels[2].name: expected a channel name of lower-case letters, digits, "_" or "-" (at most 40), got "Bad Name"',
    'MONITOR_CONFIG channels[3].colour: unknown key, expected one of name, kind, min_status, url',
    'MONITOR_CONFIG channels[3].name: "github" is reserved, expected another name',
    'MONITOR_CONFIG channels[3].url: expected a Slack incoming webhook URL, got (value hidden)',
    'MONITOR_CONFIG channels[4].from: expected an e-mail address, or "Name <address>", got "not-an-address"',
    'MONITOR_CONFIG channels[4].password: expected the SMTP password, got (value hidden)',
    'MONITOR_CONFIG channels[4].to: expected a list of 1 to 50 e-mail addresses, got []',
    'MONITOR_CONFIG channels[5].min_status: expected degraded or unhealthy, got "healthy"',
    'MONITOR_CONFIG channels[5].name: missing, expected a channel name of lower-case letters, digits, "_" or "-" (at most 40)',
    'MONITOR_CONFIG environments[0].notify[1]: unknown channel "pagr", expected one of pager, mail'
  ])
  t.notMatch(lines.join('\n'), /T0k3nInPath|tooshort|12345/)
})

t.test('bad channel settings stop start-up: exit 1, one line each, no secret printed, no stack trace', async (t) => {
  const path = file(`
channels:
  - name: pager
    kind: pagerduty
    routing_key: \${PD_KEY}
    url: not a url ${ROUTING_KEY}
  - name: hook
    kind: webhook
    url: \${HOOK_URL}
    secret: short
environments:
  - name: production
    url: https://api.example.com
    notify: [pager, chat]
`)
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH, MONITOR_CONFIG: path, PORT: '0', LOG_LEVEL: 'silent', PD_KEY: ROUTING_KEY, HOOK_URL },
    encoding: 'utf8',
    timeout: 60_000
  })
  t.equal(run.status, 1)
  const output = run.stderr + run.stdout
  t.match(output, /MONITOR_CONFIG channels\[0\]\.url: expected an http or https URL of the Events API v2 enqueue endpoint/)
  t.match(output, /MONITOR_CONFIG channels\[1\]\.secret: expected a signing secret of at least 16 characters, got \(value hidden\)/)
  t.match(output, /MONITOR_CONFIG environments\[0\]\.notify\[1\]: unknown channel "chat", expected one of pager, hook/)
  t.notMatch(output, new RegExp(`${ROUTING_KEY}|T0k3nInPath|TypeError|\\n {4}at `))
})

t.test('a routing key that is not 32 characters is a start-up problem, its value hidden', async (t) => {
  const lines = problems({
    PD_KEY: `${ROUTING_KEY}X`,
    MONITOR_CONFIG: file(`
channels:
  - name: pager
    kind: pagerduty
    routing_key: \${PD_KEY}
  - name: pager-literal
    kind: pagerduty
    routing_key: ShortPlantedKey
environments:
  - name: production
    url: https://api.example.com
`)
  })
  t.same(lines, [
    'MONITOR_CONFIG channels[0].routing_key: expected the 32-character routing key of a PagerDuty Events API v2 integration, got "${PD_KEY}" (expanded value hidden)',
    'MONITOR_CONFIG channels[1].routing_key: expected the 32-character routing key of a PagerDuty Events API v2 integration, got (value hidden)'
  ])
  t.notMatch(lines.join('\n'), /R0utingKeyPlanted|ShortPlantedKey/)
})
