import t from 'tap'
import { loadConfig } from '../../src/config/load-config.js'
import type { ConfigError } from '../../src/errors.js'

const ACCOUNT = 'rw-account-PlantedToken-0123456789'
const PROJECT = 'rw-project-PlantedToken-9876543210'

t.test('Railway: nothing set, nothing on; the public endpoint and a 5-minute refresh by default', async (t) => {
  const { railway } = loadConfig({})
  t.same(railway, { apiUrl: 'https://backboard.railway.com/graphql/v2', token: undefined, tokenKind: undefined, projectId: undefined, discovery: false, discoveryIntervalMs: 300_000 })
})

t.test('an account or team token goes as Bearer; a project token wins when both are set, as in Railway\'s CLI', async (t) => {
  t.same(loadConfig({ RAILWAY_API_TOKEN: ACCOUNT }).railway.tokenKind, 'account')
  const both = loadConfig({ RAILWAY_API_TOKEN: ACCOUNT, RAILWAY_TOKEN: PROJECT }).railway
  t.equal(both.token, PROJECT)
  t.equal(both.tokenKind, 'project')
})

t.test('both tokens are secrets: redacted everywhere, never echoed in a problem line', async (t) => {
  const config = loadConfig({ RAILWAY_API_TOKEN: ACCOUNT, RAILWAY_TOKEN: PROJECT })
  t.ok(config.secrets.includes(ACCOUNT) && config.secrets.includes(PROJECT))
  let problems: readonly string[] = []
  try { loadConfig({ RAILWAY_TOKEN: '   ', RAILWAY_API_URL: `ftp://${ACCOUNT}` }) } catch (error) { problems = (error as ConfigError).problems }
  t.same(problems, [
    'RAILWAY_TOKEN: expected a non-empty value, got only whitespace (unset the variable to leave it off)',
    'RAILWAY_API_URL: expected an http or https URL, got scheme "ftp"'
  ])
})

t.test('discovery: on with a token and a project and no monitor file; RAILWAY_DISCOVERY decides otherwise', async (t) => {
  const on = { RAILWAY_API_TOKEN: ACCOUNT, RAILWAY_PROJECT_ID: 'proj-1' }
  t.equal(loadConfig(on).railway.discovery, true)
  t.equal(loadConfig({ RAILWAY_API_TOKEN: ACCOUNT }).railway.discovery, false, 'no project')
  t.equal(loadConfig({ RAILWAY_PROJECT_ID: 'proj-1' }).railway.discovery, false, 'no token (Railway sets the project id by itself)')
  t.equal(loadConfig({ ...on, RAILWAY_DISCOVERY: 'false' }).railway.discovery, false)
  t.equal(loadConfig({ ...on, RAILWAY_DISCOVERY_INTERVAL: '30s' }).railway.discoveryIntervalMs, 30_000)
  let problems: readonly string[] = []
  try { loadConfig({ ...on, RAILWAY_DISCOVERY: 'yes' }) } catch (error) { problems = (error as ConfigError).problems }
  t.same(problems, ['RAILWAY_DISCOVERY: expected auto, true or false, got "yes"'])
})

t.test('RAILWAY_DISCOVERY=true without a token or a project is a problem, not a silent start with nothing discovered', async (t) => {
  const problemsOf = (env: Record<string, string>): readonly string[] => {
    try { loadConfig(env); return [] } catch (error) { return (error as ConfigError).problems }
  }
  t.same(problemsOf({ RAILWAY_DISCOVERY: 'true', RAILWAY_API_TOKEN: ACCOUNT }), ['RAILWAY_DISCOVERY: true needs RAILWAY_PROJECT_ID, which is not set'])
  t.same(problemsOf({ RAILWAY_DISCOVERY: 'true', RAILWAY_PROJECT_ID: 'proj-1' }), ['RAILWAY_DISCOVERY: true needs a token (RAILWAY_API_TOKEN or RAILWAY_TOKEN), which is not set'])
  t.same(problemsOf({ RAILWAY_DISCOVERY: 'true' }), ['RAILWAY_DISCOVERY: true needs a token (RAILWAY_API_TOKEN or RAILWAY_TOKEN) and RAILWAY_PROJECT_ID, which are not set'])
  t.equal(loadConfig({ RAILWAY_DISCOVERY: 'true', RAILWAY_TOKEN: PROJECT, RAILWAY_PROJECT_ID: 'proj-1' }).railway.discovery, true)
  t.equal(loadConfig({ RAILWAY_DISCOVERY: 'auto' }).railway.discovery, false, 'auto stays quiet without them')
})
