import { createServer } from 'node:net'
import t from 'tap'
import { describeListenError } from '../../src/start.js'
import { spawnVigil } from '../support/spawn-vigil.js'

t.test('a port already in use stops start-up with one clear line and exit 1, no stack', async (t) => {
  const holder = createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => holder.close(() => { resolve() })))
  const port = (holder.address() as { port: number }).port
  const vigil = spawnVigil({ PORT: String(port) })
  t.teardown(() => { vigil.child.kill('SIGKILL') })
  t.equal(await vigil.exited, 1)
  const output = vigil.output()
  t.match(output, `vigil: cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE)`)
  t.notMatch(output, /\n\s+at /, 'no stack trace')
  t.notMatch(output, /"level":60/, 'no fatal JSON dump of the error')
})

t.test('a host this machine does not have stops start-up with one clear line and exit 1', async (t) => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
  const vigil = spawnVigil({ HOST: '192.0.2.1', PORT: '0' })
  t.teardown(() => { vigil.child.kill('SIGKILL') })
  t.equal(await vigil.exited, 1)
  t.match(vigil.output(), 'vigil: cannot listen on 192.0.2.1:0: the address is not one of this machine\'s (EADDRNOTAVAIL)')
  t.notMatch(vigil.output(), /\n\s+at /, 'no stack trace')
})

t.test('each listen failure reads as one line naming the address', async (t) => {
  const error = (code: string, message = `listen ${code}`): Error => Object.assign(new Error(message), { code })
  t.match(describeListenError(error('ENOTFOUND'), 'no-such-host.invalid', 3000), /^cannot listen on no-such-host\.invalid:3000: the host name does not resolve \(ENOTFOUND\)/)
  t.match(describeListenError(error('EACCES'), '::', 80), /^cannot listen on \[::\]:80: permission denied \(EACCES\)/)
  t.equal(describeListenError(error('EWHATEVER', 'listen EWHATEVER:\n something odd'), '0.0.0.0', 1), 'cannot listen on 0.0.0.0:1: listen EWHATEVER: something odd')
})
