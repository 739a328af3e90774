import t from 'tap'
import { expandVariables } from '../../src/config/expand-variables.js'

t.test('expansion never changes the parsed document, copies what a reference changed and shares the rest', async (t) => {
  const untouched: Record<string, unknown> = { name: 'staging', url: 'https://staging.example.com', labels: ['web'] }
  const document = { environments: [untouched, { name: 'production', url: 'https://${HOST}/x', headers: { a: 'b' } } as Record<string, unknown>] }
  const before = structuredClone(document)
  const { value, references, problems } = expandVariables(document, { HOST: 'api.example.com' })
  const expanded = value as typeof document
  t.same(document, before, 'the parser\'s output is left as it was')
  t.equal(expanded.environments[1]?.url, 'https://api.example.com/x')
  t.not(expanded, document, 'the objects on the way to a change are copies')
  t.equal(expanded.environments[0], untouched, 'an entry without a reference is the parsed one')
  t.equal(expanded.environments[1]?.headers, document.environments[1]?.headers, 'so is an object without one, beside a change')
  t.same(references, [{ pointer: '/environments/1/url', written: 'https://${HOST}/x', values: ['api.example.com'], numeric: false }])
  t.same(problems, [])
})

t.test('a __proto__ key holding a reference stays a key of the copy and never becomes its prototype', async (t) => {
  const parsed = JSON.parse('{"__proto__": "${X}", "other": 1}') as Record<string, unknown>
  const { value } = expandVariables(parsed, { X: 'expanded' })
  const copy = value as Record<string, unknown>
  t.equal(Object.getPrototypeOf(copy), Object.prototype)
  t.same(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value, 'expanded')
})
