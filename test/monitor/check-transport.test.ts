import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import t from 'tap'
import { ProxyFailedError, proxyFor } from '../../src/monitor/check-dispatcher.js'
import { checkEnvironment } from '../../src/monitor/check-environment.js'
import { describeError } from '../../src/monitor/describe-error.js'
import { redirected } from '../../src/monitor/send-request.js'
import { makeCertificate } from '../support/certificates.js'
import { startTargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

t.test('proxyFor: the https proxy falls back to the http one, and NO_PROXY bypasses by host, suffix, port and *', async (t) => {
  const settings = (noProxy: string, httpsProxy = ''): { httpProxy: string, httpsProxy: string, noProxy: string } => ({ httpProxy: 'http://proxy:3128', httpsProxy, noProxy })
  const via = (url: string, noProxy: string, httpsProxy?: string): string | undefined => proxyFor(new URL(url), settings(noProxy, httpsProxy))?.href
  t.equal(via('https://api.example.com/health', ''), 'http://proxy:3128/')
  t.equal(via('https://api.example.com/health', '', 'http://tls-proxy:3129'), 'http://tls-proxy:3129/')
  t.equal(via('http://api.example.com/health', '', 'http://tls-proxy:3129'), 'http://proxy:3128/')
  t.equal(via('https://api.example.com', 'example.com'), undefined, 'a subdomain of an entry')
  t.equal(via('https://api.example.com', '.example.com'), undefined, 'a leading dot')
  t.equal(via('https://api.example.com', '*.example.com'), undefined, 'a leading *.')
  t.equal(via('https://notexample.com', 'example.com'), 'http://proxy:3128/', 'a suffix that is not a subdomain')
  t.equal(via('https://API.Example.com', 'other.org, api.example.com'), undefined, 'a list, any case')
  t.equal(via('http://10.0.0.5:8080', '10.0.0.5:9090'), 'http://proxy:3128/', 'another port')
  t.equal(via('http://10.0.0.5:8080', '10.0.0.5:8080'), undefined, 'the same port')
  t.equal(via('https://10.0.0.5', '10.0.0.5:443'), undefined, 'the scheme\'s default port')
  t.equal(via('https://anything.example', '*'), undefined)
  t.equal(proxyFor(new URL('https://api.example.com'), undefined), undefined)
  t.equal(proxyFor(new URL('https://api.example.com'), { httpProxy: '', httpsProxy: '', noProxy: '' }), undefined)
})

t.test('redirected: 303 and a POST\'s 301/302 become a body-less GET; credentials stay on their origin', async (t) => {
  const from = {
    url: new URL('https://a.example/health'),
    method: 'POST',
    headers: { authorization: 'Basic x', Cookie: 'c=1', 'content-type': 'application/json', 'x-key': 'k', host: 'a.example' },
    body: '{}'
  }
  const see = redirected(from, 303, '/other')
  t.same(see, { url: new URL('https://a.example/other'), method: 'GET', headers: { authorization: 'Basic x', Cookie: 'c=1', 'x-key': 'k' }, body: undefined })
  t.equal(redirected(from, 302, '/x')?.method, 'GET')
  const kept = redirected(from, 307, 'https://b.example/health')
  t.same(kept, { url: new URL('https://b.example/health'), method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'k' }, body: '{}' })
  t.equal(redirected({ ...from, method: 'HEAD' }, 303, '/x')?.method, 'HEAD')
  t.equal(redirected(from, 302, 'ftp://a.example/x'), undefined, 'not http(s): the redirect is the answer')
})

t.test('describeError names node:http\'s own errors with the transport phrases', async (t) => {
  const hangUp = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
  t.same(describeError(hangUp, 'h'), { kind: 'connection', error: 'connection closed by the server' })
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
  t.same(describeError(reset, 'h'), { kind: 'connection', error: 'connection reset' })
  const parse = Object.assign(new Error('Parse Error: Expected HTTP/'), { code: 'HPE_INVALID_CONSTANT' })
  t.same(describeError(parse, 'h'), { kind: 'connection', error: 'invalid HTTP response' })
  t.same(describeError({ proxyStatus: 407 }, 'h'), { kind: 'connection', error: 'proxy refused the tunnel (HTTP 407)' })
})

t.test('describeError says the proxy failed when the error is the proxy\'s own, with the same phrases otherwise', async (t) => {
  const hangUp = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
  t.same(describeError(new ProxyFailedError('proxy.internal', undefined, { cause: hangUp }), 'target.example'),
    { kind: 'connection', error: 'proxy failed: it closed the connection without answering CONNECT (not a forward proxy?)' })
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
  t.same(describeError(new ProxyFailedError('proxy.internal', undefined, { cause: reset }), 'target.example'), { kind: 'connection', error: 'proxy failed: connection reset' })
  const dns = Object.assign(new Error('getaddrinfo ENOTFOUND proxy.internal'), { code: 'ENOTFOUND' })
  t.same(describeError(new ProxyFailedError('proxy.internal', undefined, { cause: dns }), 'target.example'),
    { kind: 'connection', error: 'proxy failed: DNS resolution failed for proxy.internal' }, 'the proxy\'s host, not the target\'s')
  t.same(describeError(new ProxyFailedError('proxy.internal', 200), 'target.example'),
    { kind: 'connection', error: 'proxy failed: it answered CONNECT like an ordinary request (HTTP 200 with a body), not with a tunnel (not a forward proxy?)' })
})

t.test('a server that closes the connection without answering, and one that answers garbage', async (t) => {
  const servers = [
    createServer((socket) => { socket.once('data', () => { socket.end() }) }),
    createServer((socket) => { socket.once('data', () => { socket.end('SSH-2.0-OpenSSH\r\n\r\n') }) })
  ]
  const urls: string[] = []
  for (const server of servers) {
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  }
  t.teardown(() => { for (const server of servers) server.close() })
  t.same((await checkEnvironment(testTarget(urls[0]!))).failures, ['/health: connection closed by the server'])
  t.same((await checkEnvironment(testTarget(urls[1]!))).failures, ['/health: invalid HTTP response'])
})

t.test('a proxy that refuses the tunnel is named with its status', async (t) => {
  const proxy = createServer((socket) => { socket.once('data', () => { socket.end('HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n') }) })
  proxy.listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  t.teardown(() => { proxy.close() })
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  const result = await checkEnvironment(testTarget('https://status.example', { proxy: { httpProxy: url, httpsProxy: '', noProxy: '' } }))
  t.same(result.failures, ['/health: proxy refused the tunnel (HTTP 407)'])
})

t.test('a server whose certificate fails verification never receives the request (its headers may carry keys)', async (t) => {
  const certificate = await makeCertificate(90)
  const server = await startTargetServer(certificate)
  t.teardown(async () => { await server.close() })
  const result = await checkEnvironment(testTarget(server.url, { headers: { 'x-api-key': 'k3y-value' } }))
  t.same(result.failures, ['TLS certificate is self-signed and not trusted'])
  t.equal(server.requests.length, 0)
  const skipped = await checkEnvironment(testTarget(server.url, { tlsSkipVerify: true }))
  t.equal(skipped.status, 'healthy', 'with tls_skip_verify the same connection carries the request')
  t.equal(server.requests.length, 1)
})
