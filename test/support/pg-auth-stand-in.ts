import net from 'node:net'

/**
 * Speaks just enough of the PostgreSQL protocol to ask for a password and reject it with
 * SQLSTATE 28P01, the way a real server with md5/scram auth does. The local test server trusts
 * 127.0.0.1, so a wrong password can only be exercised against this stand-in. It keeps the
 * passwords it was sent, so a test can confirm the driver really sent the planted one.
 */
export async function startPgAuthStandIn (): Promise<{ port: number, passwordsSeen: string[], close: () => Promise<void> }> {
  const passwordsSeen: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket)).on('error', () => {})
    let startup = true
    socket.on('data', (chunk: Buffer) => {
      if (startup) {
        startup = false
        // AuthenticationCleartextPassword: 'R', length 8, code 3.
        const ask = Buffer.alloc(9); ask.write('R'); ask.writeInt32BE(8, 1); ask.writeInt32BE(3, 5)
        socket.write(ask)
        return
      }
      if (chunk[0] === 'p'.charCodeAt(0)) passwordsSeen.push(chunk.subarray(5, chunk.length - 1).toString())
      const fields = ['SFATAL', 'VFATAL', 'C28P01', 'Mpassword authentication failed for user "postgres"']
      const body = Buffer.from(`${fields.join('\0')}\0\0`)
      const header = Buffer.alloc(5); header.write('E'); header.writeInt32BE(body.length + 4, 1)
      socket.end(Buffer.concat([header, body]))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    passwordsSeen,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}
