// A target for monitor benchmarks: one HTTP server on 0.0.0.0 answering every request with
// `{"status":"ok"}` after ANSWER_MS (default 100) ms. Listening on 0.0.0.0 makes every loopback
// address reach it, so `http://127.A.B.C:PORT` gives as many distinct origins as a benchmark needs
// (see monitor-file.ts). Prints `listening at http://127.0.0.1:<port>` once it listens.
// Run in its own process (node bench/support/target-server.mjs) so its work never shares the
// benchmark's event loop. TPORT picks the port (default: any free one).
import { createServer } from 'node:http'

const delay = Number(process.env.ANSWER_MS ?? 100)
const server = createServer((_request, response) => {
  setTimeout(() => { response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}') }, delay)
})
server.keepAliveTimeout = 5000
server.maxConnections = 100000
server.listen(Number(process.env.TPORT ?? 0), '0.0.0.0', 4096, () => {
  console.log(`listening at http://127.0.0.1:${server.address().port}`)
})
