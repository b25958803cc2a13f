/**
 * Real processes for integration tests: tandem-server (the built
 * out/server/cli.js) and Debian's redis-server, each on a free loopback port,
 * in its own temp folder, always cleaned up.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const REPO_ROOT = resolve(__dirname, '..', '..')
export const TANDEM_SERVER_JS = join(REPO_ROOT, 'out', 'server', 'cli.js')
export const REDIS_SERVER = '/usr/bin/redis-server'

export function hasRealRedis(): boolean {
  return existsSync(REDIS_SERVER)
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => res(port))
    })
  })
}

export function tempDir(prefix = 'tandem-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs = 10_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, host)
      s.once('connect', () => {
        s.destroy()
        res(true)
      })
      s.once('error', () => res(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface RunningServer {
  readonly port: number
  readonly dir: string
  readonly process: ChildProcess
  /** Everything the process printed so far (stdout + stderr). */
  output(): string
  stop(): Promise<void>
}

async function waitForOutput(output: () => string, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in the output after ${timeoutMs} ms:\n${output()}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function startProcess(command: string, args: string[], port: number, dir: string): Promise<RunningServer> {
  let output = ''
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  try {
    await Promise.race([
      // Our own process must be the listener: with test files starting servers in parallel, a port
      // picked free can be taken by another file's server first (ours then exits with "Address
      // already in use" while the port answers), so its log line is awaited too.
      waitForPort(port).then(() => waitForOutput(() => output, 'Ready to accept connections')),
      exited.then(() => {
        throw new Error(`${command} exited before listening:\n${output}`)
      }),
    ])
  } catch (e) {
    child.kill('SIGKILL')
    throw e
  }
  return {
    port,
    dir,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** tandem-server with `--port <free> --dir <temp>` plus `extraArgs` (`['--save', '']` …). */
export async function startTandem(extraArgs: string[] = []): Promise<RunningServer> {
  if (!existsSync(TANDEM_SERVER_JS)) throw new Error(`${TANDEM_SERVER_JS} missing: run \`npm run build\` first`)
  const port = await freePort()
  const dir = tempDir('tandem-server-')
  return startProcess(process.execPath, [TANDEM_SERVER_JS, '--port', String(port), '--dir', dir, ...extraArgs], port, dir)
}

/** Debian's redis-server 7 with the same conventions, persistence off unless asked. */
export async function startRedis(extraArgs: string[] = []): Promise<RunningServer> {
  const port = await freePort()
  const dir = tempDir('redis-server-')
  return startProcess(REDIS_SERVER, ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', ...extraArgs], port, dir)
}
