import { errorInfo, networkFailure } from './probe.js'

/**
 * Turns a pg error into words an on-call engineer can act on. SQLSTATE codes come first: they
 * are stable across server versions and locales, messages are not.
 */
export function classifyPostgresError (error: unknown, timeoutMs: number): string {
  const { message, code } = errorInfo(error)
  if (code === '28P01') return 'authentication failed: password rejected (check the password in DATABASE_URL)'
  if (code === '28000') {
    if (/SSL off|no encryption|ssl/i.test(message)) return 'TLS required: the server refuses unencrypted connections (add sslmode=require to DATABASE_URL)'
    if (/role .* does not exist/i.test(message)) return 'authentication failed: role does not exist (check the user in DATABASE_URL)'
    return `authentication failed: ${message}`
  }
  if (code === '3D000') return `database missing: ${message}`
  if (code === '57014') return `timeout: statement cancelled after ${timeoutMs} ms`
  if (code === '53300') return 'too many connections: the server refuses new ones'
  if (code === '57P01' || code === '57P03') return 'server shutting down or starting up'
  if (/does not support SSL/i.test(message)) return 'TLS not offered by the server (remove sslmode=require or enable ssl on the server)'
  if (/timeout|timed out/i.test(message)) return `timeout: no answer within ${timeoutMs} ms`
  const network = networkFailure(code, message)
  if (network !== undefined) return network
  return code === undefined ? message : `${message} (${code})`
}
