import { createServer, type Socket } from 'node:net'
import t from 'tap'
import { checkResult } from '../support/check-results.js'
import { testConfig } from '../support/config.js'
import { PLANTED_TOKEN, startReplica } from '../support/incident-harness.js'
import { waitFor } from '../support/wait-for.js'

// A tryout saw `github` healthy for ~30 s with events pending while GitHub refused every
// connection: the access check waited out the client's retries (1 s, 4 s, 9 s) before it failed.
t.test('GitHub giving no answer: the access check is tried once per step, and the github component is degraded with events pending', async (t) => {
  // Accepts and resets every connection: GitHub gives no answer.
  let connections = 0
  const sockets = new Set<Socket>()
  const server = createServer((socket) => { connections++; sockets.add(socket); socket.resetAndDestroy() })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const replica = await startReplica(testConfig({ GITHUB_TOKEN: PLANTED_TOKEN, GITHUB_REPOSITORY: 'acme/platform', GITHUB_API_URL: `http://127.0.0.1:${port}` }), [], {
    delivery: { pollMs: 20, backoffBaseMs: 60_000, backoffMaxMs: 60_000, lostAnswerDelayMs: 0, staleAfterMs: 600_000 }
  })
  t.teardown(async () => { await replica.close(); server.close() })
  await waitFor('the access check to fail', () => replica.log.lines.some((line) => line.includes('could not verify access yet')))
  t.equal(connections, 1, 'one request for the access check: the worker retries it, with its own backoff')

  await replica.cycle([checkResult('production', 'unhealthy')], new Date())
  const github = replica.components.get('github')
  t.equal(github?.status, 'degraded')
  t.match(github?.details, { pending: 1, access: 'unverified' })
  t.notMatch(JSON.stringify(github), PLANTED_TOKEN)
})
