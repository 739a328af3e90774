import { generate } from 'selfsigned'

/** A self-signed certificate for localhost and 127.0.0.1. */
export interface TestCertificate {
  readonly key: string
  readonly cert: string
  readonly notAfter: Date
  /** The common name, as failure phrases quote it. */
  readonly subject: string
}

const DAY_MS = 86_400_000

/** Makes a certificate valid from yesterday until `daysLeft` days (plus an hour) from now. */
export async function makeCertificate (daysLeft: number): Promise<TestCertificate> {
  const now = Date.now()
  // The extra hour keeps `daysLeft` exact whatever the test's duration.
  const notAfter = new Date(now + daysLeft * DAY_MS + 3_600_000)
  // Distinct subjects: OpenSSL looks trusted issuers up by name, so two certificates named alike clash.
  const subject = `vigil test ${daysLeft} days ${now}`
  const pems = await generate([{ name: 'commonName', value: subject }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }
    ]
  })
  return { key: pems.private, cert: pems.cert, notAfter, subject }
}

/** A root CA, an intermediate and a leaf for 127.0.0.1 signed by it, each with its own lifetime. */
export interface TestChain {
  /** The root, to trust (`ca`). */
  readonly rootCert: string
  /** What the server serves: the leaf's key, and the leaf followed by the intermediate. */
  readonly key: string
  readonly cert: string
  readonly intermediate: TestCertificate
  readonly leaf: TestCertificate
}

async function issue (subject: string, days: number, ca: { key: string, cert: string } | undefined, isCa: boolean, hosts: readonly string[]): Promise<TestCertificate> {
  const now = Date.now()
  const notAfter = new Date(now + days * DAY_MS + 3_600_000)
  const pems = await generate([{ name: 'commonName', value: subject }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: notAfter,
    ...(ca === undefined ? {} : { ca }),
    extensions: [
      { name: 'basicConstraints', cA: isCa },
      ...(isCa ? [{ name: 'keyUsage' as const, keyCertSign: true, cRLSign: true, digitalSignature: true }] : []),
      ...(hosts.length === 0 ? [] : [{ name: 'subjectAltName' as const, altNames: hosts.map((h) => /^\d/.test(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h }) }])
    ]
  })
  return { key: pems.private, cert: pems.cert, notAfter, subject }
}

/** A chain whose intermediate and leaf live `intermediateDays` and `leafDays` from now. */
export async function makeChain (intermediateDays: number, leafDays: number): Promise<TestChain> {
  const stamp = Date.now()
  const root = await issue(`vigil test root ${stamp}`, 365, undefined, true, [])
  const intermediate = await issue(`vigil test intermediate ${stamp}`, intermediateDays, root, true, [])
  const leaf = await issue(`vigil test leaf ${stamp}`, leafDays, intermediate, false, ['localhost', '127.0.0.1'])
  return { rootCert: root.cert, key: leaf.key, cert: `${leaf.cert.trimEnd()}\n${intermediate.cert}`, intermediate, leaf }
}

/** A self-signed certificate for another host only (`other.example`). */
export async function makeWrongHostCertificate (daysLeft: number): Promise<TestCertificate> {
  return await issue(`vigil test wrong host ${Date.now()}`, daysLeft, undefined, true, ['other.example'])
}
