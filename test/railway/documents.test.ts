import t from 'tap'
import * as documents from '../../src/railway/documents.js'
import { railwayDocumentProblems } from '../support/railway-stand-in.js'

t.test('every document Vigil sends validates against Railway\'s published schema', async (t) => {
  const sources = Object.entries(documents).filter((entry) => typeof entry[1] === 'string') as Array<[string, string]>
  t.ok(sources.length >= 5, 'the documents are found')
  for (const [name, source] of sources) t.same(railwayDocumentProblems(source), [], name)
})

t.test('the rollback mutation shown in incidents validates and names the deployment', async (t) => {
  const text = documents.rollbackMutationText('dep-"1"')
  t.same(railwayDocumentProblems(text), [])
  t.match(text, 'deploymentRollback(id: "dep-\\"1\\"")')
})

t.test('a document with an unknown field is caught by the same check', async (t) => {
  t.not(railwayDocumentProblems('query { project(id: "p") { nosuchfield } }').length, 0)
})
