import { Value } from '@sinclair/typebox/value'
import t from 'tap'
import { DiscordSettingsSchema as discordSettings, EmailSettingsSchema as emailSettings, SlackSettingsSchema as slackSettings } from '../../src/config/channel-settings.js'

t.test('the settings of docs/channels.md\'s examples are accepted', async (t) => {
  t.ok(Value.Check(slackSettings, { url: 'https://hooks.slack.com/services/T000/B000/XXXX' }))
  t.ok(Value.Check(discordSettings, { url: 'https://discord.com/api/webhooks/123/abc' }))
  t.ok(Value.Check(emailSettings, { host: 'smtp.example.com', port: 587, require_tls: true, username: 'vigil', password: 'pw-from-a-variable', from: 'Vigil <vigil@example.com>', to: ['oncall@example.com', 'platform@example.com'] }))
  t.ok(Value.Check(emailSettings, { host: 'smtp.example.com', secure: true, from: 'vigil@example.com', to: ['oncall@example.com'] }))
})

t.test('bad settings are refused: unknown keys, no recipient, a recipient that is not an address, a port out of range', async (t) => {
  t.notOk(Value.Check(slackSettings, { url: 'https://hooks.slack.com/x', channel: '#ops' }))
  t.notOk(Value.Check(discordSettings, {}))
  const base = { host: 'smtp.example.com', from: 'vigil@example.com', to: ['oncall@example.com'] }
  t.notOk(Value.Check(emailSettings, { ...base, to: [] }))
  t.notOk(Value.Check(emailSettings, { ...base, to: ['not an address'] }))
  t.notOk(Value.Check(emailSettings, { ...base, port: 70_000 }))
  t.notOk(Value.Check(emailSettings, { ...base, tls: true }))
})

t.test('secret settings carry no pattern, so a problem line can never echo them', async (t) => {
  for (const schema of [slackSettings.properties.url, discordSettings.properties.url, emailSettings.properties.password]) {
    t.equal((schema as { secret?: boolean }).secret, true)
    t.equal((schema as { pattern?: string }).pattern, undefined)
  }
})
