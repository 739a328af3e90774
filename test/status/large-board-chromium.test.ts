import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { launchChromium } from '../support/chromium.js'
import { testConfig } from '../support/config.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

const TOKEN = 'large-board-chromium-token-3e1d'

t.test('a large board in a real Chromium: summary, pages followed by their links with the token cookie, the filter form, no horizontal scrolling, no console error', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  server.set('/env-07/health', 'error')
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-large-chromium-')), 'monitor.yaml')
  const environments = Array.from({ length: 30 }, (_, i) => `  - name: env-${String(i).padStart(2, '0')}\n    url: ${server.url}/env-${String(i).padStart(2, '0')}\n    attempts: 1`)
  writeFileSync(path, `interval: 1h\nenvironments:\n${environments.join('\n')}\n`)
  const app = await buildApp(testConfig({ MONITOR_CONFIG: path, STATUS_PAGE_TOKEN: TOKEN }))
  t.teardown(() => app.close())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  await waitFor('every environment checked', () => app.vigil.environments.names().length === 30)

  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
  const problems: string[] = []
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', (error) => { problems.push(error.message) })

  await page.goto(`${address}/status?token=${TOKEN}`)
  t.equal(await page.locator('h1').count(), 1, 'one h1')
  t.equal(await page.getByRole('main').count(), 1)
  t.same(await page.locator('ul.counts li').allTextContents(), ['Down 1', 'Degraded 0', 'Unknown 0', 'Up 29'], 'the counts, each status in words')
  t.equal(await page.locator('article.env').count(), 25)
  t.equal(await page.locator('article.env h3').first().textContent(), 'env-07', 'the environment down comes first')
  t.equal(await page.getByRole('navigation', { name: 'Pages, top' }).count(), 1)

  const width = async (): Promise<number> => await page.locator('html').evaluate((html) => html.scrollWidth)
  await page.setViewportSize({ width: 375, height: 800 })
  t.ok(await width() <= 375, 'no horizontal scrolling at 375 px')
  await page.setViewportSize({ width: 1000, height: 900 })

  // The link carries no token: the cookie set by ?token= opens the next page.
  await page.getByRole('link', { name: 'Next →' }).first().click()
  t.match(page.url(), /\/status\?page=2$/)
  t.same(await page.locator('article.env h3').allTextContents(), ['env-25', 'env-26', 'env-27', 'env-28', 'env-29'])
  t.match(await page.locator('nav.pager').first().textContent(), /Page 2 of 2 \(26–30 of 30\)/)

  // The filter form: a status chosen, the name left blank.
  await page.locator('select[name="status"]').selectOption('down')
  await page.getByRole('button', { name: 'Show' }).click()
  t.same(await page.locator('article.env h3').allTextContents(), ['env-07'])
  await page.locator('input[name="environment"]').fill('ENV-12')
  await page.locator('select[name="status"]').selectOption('')
  await page.getByRole('button', { name: 'Show' }).click()
  t.same(await page.locator('article.env h3').allTextContents(), ['env-12'], 'names regardless of case')
  t.notMatch(await page.content(), new RegExp(TOKEN), 'the token is nowhere on the page')
  t.same(problems, [], 'no console error and no page error')
})
