// A check target for the scale benches: answers every request 200 {"status":"ok"} after ANSWER_MS
// (default 100) ms. Listens on 0.0.0.0 so that every 127.A.B.C address reaches it (a distinct
// origin per environment); logs "listening at http://127.0.0.1:<port>" for startServerProcess.
import { createServer } from 'node:http'
import console from 'node:console'
import process from 'node:process'
import { setTimeout } from 'node:timers'

const delay = Number(process.env.ANSWER_MS ?? 100)
const server = createServer((_req, res) => {
  setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}') }, delay)
})
server.keepAliveTimeout = 5000 // Node's default, said: the scale bench spaces cycles wider than this
server.maxConnections = 100_000
server.listen(Number(process.env.PORT ?? 0), '0.0.0.0', 4096, () => { console.log(`listening at http://127.0.0.1:${server.address().port}`) })
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { server.close(); server.closeAllConnections(); process.exit(0) })
