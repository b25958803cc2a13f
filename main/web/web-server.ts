/**
 * Web mode's HTTP face: the built renderer as static files and the API over a
 * WebSocket at `/api?token=…`, carrying shared/api.ts's wire frames. Every
 * request needs the session token (query, or the cookie set when the page was
 * opened with it), so other local users and web pages cannot drive the fleet.
 */
import { timingSafeEqual } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import { API_EVENTS, type WireRequest, type WireResponse } from '../../shared/api'
import type { ControlPlane } from '../control/control-plane'
import { contentTypeFor, resolveStaticPath } from './static-files'

export const TOKEN_COOKIE = 'tandem_token'

export interface WebServerOptions {
  control: ControlPlane
  rendererDir: string
  token: string
  /** 0 or omitted: a free port. */
  port?: number
  host?: string
}

export interface WebServer {
  readonly port: number
  readonly url: string
  close(): Promise<void>
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === TOKEN_COOKIE) return rest.join('=')
  }
  return undefined
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' })
  res.end(text + '\n')
}

/** Parses and checks one client frame; a string is the reason it is refused. */
export function parseWireRequest(data: string): WireRequest | string {
  let frame: unknown
  try {
    frame = JSON.parse(data)
  } catch {
    return 'frame is not JSON'
  }
  const f = frame as Partial<WireRequest>
  if (!f || typeof f !== 'object' || f.kind !== 'call') return 'frame must be {"kind":"call",…}'
  if (typeof f.id !== 'number' || !Number.isFinite(f.id)) return 'frame needs a numeric "id"'
  if (typeof f.method !== 'string') return 'frame needs a "method"'
  return { kind: 'call', id: f.id, method: f.method, params: f.params }
}

export function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { control, rendererDir, token } = options
  const host = options.host ?? '127.0.0.1'

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const queryToken = url.searchParams.get('token')
    if (!sameToken(queryToken, token) && !sameToken(cookieToken(req), token)) {
      plain(res, 401, 'Tandem: open the address printed in the terminal (it carries the ?token=).')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'Method not allowed')
      return
    }
    let file = resolveStaticPath(rendererDir, url.pathname)
    if (!file) {
      plain(res, 404, 'Not found')
      return
    }
    let size: number
    try {
      const st = statSync(file)
      if (st.isDirectory()) {
        file = join(file, 'index.html')
        size = statSync(file).size
      } else size = st.size
    } catch {
      // A path without an extension is a client-side route: serve the app.
      if (!/\.[A-Za-z0-9]+$/.test(url.pathname)) {
        file = join(rendererDir, 'index.html')
        try {
          size = statSync(file).size
        } catch {
          plain(res, 500, `Tandem: the renderer is not built (${file} missing): run \`npm run build\``)
          return
        }
      } else if (url.pathname === '/favicon.ico') {
        // Browsers ask for it unprompted: no icon is not an error worth a red line in the console.
        res.writeHead(204).end()
        return
      } else {
        plain(res, 404, 'Not found')
        return
      }
    }
    const headers: Record<string, string | number> = {
      'Content-Type': contentTypeFor(file),
      'Content-Length': size,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    }
    if (sameToken(queryToken, token)) {
      // Assets the page loads carry no ?token=: the cookie lets them through.
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`
    }
    res.writeHead(200, headers)
    if (req.method === 'HEAD') res.end()
    else createReadStream(file).on('error', () => res.destroy()).pipe(res)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/api') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    if (!sameToken(url.searchParams.get('token'), token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveApi(ws))
  })

  function serveApi(ws: WebSocket): void {
    const send = (frame: WireResponse) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
    }
    for (const event of API_EVENTS) {
      ws.on('close', control.on(event, (payload) => send({ kind: 'event', event, payload } as WireResponse)))
    }
    ws.on('error', () => {})
    ws.on('message', (data: RawData) => {
      const request = parseWireRequest(data.toString())
      if (typeof request === 'string') {
        // Without a usable id nobody can be answered: say why and drop the frame.
        send({ kind: 'result', id: -1, ok: false, error: request })
        return
      }
      control.dispatch(request.method, request.params).then(
        (result) => send({ kind: 'result', id: request.id, ok: true, result }),
        (err: unknown) => send({ kind: 'result', id: request.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      )
    })
  }

  return new Promise((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject)
      const port = (http.address() as AddressInfo).port
      resolve({
        port,
        url: `http://${host}:${port}/?token=${encodeURIComponent(token)}`,
        close: () =>
          new Promise<void>((done) => {
            for (const client of wss.clients) client.terminate()
            wss.close()
            http.close(() => done())
            http.closeAllConnections()
          }),
      })
    })
  })
}
