/**
 * Web mode as a user runs it: `node out/main/web.js`, then the page over HTTP
 * and the API over the WebSocket at /api?token=…, wire frames of shared/api.ts.
 * Servers are Debian's redis-server here (TANDEM_SERVER_COMMAND) so this tests
 * the transport; control-plane.test.ts covers tandem-server itself.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConsoleReply, NodeView } from '../../shared/types'
import { REDIS_SERVER, REPO_ROOT, hasRealRedis, tempDir } from '../helpers/processes'
import { ApiClient, TOKEN, startWebMode, webModeBuilt, type WebMode } from '../helpers/web-mode'

const runnable = webModeBuilt && hasRealRedis()

describe.skipIf(!runnable)('web mode', () => {
  let dataDir: string
  let web: WebMode
  let wsUrl: string

  beforeAll(async () => {
    dataDir = tempDir('tandem-web-')
    web = await startWebMode(dataDir, { TANDEM_SERVER_COMMAND: REDIS_SERVER })
    wsUrl = web.base.replace('http:', 'ws:') + '/api?token=' + TOKEN
  })

  afterAll(async () => {
    if (web?.process.exitCode === null) {
      web.process.kill('SIGKILL')
      await new Promise((r) => web.process.once('exit', r))
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('refuses pages and sockets without the right token', async () => {
    expect((await fetch(web.base + '/')).status).toBe(401)
    expect((await fetch(web.base + '/?token=wrong')).status).toBe(401)
    await expect(ApiClient.connect(web.base.replace('http:', 'ws:') + '/api?token=wrong')).rejects.toThrow('HTTP 401')
    await expect(ApiClient.connect(web.base.replace('http:', 'ws:') + '/api')).rejects.toThrow('HTTP 401')
  })

  it.skipIf(!existsSync(join(REPO_ROOT, 'out', 'renderer', 'index.html')))('serves the built renderer as HTML, assets by cookie', async () => {
    const res = await fetch(`${web.base}/?token=${TOKEN}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await res.text()).toBe(readFileSync(join(REPO_ROOT, 'out', 'renderer', 'index.html'), 'utf8'))
    const cookie = res.headers.get('set-cookie')!.split(';')[0]
    expect((await fetch(`${web.base}/index.html`, { headers: { cookie } })).status).toBe(200)
    expect((await fetch(`${web.base}/assets/missing.js`, { headers: { cookie } })).status).toBe(404)
    // Whatever a traversal attempt gets, it is never a file outside the renderer folder.
    const escape = await fetch(`${web.base}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`, { headers: { cookie } })
    expect(await escape.text()).not.toContain('root:')
  })

  it('carries the API: fleet.list, node.create, console.exec, events, errors', async () => {
    const api = await ApiClient.connect(wsUrl)
    try {
      expect(await api.call<NodeView[]>('fleet.list', {})).toEqual([])
      const node = await api.call<NodeView>('node.create', { name: 'web-node' })
      expect(node.status.processState).toBe('running')
      const id = node.spec.id
      expect(await api.call<ConsoleReply>('console.exec', { id, argv: ['SET', 'k', 'v'] })).toEqual({ type: 'status', value: 'OK' })
      expect(await api.call<ConsoleReply>('console.exec', { id, argv: ['GET', 'k'] })).toEqual({ type: 'bulk', value: 'v' })
      await expect(api.call('node.create', { port: 99999 })).rejects.toThrow('invalid port 99999')
      await expect(api.call('what.ever', {})).rejects.toThrow('unknown method "what.ever"')

      const deadline = Date.now() + 5000
      while (!api.events.flat().some((v) => v.spec.id === id && v.status.live && v.status.keys === 1)) {
        if (Date.now() > deadline) throw new Error('no fleet.changed event with the new key')
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(JSON.parse(readFileSync(join(dataDir, 'fleet.json'), 'utf8')).nodes[0].name).toBe('web-node')
    } finally {
      api.close()
    }
  })

  it('stops its servers and exits on SIGTERM', async () => {
    const api = await ApiClient.connect(wsUrl)
    const [node] = await api.call<NodeView[]>('fleet.list', {})
    const info = await api.call<ConsoleReply>('console.exec', { id: node.spec.id, argv: ['INFO', 'server'] })
    const pid = Number(/process_id:(\d+)/.exec(info.type === 'bulk' ? info.value : '')?.[1])
    api.close()
    const exited = new Promise<number | null>((r) => web.process.once('exit', (code) => r(code)))
    web.process.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(() => process.kill(pid, 0)).toThrow()
  })
})
