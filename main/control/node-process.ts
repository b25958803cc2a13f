/**
 * One local server child: start it, wait until it answers PING, capture its
 * output into the node's log, notice crashes, restart on crash if asked, and
 * stop it. Every child ever started is tracked in one registry so the app can
 * kill them all on the way out (no orphans).
 */
import { EventEmitter } from 'node:events'
import { closeSync, createWriteStream, openSync, readSync, statSync, type WriteStream } from 'node:fs'
import { connect } from 'node:net'
import type { LaunchServer, ServerChild } from './server-launcher'

export type LocalProcessState = 'stopped' | 'starting' | 'running' | 'stopping' | 'crashed'

export interface NodeProcessOptions {
  id: string
  port: number
  host?: string
  confPath: string
  cwd: string
  logPath: string
  launch: LaunchServer
  restartOnCrash?: boolean
  startTimeoutMs?: number
  stopTimeoutMs?: number
}

const liveChildren = new Set<ServerChild>()

/** Kills every server child still alive, synchronously: safe inside process.on('exit'). */
export function killAllServersNow(): void {
  for (const child of liveChildren) {
    try {
      child.kill(true)
    } catch {
      // already gone
    }
  }
  liveChildren.clear()
}

let guardsInstalled = false
/**
 * Last line of defence: whatever way this process ends in JavaScript, its
 * children go first. (SIGKILL cannot be caught: there the fork IPC lifeline
 * makes the servers exit on their own.)
 */
export function installOrphanGuards(): void {
  if (guardsInstalled) return
  guardsInstalled = true
  process.on('exit', killAllServersNow)
}

/** The last `count` lines of a log file, without reading the whole file. */
export function tailFile(path: string, count = 10, maxBytes = 8192): string[] {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return []
  }
  try {
    const size = statSync(path).size
    const length = Math.min(size, maxBytes)
    const buf = Buffer.alloc(length)
    readSync(fd, buf, 0, length, size - length)
    const lines = buf.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '')
    return lines.slice(-count)
  } finally {
    closeSync(fd)
  }
}

/** One PING over a raw socket: true when the server answers +PONG (or -LOADING…: it is up). */
export function pingOnce(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host)
    let data = ''
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'))
    socket.on('data', (chunk) => {
      data += chunk.toString()
      if (data.includes('\r\n')) done(data.startsWith('+PONG'))
    })
  })
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

interface NodeProcessEvents {
  state: [LocalProcessState]
}

export class NodeProcess extends EventEmitter<NodeProcessEvents> {
  private child: ServerChild | null = null
  private log: WriteStream | null = null
  private _state: LocalProcessState = 'stopped'
  private exitPromise: Promise<void> | null = null
  private restarts: number[] = []
  private restartTimer: NodeJS.Timeout | null = null
  /** Why the last start failed or the process died, in a few lines. */
  lastError: string | undefined

  constructor(private readonly opts: NodeProcessOptions) {
    super()
  }

  get state(): LocalProcessState {
    return this._state
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  private setState(state: LocalProcessState): void {
    if (state === this._state) return
    this._state = state
    this.emit('state', state)
  }

  async start(): Promise<void> {
    if (this._state === 'running' || this._state === 'starting') return
    if (this._state === 'stopping') await this.exitPromise
    this.clearRestartTimer()
    this.lastError = undefined
    this.setState('starting')

    const log = createWriteStream(this.opts.logPath, { flags: 'a' })
    log.on('error', () => {})
    this.log = log
    const child = this.opts.launch(this.opts.confPath, { cwd: this.opts.cwd })
    this.child = child
    liveChildren.add(child)
    child.stdout?.on('data', (d: Buffer) => log.write(d))
    child.stderr?.on('data', (d: Buffer) => log.write(d))

    let exitInfo: { code: number | null; signal: string | null } | null = null
    this.exitPromise = new Promise<void>((resolve) => {
      child.onExit((code, signal) => {
        exitInfo = { code, signal }
        liveChildren.delete(child)
        // Let the last output reach the log before anyone reads its tail.
        log.end(() => resolve())
        this.onChildExit(child, code, signal)
      })
    })

    const timeoutMs = this.opts.startTimeoutMs ?? 10_000
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (exitInfo) {
        await this.exitPromise
        // stop() won the race: the process ended because we asked it to.
        if (this.state === 'stopped') throw new Error('stopped before it answered PING')
        const { code, signal } = exitInfo
        this.lastError = this.describeExit(code, signal, 'before answering PING')
        this.setState('crashed')
        throw new Error(this.lastError)
      }
      if (await pingOnce(this.opts.port, this.opts.host)) break
      if (Date.now() > deadline) {
        child.kill(true)
        await this.exitPromise
        this.lastError = `server did not answer PING on port ${this.opts.port} within ${timeoutMs} ms` + this.logTail()
        this.setState('crashed')
        throw new Error(this.lastError)
      }
      await sleep(50)
    }
    // stop() may have been called while we waited for PING.
    if (this.child === child && this.state === 'starting') this.setState('running')
  }

  async stop(): Promise<void> {
    this.clearRestartTimer()
    const child = this.child
    if (!child || this._state === 'stopped' || this._state === 'crashed') {
      if (this._state === 'crashed') this.setState('stopped')
      return
    }
    this.setState('stopping')
    child.kill(false)
    const timeout = this.opts.stopTimeoutMs ?? 5000
    const exited = await Promise.race([this.exitPromise!.then(() => true), sleep(timeout).then(() => false)])
    if (!exited) {
      child.kill(true)
      await this.exitPromise
    }
  }

  /**
   * SIGKILL as a crash would end it (the "Kill" action, to try failover): the
   * exit is reported as 'crashed', and restart-on-crash applies.
   */
  async crash(): Promise<void> {
    const child = this.child
    if (!child || (this._state !== 'running' && this._state !== 'starting')) return
    child.kill(true)
    await this.exitPromise
  }

  /** Synchronous kill for the exit path. */
  killNow(): void {
    this.clearRestartTimer()
    if (this.child) {
      this._state = 'stopping'
      this.child.kill(true)
    }
  }

  private onChildExit(child: ServerChild, code: number | null, signal: string | null): void {
    if (this.child !== child) return
    this.child = null
    this.log = null
    if (this._state === 'stopping') {
      this.setState('stopped')
      return
    }
    if (this._state === 'starting') return // start() reports it
    this.lastError = this.describeExit(code, signal, 'unexpectedly')
    this.setState('crashed')
    if (this.opts.restartOnCrash) this.scheduleRestart()
  }

  /** Restart with a growing delay; give up after 5 crashes in a minute (a crash loop helps nobody). */
  private scheduleRestart(): void {
    const now = Date.now()
    this.restarts = this.restarts.filter((t) => now - t < 60_000)
    if (this.restarts.length >= 5) {
      this.lastError += ' (not restarted: 5 crashes within a minute)'
      this.emit('state', this._state)
      return
    }
    this.restarts.push(now)
    const delay = 500 * 2 ** (this.restarts.length - 1)
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null
      this.start().catch(() => {})
    }, delay)
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = null
  }

  private describeExit(code: number | null, signal: string | null, when: string): string {
    const how = signal ? `killed by ${signal}` : `exit code ${code}`
    return `server exited ${when} (${how})` + this.logTail()
  }

  private logTail(): string {
    const lines = tailFile(this.opts.logPath, 5)
    return lines.length ? ` — last log lines:\n${lines.join('\n')}` : ''
  }
}
