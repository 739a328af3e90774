import t from 'tap'
import { renderDeploymentContext } from '../../src/railway/render-context.js'
import type { DeploymentContext } from '../../src/railway/types.js'

const base: DeploymentContext = {
  active: { id: 'dep-3', status: 'CRASHED', createdAt: '2026-11-30T12:20:00.000Z', commitHash: '0123456789abcdef', branch: 'main', commitAuthor: '@ada', commitMessage: 'Fix *all* the `things` for @team' },
  errorLogs: ['2026-11-30T12:21:00Z boom ``` not the end of the block'],
  dashboardUrl: 'https://railway.com/project/p/service/s?environmentId=e',
  rollback: undefined,
  fetchedAt: '2026-11-30T12:22:00.000Z'
}

t.test('commit text is shown as plain text: no Markdown of its own, no @mention', async (t) => {
  const text = renderDeploymentContext(base)
  t.match(text, '`0123456` on `main` by @\u200bada: "Fix \\*all\\* the \\`things\\` for @\u200bteam"')
  t.notMatch(text, /(^|[^\u200b])@team/)
})

t.test('log lines cannot close their fenced block', async (t) => {
  const text = renderDeploymentContext(base)
  t.match(text, '````text\n2026-11-30T12:21:00Z boom ``` not the end of the block\n````')
})

t.test('without a rollback target or logs the section says so', async (t) => {
  const text = renderDeploymentContext({ ...base, errorLogs: [] })
  t.match(text, 'none in the active deployment\'s logs')
  t.match(text, 'Railway lists no earlier deployment that can be rolled back to')
  t.match(renderDeploymentContext({ ...base, active: undefined }), 'none found')
})

t.test('the rollback mutation comes with the header of the token kind Vigil uses', async (t) => {
  const rollback = { deployment: { id: 'dep-2', status: 'REMOVED', createdAt: '2026-11-30T12:10:00.000Z', canRollback: true }, dashboardPath: 'project → api → Deployments', mutation: 'mutation { deploymentRollback(id: "dep-2") }' }
  const account = renderDeploymentContext({ ...base, rollback }, 'account')
  t.match(account, 'an account or team token in `Authorization: Bearer …`')
  t.notMatch(account, 'Project-Access-Token')
  const project = renderDeploymentContext({ ...base, rollback }, 'project')
  t.match(project, 'a project token in `Project-Access-Token: …`')
  t.notMatch(project, 'Bearer', 'a project token sent as Bearer is refused by Railway')
})
