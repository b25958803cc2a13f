/**
 * Web mode as a user runs it (`node out/main/web.js` in a temp data folder) and
 * a tiny client of its WebSocket wire protocol, like renderer/src/api.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { WireResponse } from '../../shared/api'
import type { NodeView } from '../../shared/types'
import { REPO_ROOT } from './processes'

export const WEB_JS = join(REPO_ROOT, 'out', 'main', 'web.js')
export const TOKEN = 'test-token-0123456789'
export const webModeBuilt = existsSync(WEB_JS)

export interface WebMode {
  process: ChildProcess
  base: string
  output: () => string
}

export async function startWebMode(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<WebMode> {
  let output = ''
  const child = spawn(process.execPath, [WEB_JS, '--port', '0'], {
    env: { ...process.env, TANDEM_DATA_DIR: dataDir, TANDEM_WEB_TOKEN: TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const deadline = Date.now() + 10_000
  for (;;) {
    const m = /Tandem \(web mode\) is running at (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/.exec(output)
    if (m) {
      if (m[2] !== TOKEN) throw new Error(`web mode printed token ${m[2]}, expected ${TOKEN}`)
      return { process: child, base: m[1], output: () => output }
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`web mode did not start:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A tiny client of the wire protocol, like renderer/src/api.ts. */
export class ApiClient {
  private nextId = 1
  private pending = new Map<number, (f: WireResponse) => void>()
  readonly events: NodeView[][] = []

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as WireResponse
      if (frame.kind === 'event') this.events.push(frame.payload as NodeView[])
      else this.pending.get(frame.id)?.(frame)
    })
  }

  static connect(url: string): Promise<ApiClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.once('open', () => resolve(new ApiClient(ws)))
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    })
  }

  async call<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++
    const frame = await new Promise<WireResponse>((resolve) => {
      this.pending.set(id, resolve)
      this.ws.send(JSON.stringify({ kind: 'call', id, method, params }))
    })
    if (frame.kind !== 'result') throw new Error('not a result')
    if (!frame.ok) throw new Error(frame.error)
    return frame.result as T
  }

  close(): void {
    this.ws.close()
  }
}
