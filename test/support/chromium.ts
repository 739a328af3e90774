import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** The Debian package's browser (`apt-get install chromium`; .ci/run installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** One headless Chromium for a test file; playwright-core never downloads a browser of its own. */
export async function launchChromium (): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: install the Debian package chromium (.ci/run does) or set CHROMIUM_PATH`)
  // No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
}
