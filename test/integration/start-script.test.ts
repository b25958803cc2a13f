/**
 * `npm start` on a machine where Electron cannot run: scripts/start.mjs must
 * say why in one line, then serve web mode at the URL it prints, and the page
 * there must be the app. Where Electron can start this falls back to nothing,
 * so the test is skipped with the reason printed.
 */
import { spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, tempDir } from '../helpers/processes'
import { webModeBuilt } from '../helpers/web-mode'

const electronDist = join(REPO_ROOT, 'node_modules', 'electron', 'dist')
const electronCanStart = existsSync(electronDist) && Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
if (electronCanStart) console.log('start-script test skipped: Electron can start here, so npm start opens a window instead of web mode')

const dataDir = tempDir('tandem-start-')
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe.skipIf(electronCanStart || !webModeBuilt)('npm start without Electron', () => {
  it('says why in one line, then serves the app at the printed URL', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs'), '--port', '0'], {
      env: { ...process.env, TANDEM_DATA_DIR: dataDir, DISPLAY: '', WAYLAND_DISPLAY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      const deadline = Date.now() + 15_000
      let url: RegExpExecArray | null = null
      while (!(url = /is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(url, output).not.toBeNull()
      const lines = output.split('\n')
      const why = lines.filter((l) => l.startsWith("Electron can't start here ("))
      expect(why, output).toHaveLength(1)
      expect(why[0]).toMatch(/starting web mode instead\.$/)

      const page = await fetch(url![1])
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<title>Tandem</title>')
    } finally {
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})
