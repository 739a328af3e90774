import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'

t.test('GET /health answers 200 healthy with no-store', async (t) => {
  const app = await buildApp(testConfig())
  t.teardown(() => app.close())
  const res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.json().status, 'healthy')
})
