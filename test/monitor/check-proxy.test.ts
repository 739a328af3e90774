import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import { checkEnvironment } from '../../src/monitor/check-environment.js'
import { makeCertificate } from '../support/certificates.js'
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.js'
import { startTargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

let proxy: ForwardProxy
t.before(async () => { proxy = await startForwardProxy() })
t.teardown(async () => { await proxy.close() })

t.test('an https check goes through the environment\'s proxy and still reads the certificate', async (t) => {
  const certificate = await makeCertificate(90)
  const server = await startTargetServer(certificate)
  t.teardown(async () => { await server.close() })
  const through = proxy.url.replace('http://', 'http://ops:pr0xy-pass@')
  const result = await checkEnvironment(testTarget(server.url, { ca: certificate.cert, proxy: { httpProxy: through, httpsProxy: through, noProxy: '' } }))
  t.equal(result.status, 'healthy')
  t.equal(result.tlsDaysLeft, 90)
  t.ok(proxy.seen.includes(`127.0.0.1:${server.port}`), 'tunnelled through the proxy')
  t.equal(proxy.authorizations.at(-1), `Basic ${Buffer.from('ops:pr0xy-pass').toString('base64')}`)
})

t.test('TLS problems are named through a proxy too', async (t) => {
  const certificate = await makeCertificate(90)
  const server = await startTargetServer(certificate)
  t.teardown(async () => { await server.close() })
  const result = await checkEnvironment(testTarget(server.url, { proxy: { httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: '' } }))
  t.same(result.failures, ['TLS certificate is self-signed and not trusted'])
  t.equal(result.tlsDaysLeft, 90)
})

t.test('an http check goes through HTTP_PROXY', async (t) => {
  const server = await startTargetServer()
  t.teardown(async () => { await server.close() })
  const before = proxy.seen.length
  const result = await checkEnvironment(testTarget(server.url, { proxy: { httpProxy: proxy.url, httpsProxy: '', noProxy: '' } }))
  t.equal(result.status, 'healthy')
  t.ok(proxy.seen.length > before)
})

t.test('NO_PROXY bypasses the proxy', async (t) => {
  const server = await startTargetServer()
  t.teardown(async () => { await server.close() })
  const before = proxy.seen.length
  const result = await checkEnvironment(testTarget(server.url, { proxy: { httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: '127.0.0.1' } }))
  t.equal(result.status, 'healthy')
  t.equal(proxy.seen.length, before)
})

/** A server on 127.0.0.1 that is not a forward proxy; closed when the test ends. */
async function notAProxy (t: Test, server: Server | NetServer): Promise<string> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise<void>((resolve) => { server.close(() => { resolve() }) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const through = (url: string) => ({ proxy: { httpProxy: url, httpsProxy: url, noProxy: '' } })

t.test('a proxy that is a plain web server (it closes CONNECT) is named as the failure, not the target', async (t) => {
  const server = await startTargetServer()
  t.teardown(async () => { await server.close() })
  const plain = await notAProxy(t, createServer((_req, res) => { res.end('a web page') }))
  for (const url of [server.url, server.url.replace('http:', 'https:')]) {
    const result = await checkEnvironment(testTarget(url, through(plain)))
    t.same(result.failures, ['/health: proxy failed: it closed the connection without answering CONNECT (not a forward proxy?)'], url)
  }
})

t.test('a proxy that answers CONNECT like an ordinary request (200 with a body) is no tunnel', async (t) => {
  const server = await startTargetServer()
  t.teardown(async () => { await server.close() })
  const ordinary = createServer((_req, res) => { res.end('hello') })
  ordinary.on('connect', (_req: IncomingMessage, socket: Socket) => { socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello') })
  const result = await checkEnvironment(testTarget(server.url, through(await notAProxy(t, ordinary))))
  t.same(result.failures, ['/health: proxy failed: it answered CONNECT like an ordinary request (HTTP 200 with a body), not with a tunnel (not a forward proxy?)'])
})

t.test('a proxy that does not speak HTTP, refuses, or has no DNS name is said so, with the proxy\'s host', async (t) => {
  const server = await startTargetServer()
  t.teardown(async () => { await server.close() })
  const ssh = await notAProxy(t, createNetServer((socket) => { socket.resume(); socket.end('SSH-2.0-OpenSSH_9.2\r\n') }))
  t.same((await checkEnvironment(testTarget(server.url, through(ssh)))).failures, ['/health: proxy failed: it did not answer CONNECT in HTTP (not a forward proxy?)'])
  // A port nothing listens on: one that was just closed.
  const closed = createNetServer()
  const gone = await notAProxy(t, closed)
  await new Promise<void>((resolve) => { closed.close(() => { resolve() }) })
  t.same((await checkEnvironment(testTarget(server.url, through(gone)))).failures, ['/health: proxy failed: connection refused'])
  t.same((await checkEnvironment(testTarget(server.url, through('http://ops:s3cret@no-such-proxy.invalid:3128')))).failures, ['/health: proxy failed: DNS resolution failed for no-such-proxy.invalid'])
})

t.test('through a real proxy, a target that closes the connection is still the server\'s close, not the proxy\'s', async (t) => {
  const closing = await notAProxy(t, createNetServer((socket) => { socket.destroy() }))
  const result = await checkEnvironment(testTarget(closing, through(proxy.url)))
  t.same(result.failures, ['/health: connection closed by the server'], 'the tunnel opened; the target closed')
})
