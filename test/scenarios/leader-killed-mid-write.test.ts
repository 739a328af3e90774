import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { startGithubStandIn, type GithubStandIn } from '../support/github-stand-in.js'
import { createTestDatabase } from '../support/pg-database.js'
import { spawnVigil, type VigilProcess } from '../support/spawn-vigil.js'
import { issuesOn, ONE_STAGING_INCIDENT_RECOVERED, query, scenarioEnv, stagingMonitorFile } from '../support/state-scenarios.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

// SIGKILL of the leader while it writes to GitHub, then a restart on the same state database:
// nothing lost, nothing doubled. The real process (src/server.ts), GitHub behind a gate of the
// test's that holds the issue-creating request: either it never reaches GitHub (`hang`), or it is
// done there and its answer never comes back (`lost-answer`).

type Gate = 'hang' | 'lost-answer'

/** A pass-through in front of the stand-in that holds every `POST …/issues` while `holding`. */
async function startGate (standIn: GithubStandIn, how: Gate) {
  const held: ServerResponse[] = []
  let holding = true
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse | null): void => {
    const upstream = request(`${standIn.url}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      if (res === null) { answer.resume(); return }
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.end(body)
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (holding && req.method === 'POST' && /\/issues$/.test(req.url ?? '')) {
        held.push(res)
        if (how === 'lost-answer') forward(req, body, null)
        return
      }
      forward(req, body, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held.length,
    open: () => { holding = false },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}

for (const how of ['hang', 'lost-answer'] as const) {
  t.test(`the leader SIGKILLed while GitHub ${how === 'hang' ? 'holds its create' : 'has created the issue but not answered'}: after a restart, one issue, closed with one recovery comment`, async (t) => {
    const stateUrl = await createTestDatabase(t)
    const standIn = await startGithubStandIn()
    const gate = await startGate(standIn, how)
    const target = await startTargetServer()
    t.teardown(async () => { await gate.close(); await standIn.close(); await target.close() })
    target.set('/staging/health', 'error')
    const env = scenarioEnv(standIn, stagingMonitorFile(`${target.url}/staging`), stateUrl)
    const processes: VigilProcess[] = []
    t.teardown(async () => {
      for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) { p.child.kill('SIGKILL'); await p.exited }
    })

    const first = spawnVigil({ ...env, GITHUB_API_URL: gate.url })
    processes.push(first)
    await first.listening()
    await waitFor('the create to be in flight', () => gate.held() === 1)
    if (how === 'lost-answer') await waitFor('the issue to exist on GitHub', () => standIn.issues.length === 1)
    else t.equal(standIn.issues.length, 0, 'the create has not reached GitHub')
    const pending = await query<{ kind: string, attempts: number, state: string }>(stateUrl, 'SELECT event->>\'kind\' AS kind, attempts, state FROM vigil_outbox')
    t.same(pending, [{ kind: 'opened', attempts: 1, state: 'pending' }], 'the try is counted in the outbox before it is made')
    first.child.kill('SIGKILL')
    t.equal(await first.exited, 'SIGKILL')

    // The same state database, GitHub answering again.
    gate.open()
    const second = spawnVigil(env)
    processes.push(second)
    const port = await second.listening()
    await waitFor('the incident to be delivered', async () =>
      (await query<{ state: string }>(stateUrl, 'SELECT state FROM vigil_outbox'))[0]?.state === 'delivered')
    t.equal(standIn.issues.length, 1, 'one issue')
    t.equal(standIn.issues[0]?.state, 'open')

    target.set('/staging/health', 'healthy')
    await waitFor('the issue closed', () => standIn.issues[0]?.state === 'closed')
    await waitFor('every event delivered', async () => {
      const rows = await query<{ state: string }>(stateUrl, 'SELECT state FROM vigil_outbox ORDER BY seq')
      return rows.length === 2 && rows.every((r) => r.state === 'delivered')
    })
    t.same(issuesOn(standIn), ONE_STAGING_INCIDENT_RECOVERED, 'one issue, closed with one recovery comment')
    t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200)
    t.same(standIn.violations, [])
  })
}
