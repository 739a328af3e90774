import t from 'tap'
import { startGithubStandIn } from '../support/github-stand-in.js'
import { startReplica, standInConfig } from '../support/incident-harness.js'
import { waitFor } from '../support/wait-for.js'

const access = (replica: Awaited<ReturnType<typeof startReplica>>): unknown => (replica.components.get('github')?.details as { access?: unknown } | undefined)?.access

// A tryout showed no `access` at all while GitHub had not answered the start-up check.
t.test('while GitHub has not answered the access check the github component says access is unverified, then the verdict', async (t) => {
  const standIn = await startGithubStandIn()
  standIn.failAll('bad-gateway')
  const replica = await startReplica(standInConfig(standIn))
  t.teardown(async () => { await replica.close(); await standIn.close() })
  await replica.settle()
  t.equal(access(replica), 'unverified', 'said, not left out')

  standIn.failAll(null)
  await waitFor('the access check to be answered', async () => { await replica.settle(); return access(replica) !== 'unverified' })
  t.match(access(replica), /^access to .+ verified as /)
})
