/**
 * Starts the servers the benchmark compares, each on a free loopback port in
 * its own temp folder with persistence off, and stops them for sure.
 * (Plain .mjs: the benchmark runs under plain Node, without a TypeScript step.)
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

async function waitForPort(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before listening`)
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => (s.destroy(), resolve(true)))
      s.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listening on port ${port} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * @typedef {{ name: string, port: number, output: () => string, stop: () => Promise<void> }} RunningServer
 * @typedef {{ name: string, command: (port: number, dir: string) => [string, string[]], available: () => string | null }} ServerDefinition
 */

/** @param {ServerDefinition} definition @returns {Promise<RunningServer>} */
export async function startServer(definition) {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), `bench-${definition.name}-`))
  const [command, args] = definition.command(port, dir)
  let output = ''
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  child.on('error', (e) => (output += String(e)))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitForPort(port, child, 10_000)
  } catch (e) {
    await stop()
    throw new Error(`${definition.name}: ${e.message}\n${output}`)
  }
  return { name: definition.name, port, output: () => output, stop }
}

/**
 * The node flags on the `#!/usr/bin/env -S node …` line of tandem-server's
 * script: the benchmark runs it as the installed `tandem-server` bin (and the
 * app's launchers, which pass the same flags) would.
 */
function shebangNodeFlags(script) {
  if (!existsSync(script)) return []
  const first = readFileSync(script, 'utf8').split('\n', 1)[0]
  const words = first.replace(/^#!\s*/, '').split(/\s+/)
  const node = words.indexOf('node')
  return node < 0 ? [] : words.slice(node + 1).filter((w) => w.startsWith('--'))
}

/** The two servers compared, with the same settings: persistence off, defaults otherwise. */
export function serverDefinitions(repoRoot) {
  const cli = join(repoRoot, 'out', 'server', 'cli.js')
  const nodeFlags = shebangNodeFlags(cli)
  return [
    {
      name: 'tandem',
      available: () => (existsSync(cli) ? null : `${cli} missing: run \`npm run build\``),
      command: (port, dir) => [process.execPath, [...nodeFlags, cli, '--port', String(port), '--dir', dir, '--save', '']],
    },
    {
      name: 'redis',
      available: () => (existsSync('/usr/bin/redis-server') ? null : '/usr/bin/redis-server missing (apt-get install redis-server)'),
      command: (port, dir) => ['/usr/bin/redis-server', ['--port', String(port), '--dir', dir, '--save', '']],
    },
  ]
}
