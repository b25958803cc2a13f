/** Fleet and console stores against a scripted fake of the API. */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { installApi, type RendererApi } from '../../renderer/src/api'
import { useFleetStore } from '../../renderer/src/stores/fleet'
import { INVALID_ARGUMENTS, useConsoleStore } from '../../renderer/src/stores/console-sessions'
import { parseCreateForm, PORT_MESSAGE } from '../../renderer/src/node-form'
import { usePersistenceStore } from '../../renderer/src/stores/persistence'
import { aofText, formatAge, lastSaveText, persistenceFailing, persistenceSummary, saveText } from '../../renderer/src/persistence'
import type { ApiEvents, ApiMethod, ApiParams, ApiResult } from '../../shared/api'
import type { ConsoleReply, NodeView, PersistenceStatus } from '../../shared/types'

function nodeView(id: string, port: number, processState: NodeView['status']['processState'] = 'running'): NodeView {
  return {
    spec: { id, name: id, kind: 'local', host: '127.0.0.1', port, config: {}, createdAt: 0 },
    status: {
      id,
      processState,
      live: processState === 'running',
      role: 'master',
      keys: 0,
      usedMemory: 0,
      usedMemoryHuman: '0B',
      opsPerSec: 0,
      connectedClients: 0,
      replOffset: 0,
      connectedReplicas: 0,
      updatedAt: 0,
    },
  }
}

type Handler = (params: unknown) => unknown

/** Answers calls from `handlers` (a thrown Error becomes a rejected call) and records them. */
class FakeApi implements RendererApi {
  readonly calls: { method: ApiMethod; params: unknown }[] = []
  readonly handlers: Partial<Record<ApiMethod, Handler>> = {}
  private fleetListeners: ((nodes: NodeView[]) => void)[] = []
  private connectionListeners: ((up: boolean) => void)[] = []

  async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    this.calls.push({ method, params })
    const handler = this.handlers[method]
    if (!handler) throw new Error(`unexpected call ${method}`)
    return handler(params) as ApiResult<M>
  }
  on<E extends keyof ApiEvents>(_event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    this.fleetListeners.push(listener as (nodes: NodeView[]) => void)
    return () => {}
  }
  onConnection(listener: (up: boolean) => void): () => void {
    this.connectionListeners.push(listener)
    return () => {}
  }
  push(nodes: NodeView[]): void {
    for (const l of this.fleetListeners) l(nodes)
  }
  connect(up: boolean): void {
    for (const l of this.connectionListeners) l(up)
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

let api: FakeApi
beforeEach(() => {
  setActivePinia(createPinia())
  api = new FakeApi()
  installApi(api)
})

describe('fleet store', () => {
  it('loads the list when connected, again after a reconnect, and follows pushes', async () => {
    let listed = [nodeView('a', 7001)]
    api.handlers['fleet.list'] = () => listed
    const fleet = useFleetStore()
    fleet.start()
    api.connect(true)
    await flush()
    expect(fleet.nodes.map((n) => n.spec.id)).toEqual(['a'])
    api.push([nodeView('a', 7001), nodeView('b', 7002)])
    expect(fleet.nodes.map((n) => n.spec.id)).toEqual(['a', 'b'])
    api.connect(false)
    expect(fleet.connected).toBe(false)
    listed = [nodeView('c', 7003)]
    api.connect(true)
    await flush()
    expect(fleet.nodes.map((n) => n.spec.id)).toEqual(['c'])
  })

  it('shows a failed action as a message naming the node, and clears it on the next success', async () => {
    api.handlers['node.start'] = () => {
      throw new Error('port 7001 is in use')
    }
    const fleet = useFleetStore()
    fleet.nodes = [nodeView('a', 7001, 'stopped')]
    expect(await fleet.startNode('a')).toBe(false)
    expect(fleet.error).toBe('Could not start a: port 7001 is in use')
    expect(fleet.busy).toEqual({})
    api.handlers['node.stop'] = () => nodeView('a', 7001, 'stopped')
    expect(await fleet.stopNode('a')).toBe(true)
    expect(fleet.error).toBeNull()
  })

  it('adds a created node at once and drops a removed one (and its selection)', async () => {
    api.handlers['node.create'] = (params) => {
      expect(params).toEqual({ name: 'x', port: 7100 })
      return nodeView('x', 7100)
    }
    api.handlers['node.remove'] = () => ({ removed: true })
    const fleet = useFleetStore()
    const created = await fleet.create({ name: 'x', port: 7100 })
    expect(created?.spec.id).toBe('x')
    fleet.select('x')
    expect(fleet.selected?.spec.port).toBe(7100)
    expect(await fleet.removeNode('x')).toBe(true)
    expect(fleet.nodes).toEqual([])
    expect(fleet.selected).toBeNull()
  })
})

describe('create form', () => {
  it('accepts an empty port (auto) and ports 1-65535, refuses anything else', () => {
    expect(parseCreateForm('  ', '')).toEqual({ ok: true, request: {} })
    expect(parseCreateForm(' n1 ', ' 7000 ')).toEqual({ ok: true, request: { name: 'n1', port: 7000 } })
    expect(parseCreateForm('', '1')).toEqual({ ok: true, request: { port: 1 } })
    expect(parseCreateForm('', '65535')).toEqual({ ok: true, request: { port: 65535 } })
    for (const bad of ['0', '65536', '70000', '-1', 'abc', '12.5', '1e3', '0x10', '123456']) {
      expect(parseCreateForm('', bad)).toEqual({ ok: false, message: PORT_MESSAGE })
    }
  })
})

describe('console store', () => {
  const reply = (r: ConsoleReply) => () => r

  it('splits the line like redis-cli and prints the reply in its format', async () => {
    api.handlers['console.exec'] = reply({ type: 'array', items: [{ type: 'bulk', value: 'a' }, { type: 'bulk', value: 'b c' }] })
    const consoles = useConsoleStore()
    await consoles.run('n1', '127.0.0.1:7001>', `LRANGE "my list" 0 -1`)
    expect(api.calls[0]).toEqual({ method: 'console.exec', params: { id: 'n1', argv: ['LRANGE', 'my list', '0', '-1'] } })
    expect(consoles.session('n1').lines.map(({ kind, prompt, text }) => ({ kind, prompt, text }))).toEqual([
      { kind: 'command', prompt: '127.0.0.1:7001>', text: 'LRANGE "my list" 0 -1' },
      { kind: 'reply', prompt: undefined, text: '1) "a"\n2) "b c"' },
    ])
  })

  it('refuses unbalanced quotes without calling the node, as redis-cli does', async () => {
    const consoles = useConsoleStore()
    await consoles.run('n1', 'p>', 'SET "abc')
    expect(api.calls).toEqual([])
    expect(consoles.session('n1').lines.at(-1)).toMatchObject({ kind: 'error', text: INVALID_ARGUMENTS })
  })

  it('prints error replies and transport failures as errors', async () => {
    const consoles = useConsoleStore()
    api.handlers['console.exec'] = reply({ type: 'error', value: 'WRONGTYPE Operation against a key holding the wrong kind of value' })
    await consoles.run('n1', 'p>', 'GET l')
    expect(consoles.session('n1').lines.at(-1)).toMatchObject({
      kind: 'error',
      text: '(error) WRONGTYPE Operation against a key holding the wrong kind of value',
    })
    api.handlers['console.exec'] = () => {
      throw new Error('connection to Tandem lost')
    }
    await consoles.run('n1', 'p>', 'PING')
    expect(consoles.session('n1').lines.at(-1)).toMatchObject({ kind: 'error', text: 'connection to Tandem lost' })
    expect(consoles.session('n1').running).toBe(false)
  })

  it('shows INFO raw with plain line breaks', async () => {
    api.handlers['console.exec'] = reply({ type: 'bulk', value: '# Server\r\nredis_version:7.0.15\r\n' })
    const consoles = useConsoleStore()
    await consoles.run('n1', 'p>', 'info server')
    expect(consoles.session('n1').lines.at(-1)?.text).toBe('# Server\nredis_version:7.0.15')
  })

  it('walks history with up/down, keeps the draft, skips immediate repeats, keeps nodes apart', async () => {
    api.handlers['console.exec'] = reply({ type: 'status', value: 'OK' })
    const consoles = useConsoleStore()
    for (const line of ['SET a 1', 'SET b 2', 'SET b 2', 'GET a']) await consoles.run('n1', 'p>', line)
    await consoles.run('n2', 'p>', 'PING')
    expect(consoles.session('n1').history).toEqual(['SET a 1', 'SET b 2', 'GET a'])
    expect(consoles.historyUp('n1', 'half-typed')).toBe('GET a')
    expect(consoles.historyUp('n1', 'GET a')).toBe('SET b 2')
    expect(consoles.historyUp('n1', 'SET b 2')).toBe('SET a 1')
    expect(consoles.historyUp('n1', 'SET a 1')).toBeNull()
    expect(consoles.historyDown('n1')).toBe('SET b 2')
    expect(consoles.historyDown('n1')).toBe('GET a')
    expect(consoles.historyDown('n1')).toBe('half-typed')
    expect(consoles.historyDown('n1')).toBeNull()
    expect(consoles.historyUp('n2', '')).toBe('PING')
  })

  it('ignores blank lines and clears the screen on `clear` without sending it', async () => {
    api.handlers['console.exec'] = reply({ type: 'status', value: 'PONG' })
    const consoles = useConsoleStore()
    await consoles.run('n1', 'p>', '   ')
    expect(consoles.session('n1').lines).toEqual([])
    await consoles.run('n1', 'p>', 'PING')
    await consoles.run('n1', 'p>', 'CLEAR')
    expect(consoles.session('n1').lines).toEqual([])
    expect(api.calls).toHaveLength(1)
  })
})

function persistenceState(overrides: Partial<PersistenceStatus> = {}): PersistenceStatus {
  return {
    loading: false,
    changesSinceLastSave: 340,
    lastSaveAt: 1_000_000,
    bgsaveInProgress: false,
    lastBgsaveStatus: 'ok',
    lastBgsaveDurationSec: -1,
    aofEnabled: true,
    aofRewriteInProgress: false,
    aofRewriteScheduled: false,
    lastAofRewriteDurationSec: -1,
    lastAofRewriteStatus: 'ok',
    lastAofWriteStatus: 'ok',
    ...overrides,
  }
}

describe('persistence line', () => {
  it('reads like "saved 12 s ago · 340 changes · AOF on · rewriting…"', () => {
    const now = 1_012_400
    expect(persistenceSummary(persistenceState({ aofRewriteInProgress: true }), now)).toBe('saved 12 s ago · 340 changes · AOF on · rewriting…')
    expect(persistenceSummary(persistenceState({ changesSinceLastSave: 1, aofEnabled: false }), now)).toBe('saved 12 s ago · 1 change · AOF off')
    expect(persistenceSummary(persistenceState({ changesSinceLastSave: 0, bgsaveInProgress: true }), now)).toBe('saving… · 0 changes · AOF on')
  })

  it('counts age in s, min, h, d and never in the future', () => {
    expect(formatAge(10_000, 10_500)).toBe('just now')
    expect(formatAge(10_000, 5_000)).toBe('just now')
    expect(formatAge(0, 59_999)).toBe('59 s ago')
    expect(formatAge(0, 60_000)).toBe('1 min ago')
    expect(formatAge(0, 3 * 3600_000)).toBe('3 h ago')
    expect(formatAge(0, 5 * 86400_000)).toBe('5 d ago')
  })

  it('says when a save or rewrite failed, is scheduled, or the server is loading', () => {
    expect(saveText(persistenceState({ lastBgsaveStatus: 'err' }), 1_002_000)).toBe('saved 2 s ago · last save failed')
    expect(saveText(persistenceState({ loading: true }), 0)).toBe('loading data…')
    expect(lastSaveText(persistenceState(), 1_003_000)).toBe('3 s ago')
    expect(lastSaveText(persistenceState({ bgsaveInProgress: true }), 0)).toBe('saving…')
    expect(lastSaveText(persistenceState({ lastBgsaveStatus: 'err' }), 1_000_000)).toBe('just now · last save failed')
    expect(aofText(persistenceState({ aofRewriteScheduled: true }))).toBe('AOF on · rewrite scheduled')
    expect(aofText(persistenceState({ lastAofRewriteStatus: 'err' }))).toBe('AOF on · last rewrite failed')
    expect(aofText(persistenceState({ lastAofWriteStatus: 'err' }))).toBe('AOF on · AOF write failing')
    expect(persistenceFailing(persistenceState())).toBe(false)
    expect(persistenceFailing(persistenceState({ lastBgsaveStatus: 'err' }))).toBe(true)
  })
})

describe('persistence store', () => {
  it('Save calls node.save, applies the returned node and keeps the server message', async () => {
    const saving = nodeView('a', 7001)
    saving.status.persistence = persistenceState({ bgsaveInProgress: true })
    api.handlers['node.save'] = () => ({ message: 'Background saving started', node: saving })
    const fleet = useFleetStore()
    fleet.nodes = [nodeView('a', 7001)]
    const persistence = usePersistenceStore()
    const pending = persistence.save('a')
    expect(persistence.busy).toEqual({ a: 'save' })
    // A second click while the first is in flight sends nothing.
    expect(await persistence.save('a')).toBe(false)
    expect(await pending).toBe(true)
    expect(api.calls).toEqual([{ method: 'node.save', params: { id: 'a' } }])
    expect(persistence.busy).toEqual({})
    expect(persistence.outcomes.a).toMatchObject({ action: 'save', ok: true, text: 'Background saving started' })
    expect(fleet.nodes[0].status.persistence?.bgsaveInProgress).toBe(true)
  })

  it('a refused Rewrite AOF stays visible as an error for that node only, until the next action', async () => {
    api.handlers['node.rewriteAof'] = () => {
      throw new Error('BGREWRITEAOF on "a" failed: ERR Background append only file rewriting already in progress')
    }
    const persistence = usePersistenceStore()
    expect(await persistence.rewriteAof('a')).toBe(false)
    expect(persistence.outcomes.a).toMatchObject({
      action: 'rewriteAof',
      ok: false,
      text: 'Rewrite AOF failed: BGREWRITEAOF on "a" failed: ERR Background append only file rewriting already in progress',
    })
    expect(persistence.outcomes.b).toBeUndefined()
    api.handlers['node.rewriteAof'] = () => ({ message: 'Background append only file rewriting started', node: nodeView('a', 7001) })
    expect(await persistence.rewriteAof('a')).toBe(true)
    expect(persistence.outcomes.a.ok).toBe(true)
    persistence.forget('a')
    expect(persistence.outcomes.a).toBeUndefined()
  })
})
