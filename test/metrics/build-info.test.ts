import { readFileSync } from 'node:fs'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../support/config.js'

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

const buildInfo = async (env: Record<string, string>): Promise<string[]> => {
  const app = await buildApp(testConfig(env))
  try {
    return (await app.inject('/metrics')).body.split('\n').filter((line) => line.startsWith('vigil_build_info'))
  } finally {
    await app.close()
  }
}

t.test('vigil_build_info carries the package version and the commit Railway or the build names', async (t) => {
  t.same(await buildInfo({ RAILWAY_GIT_COMMIT_SHA: '0a1b2c3d' }), [`vigil_build_info{version="${version}",commit="0a1b2c3d"} 1`])
  t.same(await buildInfo({ GIT_COMMIT: 'feedbeef' }), [`vigil_build_info{version="${version}",commit="feedbeef"} 1`])
  t.same(await buildInfo({}), [`vigil_build_info{version="${version}",commit="unknown"} 1`], 'unknown, never empty, when no one says')
})
