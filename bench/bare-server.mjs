// Plain JavaScript so that it runs under plain node, as dist/server.js does: no loader in the way.
import process from 'node:process'
import Fastify, { LogController } from 'fastify'

// The baseline for /health: a bare Fastify route with the same logger level and request logging
// off, as Vigil has it.
const app = Fastify({
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
  logController: new LogController({ disableRequestLogging: true })
})
app.get('/', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' })
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
