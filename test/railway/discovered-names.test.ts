import t from 'tap'
import { discoveredTargets } from '../../src/railway/discovery.js'
import type { DiscoveredService } from '../../src/railway/types.js'
import { createRedactor } from '../../src/redact.js'

const proxy = { httpProxy: '', httpsProxy: '', noProxy: '' }
const service = (env: string, svc: string, url = `https://${svc}-${env}.up.railway.app`.replace(/ /g, '')): DiscoveredService =>
  ({ environment: { id: `e-${env}`, name: env }, service: { id: `s-${svc}`, name: svc }, url, healthPath: '/' })

t.test('Railway names that are not Vigil names are made safe, and two that collide stay apart', async (t) => {
  const targets = discoveredTargets([service('pr 12', 'api'), service('pr-12', 'api'), service('pr 12', 'web')], 'proj', proxy, createRedactor([]))
  t.same(targets.map((x) => x.name), ['pr-12-api', 'pr-12-api-s-api', 'pr-12-web'])
  t.same(targets[1]!.railway, { projectId: 'proj', environment: 'e-pr-12', service: 's-api' })
  t.equal(targets[0]!.timeoutMs > 0 && targets[0]!.attempts > 0, true, 'the monitor file defaults apply')
})
