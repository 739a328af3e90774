import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { buildApp } from '../../src/app.js'
import { launchChromium } from '../support/chromium.js'
import { testConfig } from '../support/config.js'
import { startTargetServer } from '../support/target-server.js'
import { waitFor } from '../support/wait-for.js'

// The docs' screenshot is rewritten only on request (UPDATE_SCREENSHOT=1 npx tap this file), so a
// test run leaves the working tree as it found it.
const SCREENSHOT = process.env.UPDATE_SCREENSHOT === '1'
  ? new URL('../../docs/images/status-page.png', import.meta.url).pathname
  : join(mkdtempSync(join(tmpdir(), 'vigil-status-')), 'status-page.png')

/** Status words of every environment on the page, by environment name. */
async function shownStatuses (page: Page): Promise<Record<string, string>> {
  return await page.$$eval('article.env', (articles) => Object.fromEntries(articles.map((a) => [
    a.querySelector('h3')?.textContent ?? '', a.querySelector('.env-head .status')?.textContent ?? ''
  ])))
}

t.test('the status page in a real Chromium: every environment, an outage within one refresh, accessible, no console error', async (t) => {
  const server = await startTargetServer()
  t.teardown(() => server.close())
  const dir = mkdtempSync(join(tmpdir(), 'vigil-status-'))
  const path = join(dir, 'monitor.yaml')
  writeFileSync(path, `
interval: 1s
environments:
  - name: production
    url: \${PROD_URL}
    attempts: 1
  - name: staging
    url: ${server.url}/staging
    attempts: 1
  - name: preview-42
    url: ${server.url}/preview
    attempts: 1
`)
  const app = await buildApp(testConfig({
    MONITOR_CONFIG: path,
    PROD_URL: server.url.replace('http://', 'http://ops:s3cr3t-pass@'),
    STATUS_PAGE_REFRESH: '2s',
    GITHUB_REPOSITORY: 'acme/shop'
  }))
  t.teardown(() => app.close())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  // A few cycles, so the chart and the strip have something to draw.
  await waitFor('five checks of each environment', async () => {
    const body = (await app.inject('/status.json')).json()
    return body.environments.every((e: { recent_checks: unknown[] }) => e.recent_checks.length >= 5)
  })

  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 }, colorScheme: 'light' })
  const problems: string[] = []
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', (error) => { problems.push(error.message) })

  await page.goto(`${address}/status`)
  t.same(await shownStatuses(page), { production: 'Up', staging: 'Up', 'preview-42': 'Up' }, 'every environment is shown, up, in words')

  // Landmarks, headings, text alternatives.
  t.equal(await page.getAttribute('html', 'lang'), 'en')
  t.equal(await page.getByRole('banner').count(), 1, 'one banner (header)')
  t.equal(await page.getByRole('main').count(), 1, 'one main')
  t.equal(await page.getByRole('contentinfo').count(), 1, 'one contentinfo (footer)')
  t.equal(await page.locator('h1').count(), 1, 'one h1')
  t.same(await page.locator('h3').allTextContents(), ['production', 'staging', 'preview-42'])
  const statusTexts = await page.locator('.status').allTextContents()
  t.ok(statusTexts.length >= 4 && statusTexts.every((text) => /^(Up|Degraded|Down|Unknown)$/.test(text)), 'every status has its word, not only a colour')
  const images = await page.locator('svg[role="img"]').evaluateAll((svgs) => svgs.map((s) => s.getAttribute('aria-label') ?? ''))
  t.equal(images.length, 3, 'a chart per environment')
  t.ok(images.every((label) => /lowest \d+ ms, median \d+ ms, highest \d+ ms/.test(label)), 'every chart has a text alternative')
  const cells = await page.locator('ol.strip li').evaluateAll((lis) => lis.map((li) => li.textContent ?? ''))
  t.ok(cells.length >= 15 && cells.every((text) => /^(Up|Degraded|Down|Unknown) at /.test(text)), 'every check in the strip has its text')
  t.notMatch(await page.content(), /s3cr3t-pass|ops:/, 'no credential on the page')

  // Readable on a phone: nothing wider than the screen.
  await page.setViewportSize({ width: 375, height: 800 })
  const width = await page.locator('html').evaluate((html) => html.scrollWidth)
  t.ok(width <= 375, `no horizontal scrolling at 375 px (page is ${width} px wide)`)
  await page.setViewportSize({ width: 1000, height: 900 })

  // Light and dark follow the system's preference.
  const background = async (): Promise<string> => await page.locator('body').evaluate((body) => body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor)
  t.equal(await background(), 'rgb(255, 255, 255)', 'light by default')
  await page.emulateMedia({ colorScheme: 'dark' })
  t.equal(await background(), 'rgb(13, 17, 23)', 'dark when the system prefers it')
  await page.emulateMedia({ colorScheme: 'light' })

  // An outage: once the monitor has seen it, the next reload shows it.
  server.set('/staging/health', 'error')
  await waitFor('the monitor to see staging down', async () => (await app.inject('/status.json')).json().environments[1].status === 'down')
  await page.waitForEvent('load', { timeout: 10_000 })
  const after = await shownStatuses(page)
  t.equal(after.staging, 'Down', 'the outage appears within one refresh')
  t.equal(after.production, 'Up')
  t.match(await page.locator('h1 + .overall').textContent(), /Down\s*Some environments are down/)

  await waitFor('a few failed checks in the strip', async () => (await app.inject('/status.json')).json().environments[1].recent_checks.filter((c: { status: string }) => c.status === 'down').length >= 3)
  await page.waitForEvent('load', { timeout: 10_000 })
  await page.screenshot({ path: SCREENSHOT, fullPage: true })
  t.equal(readFileSync(SCREENSHOT).subarray(1, 4).toString('latin1'), 'PNG', 'a screenshot of the page')
  t.same(problems, [], 'no console error and no page error')
})
