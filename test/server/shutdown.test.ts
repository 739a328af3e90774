import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { spawnVigil } from '../support/spawn-vigil.js'

const FIXTURE = 'test/fixtures/slow-route-server.ts'

t.test('SIGTERM: readiness 503 during SHUTDOWN_DELAY, liveness 200, in-flight request completes, exit 0', async (t) => {
  const vigil = spawnVigil({ SHUTDOWN_DELAY: '1s', SLOW_ROUTE_MS: '1500' }, FIXTURE)
  t.teardown(() => { vigil.child.kill('SIGKILL') })
  const base = `http://127.0.0.1:${await vigil.listening()}`
  t.equal((await fetch(`${base}/health/readiness`)).status, 200, 'ready before the signal')

  const inFlight = fetch(`${base}/slow`)
  await sleep(100)
  vigil.child.kill('SIGTERM')
  await sleep(100)

  const readiness = await fetch(`${base}/health/readiness`)
  t.equal(readiness.status, 503, 'readiness fails at once')
  t.ok(readiness.headers.get('retry-after'), 'with Retry-After')
  t.same(await readiness.json(), { status: 'not_ready', reasons: ['shutting down'] })
  t.equal((await fetch(`${base}/health`)).status, 200, 'liveness stays 200 while draining')

  const slow = await inFlight
  t.equal(slow.status, 200, 'the in-flight request completes')
  t.same(await slow.json(), { finished: true })
  t.equal(await vigil.exited, 0)
  t.match(vigil.output(), /shut down cleanly/)
})

t.test('a shutdown that outlives the grace period exits 1 and says what hung', async (t) => {
  const vigil = spawnVigil({ SHUTDOWN_TIMEOUT: '300ms', SLOW_ROUTE_MS: '10000' }, FIXTURE)
  t.teardown(() => { vigil.child.kill('SIGKILL') })
  const base = `http://127.0.0.1:${await vigil.listening()}`
  fetch(`${base}/slow`).catch(() => { /* cut off by the forced exit */ })
  await sleep(100)
  vigil.child.kill('SIGTERM')
  t.equal(await vigil.exited, 1)
  t.match(vigil.output(), /shutdown did not finish within 300 ms; still waiting on: closing the server \(in-flight requests/)
})
