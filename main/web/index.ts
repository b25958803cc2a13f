/**
 * Web mode: the control plane plus an HTTP + WebSocket face on 127.0.0.1, for
 * machines where Electron cannot run. Built to out/main/web.js; run with
 * `node out/main/web.js [--port N]`.
 */
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createControlPlane, type ControlPlane } from '../control/control-plane'
import { resolveDataDir } from '../control/data-dir'
import { killAllServersNow } from '../control/node-process'
import { forkLauncher, spawnLauncher } from '../control/server-launcher'
import { startWebServer } from './web-server'

// Resolved from this built file (out/main/web.js), not the working directory.
const here = dirname(fileURLToPath(import.meta.url))
const RENDERER_DIR = join(here, '..', 'renderer')
const SERVER_SCRIPT = join(here, '..', 'server', 'cli.js')

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  if (i >= 0) return process.argv[i + 1]
  const prefixed = process.argv.find((a) => a.startsWith(name + '='))
  return prefixed?.slice(name.length + 1)
}

function fail(message: string): never {
  console.error(`Tandem (web mode): ${message}`)
  process.exit(1)
}

function webPort(): number {
  const raw = argValue('--port') ?? process.env.TANDEM_WEB_PORT
  if (raw === undefined || raw === '') return 0
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port "${raw}": use an integer from 1 to 65535 (0 = any free port)`)
  return port
}

async function main(): Promise<void> {
  const port = webPort()
  const token = process.env.TANDEM_WEB_TOKEN || randomBytes(18).toString('hex')
  // TANDEM_SERVER_COMMAND runs another redis-compatible binary (e.g. /usr/bin/redis-server) instead of tandem-server.
  const serverCommand = process.env.TANDEM_SERVER_COMMAND
  const launch = serverCommand ? spawnLauncher(serverCommand) : forkLauncher(SERVER_SCRIPT)

  const dataDir = resolveDataDir()
  let control: ControlPlane
  try {
    control = createControlPlane({ dataDir, launch, restartOnCrash: process.env.TANDEM_RESTART_ON_CRASH === '1' })
  } catch (e) {
    fail(`cannot open the data folder ${dataDir}: ${(e as Error).message}`)
  }

  let shuttingDown = false
  const shutdown = async (code: number) => {
    if (shuttingDown) return
    shuttingDown = true
    const force = setTimeout(() => process.exit(code), 8000)
    force.unref()
    await control.close().catch(() => {})
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))
  process.on('SIGHUP', () => void shutdown(0))
  process.on('uncaughtException', (err) => {
    console.error('Tandem (web mode) crashed:', err)
    killAllServersNow()
    process.exit(1)
  })

  let server
  try {
    server = await startWebServer({ control, rendererDir: RENDERER_DIR, token, port })
  } catch (e) {
    killAllServersNow()
    fail(`cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`)
  }
  console.log(`Tandem (web mode) is running at ${server.url}`)
  await control.ready
}

void main()
