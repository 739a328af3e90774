import t from 'tap'
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
