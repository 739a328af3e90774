import { readFileSync } from 'node:fs'
import t from 'tap'
import { deployedNodeOptions } from '../../bench/support/server-process.js'

interface Manifest { deploy?: { startCommand?: string }, scripts?: { start?: string } }
const read = (file: string): Manifest => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as Manifest

// One start command: Railway's (railway.json), Railpack's own (railpack.json), `npm start`'s after
// its build, and the one the benches run Vigil with (docs/architecture.md, "The server's heap").
t.test('Railway, Railpack, npm start and the benches start Vigil with the same Node options', async (t) => {
  const railway = read('railway.json').deploy?.startCommand ?? ''
  t.equal(read('railpack.json').deploy?.startCommand, railway)
  t.equal(read('package.json').scripts?.start, `npm run build && ${railway}`)
  t.same(deployedNodeOptions(), ['--max-semi-space-size=4'])
  t.match(railway, /^node( --[a-z-]+=\d+)* dist\/server\.js$/, 'node runs the server directly (PID 1 receives SIGTERM)')
})
