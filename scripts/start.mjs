#!/usr/bin/env node
/**
 * `npm start` (after the build): open Tandem in Electron when this machine can
 * run it, otherwise say why in one line and run web mode in this terminal.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { constants } from 'node:os'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const webEntry = join(root, 'out', 'main', 'web.js')

/**
 * The Electron binary, or the reason it cannot start. Reads node_modules/electron's
 * path.txt ourselves: requiring the package would try to download the binary.
 */
function electronBinary() {
  const pkgDir = join(root, 'node_modules', 'electron')
  if (!existsSync(pkgDir)) return { reason: 'the electron package is not installed' }
  const pathFile = join(pkgDir, 'path.txt')
  const distDir = join(pkgDir, 'dist')
  if (!existsSync(pathFile) || !existsSync(distDir)) return { reason: 'no Electron binary installed: node_modules/electron/dist is missing' }
  const binary = join(distDir, readFileSync(pathFile, 'utf8').trim())
  if (!existsSync(binary)) return { reason: `no Electron binary installed: ${binary} is missing` }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set' }
  }
  return { binary }
}

/** Runs a child in this terminal, forwarding signals; resolves with its exit code. */
function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env })
    const forward = (signal) => child.kill(signal)
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
    for (const s of signals) process.on(s, forward)
    child.once('error', (err) => resolve({ code: 1, error: err }))
    child.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward)
      resolve({ code: code ?? 128 + (constants.signals[signal] ?? 0), signal })
    })
  })
}

async function startWeb(reason) {
  console.log(`Electron can't start here (${reason}) — starting web mode instead.`)
  if (!existsSync(webEntry)) {
    console.error(`Tandem: ${webEntry} is missing: run \`npm run build\` first.`)
    process.exit(1)
  }
  const { code } = await run(process.execPath, [webEntry, ...process.argv.slice(2)])
  process.exit(code)
}

const found = electronBinary()
if (!found.binary) {
  await startWeb(found.reason)
} else {
  const started = Date.now()
  const { code, error } = await run(found.binary, [root, ...process.argv.slice(2)])
  // Exiting with an error within seconds means Electron could not come up here (missing libraries, sandbox…).
  if (error) await startWeb(`${found.binary} failed: ${error.message}`)
  else if (code !== 0 && Date.now() - started < 5000) await startWeb(`Electron exited with code ${code} right after starting`)
  else process.exit(code)
}
