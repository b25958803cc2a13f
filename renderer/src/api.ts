/**
 * The one place that knows how the renderer reaches main.
 *
 * In Electron the preload exposes `window.tandem`; in web mode the page talks
 * to main over a WebSocket at `/api?token=…` (the token comes from the page's
 * own URL). Everything else in the renderer only sees `RendererApi`.
 *
 * Browser globals are reached through `BrowserGlobals` rather than the DOM
 * typings so this file (and its unit tests) also type-check as plain TS.
 */
import type { ApiEvent, ApiEvents, ApiMethod, ApiParams, ApiResult, TandemApi, WireRequest, WireResponse } from '../../shared/api'

/** TandemApi plus whether the transport is up (always true for Electron IPC). */
export interface RendererApi extends TandemApi {
  /** Called now with the current state, then on every change. Returns an unsubscribe. */
  onConnection(listener: (connected: boolean) => void): () => void
}

/** The bits of the browser's WebSocket this client uses. */
export interface SocketLike {
  readonly readyState: number
  onopen: (() => void) | null
  onclose: (() => void) | null
  onmessage: ((message: { data: unknown }) => void) | null
  onerror: (() => void) | null
  send(data: string): void
  close(): void
}

const SOCKET_OPEN = 1

export interface WebSocketApiOptions {
  url: string
  createSocket: (url: string) => SocketLike
  /** Delay before reconnect attempt n (0-based). */
  retryDelayMs?: (attempt: number) => number
  setTimer?: (fn: () => void, ms: number) => unknown
}

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

/**
 * Request/response over one WebSocket, reconnecting forever.
 * Calls made while disconnected wait for the next connection; calls in flight
 * when the connection drops fail (main may or may not have run them, so they
 * are not silently repeated).
 */
export class WebSocketApi implements RendererApi {
  private socket: SocketLike | null = null
  private nextId = 1
  private attempt = 0
  private closed = false
  private readonly pending = new Map<number, Pending>()
  private readonly queued: WireRequest[] = []
  private readonly listeners = new Map<ApiEvent, Set<(payload: never) => void>>()
  private readonly connectionListeners = new Set<(connected: boolean) => void>()
  private readonly retryDelayMs: (attempt: number) => number
  private readonly setTimer: (fn: () => void, ms: number) => unknown

  constructor(private readonly options: WebSocketApiOptions) {
    this.retryDelayMs = options.retryDelayMs ?? ((n) => Math.min(250 * 2 ** n, 5_000))
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
    this.connect()
  }

  get connected(): boolean {
    return this.socket?.readyState === SOCKET_OPEN
  }

  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    const request: WireRequest = { kind: 'call', id: this.nextId++, method, params }
    return new Promise<ApiResult<M>>((resolve, reject) => {
      this.pending.set(request.id, { resolve: resolve as (value: unknown) => void, reject })
      if (this.connected) this.send(request)
      else this.queued.push(request)
    })
  }

  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    const entry = listener as (payload: never) => void
    set.add(entry)
    return () => set.delete(entry)
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener)
    listener(this.connected)
    return () => this.connectionListeners.delete(listener)
  }

  /** Stops reconnecting and fails whatever is still waiting. */
  close(): void {
    this.closed = true
    this.socket?.close()
    this.failAll('connection closed')
  }

  private connect(): void {
    const socket = this.options.createSocket(this.options.url)
    this.socket = socket
    socket.onopen = () => {
      this.attempt = 0
      for (const request of this.queued.splice(0)) this.send(request)
      this.notifyConnection(true)
    }
    socket.onmessage = (message) => this.receive(message.data)
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    }
    socket.onclose = () => {
      if (this.socket !== socket) return
      this.socket = null
      this.failInFlight('connection to Tandem lost')
      this.notifyConnection(false)
      if (!this.closed) this.setTimer(() => this.connect(), this.retryDelayMs(this.attempt++))
    }
  }

  private send(request: WireRequest): void {
    this.socket?.send(JSON.stringify(request))
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return
    let frame: WireResponse
    try {
      frame = JSON.parse(data) as WireResponse
    } catch {
      return
    }
    if (frame.kind === 'event') {
      for (const listener of this.listeners.get(frame.event) ?? []) listener(frame.payload as never)
      return
    }
    const waiting = this.pending.get(frame.id)
    if (!waiting) return
    this.pending.delete(frame.id)
    if (frame.ok) waiting.resolve(frame.result)
    else waiting.reject(new Error(frame.error))
  }

  private failInFlight(reason: string): void {
    const queuedIds = new Set(this.queued.map((r) => r.id))
    for (const [id, waiting] of this.pending) {
      if (queuedIds.has(id)) continue
      this.pending.delete(id)
      waiting.reject(new Error(reason))
    }
  }

  private failAll(reason: string): void {
    this.queued.length = 0
    for (const waiting of this.pending.values()) waiting.reject(new Error(reason))
    this.pending.clear()
  }

  private notifyConnection(connected: boolean): void {
    for (const listener of this.connectionListeners) listener(connected)
  }
}

/** Electron's preload bridge is always connected. */
function fromBridge(bridge: TandemApi): RendererApi {
  return {
    call: (method, params) => bridge.call(method, params),
    on: (event, listener) => bridge.on(event, listener),
    onConnection(listener) {
      listener(true)
      return () => {}
    },
  }
}

interface BrowserGlobals {
  tandem?: TandemApi
  location: { protocol: string; host: string; search: string }
  WebSocket: new (url: string) => SocketLike
}

/** The web-mode endpoint for a page served at `location`: same host, the page's token. */
export function webSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`
}

/** The transport this page runs with: the preload bridge if present, else web mode's WebSocket. */
export function createBrowserApi(): RendererApi {
  const browser = globalThis as unknown as BrowserGlobals
  if (browser.tandem) return fromBridge(browser.tandem)
  return new WebSocketApi({ url: webSocketUrl(browser.location), createSocket: (url) => new browser.WebSocket(url) })
}

let installed: RendererApi | null = null

/** Sets the API the stores use: the browser's at startup, a fake in tests. */
export function installApi(api: RendererApi): void {
  installed = api
}

export function useApi(): RendererApi {
  if (!installed) throw new Error('installApi() was not called before the stores were used')
  return installed
}
