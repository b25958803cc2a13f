/** The renderer's WebSocket transport, driven through a fake socket. */
import { describe, expect, it } from 'vitest'
import { WebSocketApi, webSocketUrl, type SocketLike } from '../../renderer/src/api'
import type { NodeView } from '../../shared/types'

class FakeSocket implements SocketLike {
  readyState = 0
  onopen: (() => void) | null = null
  onclose: (() => void) | null = null
  onmessage: ((message: { data: unknown }) => void) | null = null
  onerror: (() => void) | null = null
  readonly sent: unknown[] = []
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data))
  }
  close(): void {
    this.drop()
  }
  open(): void {
    this.readyState = 1
    this.onopen?.()
  }
  drop(): void {
    this.readyState = 3
    this.onclose?.()
  }
  reply(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }
}

function setup() {
  const sockets: FakeSocket[] = []
  const timers: (() => void)[] = []
  const api = new WebSocketApi({
    url: 'ws://127.0.0.1:1/api?token=t',
    createSocket: (url) => {
      const s = new FakeSocket(url)
      sockets.push(s)
      return s
    },
    setTimer: (fn) => timers.push(fn),
  })
  return { api, sockets, timers, latest: () => sockets[sockets.length - 1] }
}

describe('WebSocketApi', () => {
  it('builds the endpoint from the page URL, keeping its token', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:5000', search: '?token=a%2Bb' })).toBe(
      'ws://127.0.0.1:5000/api?token=a%2Bb',
    )
    expect(webSocketUrl({ protocol: 'https:', host: 'h', search: '' })).toBe('wss://h/api?token=')
  })

  it('matches results to calls by id, in any order, and rejects with the server message', async () => {
    const { api, latest } = setup()
    latest().open()
    const list = api.call('fleet.list', {})
    const start = api.call('node.start', { id: 'n1' })
    expect(latest().sent).toEqual([
      { kind: 'call', id: 1, method: 'fleet.list', params: {} },
      { kind: 'call', id: 2, method: 'node.start', params: { id: 'n1' } },
    ])
    latest().reply({ kind: 'result', id: 2, ok: false, error: 'no such node: n1' })
    latest().reply({ kind: 'result', id: 1, ok: true, result: [] })
    await expect(list).resolves.toEqual([])
    await expect(start).rejects.toThrow('no such node: n1')
  })

  it('holds calls made before the socket opens and sends them on open', async () => {
    const { api, latest } = setup()
    const call = api.call('fleet.list', {})
    expect(latest().sent).toEqual([])
    latest().open()
    expect(latest().sent).toHaveLength(1)
    latest().reply({ kind: 'result', id: 1, ok: true, result: [] })
    await expect(call).resolves.toEqual([])
  })

  it('delivers pushed events to listeners until they unsubscribe', () => {
    const { api, latest } = setup()
    latest().open()
    const seen: NodeView[][] = []
    const off = api.on('fleet.changed', (nodes) => seen.push(nodes))
    latest().reply({ kind: 'event', event: 'fleet.changed', payload: [] })
    off()
    latest().reply({ kind: 'event', event: 'fleet.changed', payload: [] })
    expect(seen).toHaveLength(1)
  })

  it('fails calls in flight when the connection drops, reconnects, and reports both states', async () => {
    const { api, sockets, timers, latest } = setup()
    const states: boolean[] = []
    api.onConnection((up) => states.push(up))
    latest().open()
    const inFlight = api.call('console.exec', { id: 'n1', argv: ['PING'] })
    latest().drop()
    await expect(inFlight).rejects.toThrow('connection to Tandem lost')
    expect(timers).toHaveLength(1)
    timers[0]()
    expect(sockets).toHaveLength(2)
    const later = api.call('fleet.list', {})
    latest().open()
    expect(latest().sent).toEqual([{ kind: 'call', id: 2, method: 'fleet.list', params: {} }])
    latest().reply({ kind: 'result', id: 2, ok: true, result: [] })
    await expect(later).resolves.toEqual([])
    expect(states).toEqual([false, true, false, true])
  })

  it('ignores frames that are not JSON or answer no pending call', () => {
    const { api, latest } = setup()
    latest().open()
    latest().onmessage?.({ data: 'not json' })
    latest().reply({ kind: 'result', id: 99, ok: true, result: null })
    expect(api.connected).toBe(true)
  })
})
