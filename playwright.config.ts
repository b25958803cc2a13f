/**
 * End-to-end tests in Debian's Chromium against the built web mode
 * (`npx electron-vite build` first: the web server here does not build).
 *
 * Port, token and data folder are chosen once, in the runner process, and
 * passed to workers through the environment: Playwright evaluates this file
 * again in every worker, and they must all agree with the server it started.
 */
import { defineConfig } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A port nothing listens on right now, asked of the OS synchronously (config files cannot await). */
function freePort(): string {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()
}

process.env.TANDEM_E2E_PORT ??= freePort()
process.env.TANDEM_E2E_TOKEN ??= randomBytes(12).toString('hex')
process.env.TANDEM_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'tandem-e2e-'))

const port = process.env.TANDEM_E2E_PORT
const token = process.env.TANDEM_E2E_TOKEN

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  globalTeardown: './test/e2e/global-teardown.ts',
  // One web server with real node processes on a 2-core machine.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1200, height: 760 },
    trace: 'off',
    screenshot: 'off',
    video: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'node out/main/web.js',
    url: `http://127.0.0.1:${port}/?token=${token}`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // SIGTERM lets web mode stop its node processes before it exits.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 8_000 },
    env: {
      TANDEM_WEB_PORT: port,
      TANDEM_WEB_TOKEN: token,
      TANDEM_DATA_DIR: process.env.TANDEM_E2E_DATA_DIR,
    },
  },
})
