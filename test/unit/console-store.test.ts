/** The console store: history kept per node across reloads, big replies cut into rows, streams batched, capped and stopped. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { installApi, type RendererApi } from '../../renderer/src/api'
import { MAX_LINES, useConsoleStore } from '../../renderer/src/stores/console-sessions'
import type { ApiEvent, ApiEvents, ApiMethod } from '../../shared/api'
import type { ConsoleReply } from '../../shared/types'

class Api implements RendererApi {
  readonly calls: { method: ApiMethod; params: unknown }[] = []
  handlers: Partial<Record<ApiMethod, (params: unknown) => unknown>> = {}
  streamListener: ((batch: ApiEvents['console.stream']) => void) | null = null
  call(method: ApiMethod, params: unknown): Promise<never> {
    this.calls.push({ method, params })
    const handler = this.handlers[method]
    return handler ? Promise.resolve(handler(params) as never) : Promise.reject(new Error(`no handler for ${method}`))
  }
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    if (event === 'console.stream') this.streamListener = listener as (batch: ApiEvents['console.stream']) => void
    return () => {}
  }
  onConnection(listener: (up: boolean) => void): () => void {
    listener(true)
    return () => {}
  }
}

class MemoryStorage {
  readonly items = new Map<string, string>()
  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value)
  }
  removeItem(key: string): void {
    this.items.delete(key)
  }
}

let api: Api
let storage: MemoryStorage

beforeEach(() => {
  storage = new MemoryStorage()
  vi.stubGlobal('localStorage', storage)
  api = new Api()
  installApi(api)
  setActivePinia(createPinia())
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('console history', () => {
  it('is kept per node and comes back in a new page (new store)', async () => {
    api.handlers['console.exec'] = () => ({ type: 'status', value: 'OK' })
    await useConsoleStore().run('n1', 'p>', 'SET a 1')
    await useConsoleStore().run('n2', 'p>', 'PING')
    setActivePinia(createPinia())
    const fresh = useConsoleStore()
    expect(fresh.historyUp('n1', '')).toBe('SET a 1')
    expect(fresh.historyUp('n2', '')).toBe('PING')
    fresh.forget('n1')
    expect(storage.getItem('tandem.console.history.n1')).toBeNull()
  })

  it('raw output prints like redis-cli --raw and the choice is kept', async () => {
    api.handlers['console.exec'] = () => ({ type: 'array', items: [{ type: 'bulk', value: 'a b' }, { type: 'integer', value: '3' }] })
    const consoles = useConsoleStore()
    consoles.setRaw('n1', true)
    await consoles.run('n1', 'p>', 'X')
    expect(consoles.session('n1').lines.at(-1)?.text).toBe('a b\n3')
    setActivePinia(createPinia())
    expect(useConsoleStore().session('n1').raw).toBe(true)
  })
})

describe('console output', () => {
  it('cuts a 100,000-element reply into 50-line rows', async () => {
    const items: ConsoleReply[] = Array.from({ length: 100_000 }, (_, i) => ({ type: 'bulk', value: `v${i}` }))
    api.handlers['console.exec'] = () => ({ type: 'array', items })
    const consoles = useConsoleStore()
    await consoles.run('n1', 'p>', 'LRANGE big 0 -1')
    const rows = consoles.session('n1').lines.filter((l) => l.kind === 'reply')
    expect(rows).toHaveLength(2000)
    expect(rows[0].text.split('\n')).toHaveLength(50)
    expect(rows.at(-1)?.text.endsWith('100000) "v99999"')).toBe(true)
  })

  it('a declined confirmation runs nothing and stops the rest of a paste', async () => {
    api.handlers['console.commands'] = () => []
    api.handlers['console.exec'] = () => ({ type: 'status', value: 'OK' })
    const consoles = useConsoleStore()
    const target = { name: 'm', address: 'h:1', role: 'master' as const }
    await consoles.runLines('n1', 'p>', ['SET a 1', 'FLUSHALL', 'SET b 2'], { target, confirm: async () => false })
    expect(api.calls.filter((c) => c.method === 'console.exec').map((c) => (c.params as { argv: string[] }).argv)).toEqual([['SET', 'a', '1']])
    expect(consoles.session('n1').lines.at(-1)?.text).toBe('(1 pasted line(s) not run)')
  })
})

describe('console busy state', () => {
  it('is busy from the start of a line: one entered while the command table loads is not run ahead of it', async () => {
    let releaseTable: (table: never[]) => void = () => {}
    api.handlers['console.commands'] = () => new Promise((resolve) => (releaseTable = resolve))
    api.handlers['console.exec'] = (p) => ({ type: 'status', value: (p as { argv: string[] }).argv.join(' ') })
    const consoles = useConsoleStore()
    const target = { name: 'm', address: 'h:1', role: 'master' as const }
    const first = consoles.run('n1', 'p>', 'SET a 1', { target, confirm: async () => true })
    await Promise.resolve()
    expect(consoles.session('n1').running).toBe(true)
    await consoles.run('n1', 'p>', 'INCR visits', { target, confirm: async () => true })
    releaseTable([])
    await first
    const lines = consoles.session('n1').lines.map((l) => l.text)
    expect(lines.at(-1)).toBe('SET a 1')
    expect(lines.some((t) => t.includes('INCR'))).toBe(false)
    expect(consoles.session('n1').running).toBe(false)
  })
})

describe('console streams', () => {
  it('prints batches per frame, caps a flood, and ends on the last batch', async () => {
    vi.useFakeTimers()
    api.handlers['console.streamStart'] = () => ({ streamId: 's1' })
    const consoles = useConsoleStore()
    await consoles.run('n1', 'p>', 'SUBSCRIBE ch')
    expect(consoles.session('n1').streamId).toBe('s1')
    const message = (i: number): ConsoleReply => ({ type: 'array', items: [{ type: 'bulk', value: 'message' }, { type: 'bulk', value: 'ch' }, { type: 'bulk', value: `m${i}` }] })
    for (let b = 0; b < 3; b++) {
      api.streamListener?.({ streamId: 's1', nodeId: 'n1', messages: Array.from({ length: 2000 }, (_, i) => message(b * 2000 + i)), dropped: 0 })
    }
    // Another stream's batch (an old one) is not printed here.
    api.streamListener?.({ streamId: 'old', nodeId: 'n1', messages: [message(-1)], dropped: 0 })
    expect(consoles.session('n1').lines).toHaveLength(2)
    vi.advanceTimersByTime(20)
    const lines = consoles.session('n1').lines
    expect(lines.length).toBeLessThanOrEqual(MAX_LINES)
    expect(lines.at(-1)?.text).toBe('1) "message"\n2) "ch"\n3) "m5999"')
    expect(lines.some((l) => l.text === `(${6000 - (MAX_LINES - 10)} message(s) skipped to keep up)`)).toBe(true)
    api.streamListener?.({ streamId: 's1', nodeId: 'n1', messages: [], dropped: 0, ended: 'Stopped' })
    vi.advanceTimersByTime(20)
    expect(consoles.session('n1').streamId).toBeNull()
    expect(consoles.session('n1').lines.at(-1)?.text).toBe('(stream ended: Stopped)')
  })
})
