import { generate } from 'selfsigned'

/** A self-signed certificate for localhost and 127.0.0.1. */
export interface TestCertificate {
  readonly key: string
  readonly cert: string
  readonly notAfter: Date
}

const DAY_MS = 86_400_000

/** Makes a certificate valid from yesterday until `daysLeft` days (plus an hour) from now. */
export async function makeCertificate (daysLeft: number): Promise<TestCertificate> {
  const now = Date.now()
  // The extra hour keeps `daysLeft` exact whatever the test's duration.
  const notAfter = new Date(now + daysLeft * DAY_MS + 3_600_000)
  // Distinct subjects: OpenSSL looks trusted issuers up by name, so two certificates named alike clash.
  const pems = await generate([{ name: 'commonName', value: `vigil test ${daysLeft} days ${now}` }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }
    ]
  })
  return { key: pems.private, cert: pems.cert, notAfter }
}
