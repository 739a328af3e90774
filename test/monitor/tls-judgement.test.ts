import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { checkEnvironment } from '../../src/monitor/check-environment.js'
import { makeCertificate, makeChain, makeWrongHostCertificate } from '../support/certificates.js'
import { startTargetServer } from '../support/target-server.js'
import { testTarget } from '../support/targets.js'

const date = (d: Date): string => d.toISOString().slice(0, 10)

t.test('the earliest notAfter in the served chain counts, naming that certificate', async (t) => {
  const chain = await makeChain(5, 60)
  const server = await startTargetServer(chain)
  t.teardown(async () => { await server.close() })
  const result = await checkEnvironment(testTarget(server.url, { ca: chain.rootCert }))
  t.equal(result.status, 'unhealthy')
  t.equal(result.tlsDaysLeft, 5)
  t.equal(result.tlsSubject, chain.intermediate.subject)
  t.same(result.failures, [`TLS certificate "${chain.intermediate.subject}" expires on ${date(chain.intermediate.notAfter)}, less than 14 days away`])
  t.equal(result.httpStatus, 200, 'the chain is trusted: the request itself went through')
})

t.test('a healthy chain reports the days of its earliest certificate', async (t) => {
  const chain = await makeChain(40, 60)
  const server = await startTargetServer(chain)
  t.teardown(async () => { await server.close() })
  const result = await checkEnvironment(testTarget(server.url, { ca: chain.rootCert }))
  t.equal(result.status, 'healthy')
  t.equal(result.tlsDaysLeft, 40)
  t.same(result.tlsProblems, [])
  t.equal(result.tlsVerified, true)
})

t.test('a chain whose root is not trusted is named as such', async (t) => {
  const chain = await makeChain(40, 60)
  const server = await startTargetServer(chain)
  t.teardown(async () => { await server.close() })
  const result = await checkEnvironment(testTarget(server.url))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['TLS certificate chain is not trusted'])
  t.equal(result.tlsDaysLeft, 40, 'the certificate is still read')
})

t.test('a certificate both self-signed and for another host names both problems', async (t) => {
  const certificate = await makeWrongHostCertificate(90)
  const server = await startTargetServer(certificate)
  t.teardown(async () => { await server.close() })
  const result = await checkEnvironment(testTarget(server.url))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, [
    'TLS certificate does not match the host name 127.0.0.1',
    'TLS certificate is self-signed and not trusted'
  ])
  t.equal(result.attempts[0]?.error, 'TLS certificate does not match the host name 127.0.0.1; TLS certificate is self-signed and not trusted')
})

t.test('a trusted certificate for another host is named as a host mismatch', async (t) => {
  const certificate = await makeWrongHostCertificate(90)
  const server = await startTargetServer(certificate)
  t.teardown(async () => { await server.close() })
  const result = await checkEnvironment(testTarget(server.url, { ca: certificate.cert }))
  t.same(result.failures, ['TLS certificate does not match the host name 127.0.0.1'])
})

t.test('tls_skip_verify still reads the certificate and reports that verification is off', async (t) => {
  const certificate = await makeWrongHostCertificate(90)
  const server = await startTargetServer(certificate)
  t.teardown(async () => { await server.close() })
  const result = await checkEnvironment(testTarget(server.url, { tlsSkipVerify: true }))
  t.equal(result.status, 'healthy')
  t.equal(result.tlsVerified, false)
  t.equal(result.tlsDaysLeft, 90)
  t.same(result.tlsProblems, ['TLS certificate does not match the host name 127.0.0.1', 'TLS certificate is self-signed and not trusted'])
})

t.test('tls_skip_verify does not excuse an expiring certificate', async (t) => {
  const certificate = await makeCertificate(3)
  const server = await startTargetServer(certificate)
  t.teardown(async () => { await server.close() })
  const result = await checkEnvironment(testTarget(server.url, { tlsSkipVerify: true }))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, [`TLS certificate "${certificate.subject}" expires on ${date(certificate.notAfter)}, less than 14 days away`])
})

t.test('an https target that accepts TCP and never answers costs one connection and one timeout per attempt', async (t) => {
  const sockets: Socket[] = []
  const silent = createServer((socket) => { sockets.push(socket) })
  silent.listen(0, '127.0.0.1')
  await once(silent, 'listening')
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => { silent.close(() => { resolve() }) })
  })
  const { port } = silent.address() as AddressInfo
  const result = await checkEnvironment(testTarget(`https://127.0.0.1:${port}`, { timeoutMs: 200, attempts: 2 }))
  t.equal(result.status, 'unhealthy')
  t.same(result.failures, ['/health: timed out after 200 ms'])
  t.same(result.attempts.map((a) => a.error), ['timed out after 200 ms', 'timed out after 200 ms'])
  t.equal(sockets.length, 2, 'no second connection to read the certificate')
  t.equal(result.tlsDaysLeft, null)
})

t.test('the report entry of an environment with tls_skip_verify says verification is off', async (t) => {
  const { environmentSummary } = await import('../../src/monitor/environment-summary.js')
  const certificate = await makeWrongHostCertificate(90)
  const server = await startTargetServer(certificate)
  t.teardown(async () => { await server.close() })
  const summary = environmentSummary(await checkEnvironment(testTarget(server.url, { tlsSkipVerify: true })), undefined)
  t.equal(summary.status, 'healthy')
  t.equal(summary.tls_verified, false)
  t.same(summary.tls_problems, ['TLS certificate does not match the host name 127.0.0.1', 'TLS certificate is self-signed and not trusted'])
})
