import { benchHealthThroughput } from './health-throughput.js'
import { benchMemory } from './memory.js'
import { benchStartup } from './startup.js'

// `npm run bench`: builds, then runs each benchmark against the built server and prints each
// figure next to its baseline or bar. Not part of the tests: figures depend on the machine.
const only = process.argv.slice(2)
const benches: Record<string, () => Promise<unknown>> = {
  'health-throughput': benchHealthThroughput,
  memory: benchMemory,
  startup: benchStartup
}
for (const [name, run] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue
  console.log(`\n# ${name}`)
  await run()
}
