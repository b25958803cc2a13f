/** Pure logic behind the failover UI: settings checks, group detection, timeline times. */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { installApi, type RendererApi } from '../../renderer/src/api'
import { useFailoverStore } from '../../renderer/src/stores/failover'
import { useFleetStore } from '../../renderer/src/stores/fleet'
import {
  candidateFacts,
  recordsOfGroup,
  recordTitle,
  runningRecord,
  stepLabel,
  upsertRecord,
  writableText,
} from '../../renderer/src/failover-timeline'
import type { ApiEvent, ApiEvents, ApiMethod, ApiParams, ApiResult } from '../../shared/api'
import {
  COOL_DOWN_MESSAGE,
  DOWN_AFTER_MESSAGE,
  formatDuration,
  parseFailoverSettings,
} from '../../renderer/src/failover-form'
import { groupOf, replicationGroups } from '../../renderer/src/failover-groups'
import { formatClock, formatDateTime, formatElapsed } from '../../renderer/src/failover-time'
import type { FailoverCandidate, FailoverPlan, FailoverRecord, NodeView } from '../../shared/types'

function node(id: string, port: number, masterPort?: number, live = true): NodeView {
  return {
    spec: { id, name: id, kind: 'local', host: '127.0.0.1', port, config: {}, createdAt: 0 },
    status: {
      id,
      processState: live ? 'running' : 'crashed',
      live,
      role: masterPort === undefined ? 'master' : 'replica',
      keys: 0,
      usedMemory: 0,
      usedMemoryHuman: '0B',
      opsPerSec: 0,
      connectedClients: 0,
      replOffset: 0,
      masterHost: masterPort === undefined ? undefined : '127.0.0.1',
      masterPort,
      masterLinkStatus: masterPort === undefined ? undefined : 'up',
      connectedReplicas: 0,
      updatedAt: 0,
    },
  }
}

describe('automatic failover settings', () => {
  const valid = { enabled: true, downAfterMs: '5000', cooldownMs: '60000' }

  it('accepts whole milliseconds within bounds, spaces trimmed', () => {
    expect(parseFailoverSettings({ enabled: false, downAfterMs: ' 500 ', cooldownMs: '1000' })).toEqual({
      ok: true,
      value: { enabled: false, downAfterMs: 500, cooldownMs: 1000 },
    })
    expect(parseFailoverSettings(valid)).toEqual({ ok: true, value: { enabled: true, downAfterMs: 5000, cooldownMs: 60000 } })
    expect(parseFailoverSettings({ ...valid, downAfterMs: '3600000', cooldownMs: '86400000' }).ok).toBe(true)
  })

  it.each(['', 'abc', '-1', '1.5', '5s', '1e4', '499', '3600001', '0'])('refuses down-after %j with its message', (bad) => {
    expect(parseFailoverSettings({ ...valid, downAfterMs: bad })).toEqual({ ok: false, message: DOWN_AFTER_MESSAGE })
  })

  it.each(['', 'x', '999', '86400001', '+5000', '10 000'])('refuses cool-down %j with its message', (bad) => {
    expect(parseFailoverSettings({ ...valid, cooldownMs: bad })).toEqual({ ok: false, message: COOL_DOWN_MESSAGE })
  })

  it('checks values even while automatic failover is off', () => {
    expect(parseFailoverSettings({ enabled: false, downAfterMs: 'soon', cooldownMs: '1000' }).ok).toBe(false)
  })

  it('messages name the field and its bounds', () => {
    expect(DOWN_AFTER_MESSAGE).toBe('Down after must be a whole number of milliseconds from 500 to 3600000.')
    expect(COOL_DOWN_MESSAGE).toBe('Cool-down must be a whole number of milliseconds from 1000 to 86400000.')
  })

  it('summarises durations', () => {
    expect(formatDuration(800)).toBe('800 ms')
    expect(formatDuration(5000)).toBe('5 s')
    expect(formatDuration(1500)).toBe('1.5 s')
    expect(formatDuration(60_000)).toBe('1 min')
    expect(formatDuration(90_000)).toBe('1.5 min')
  })
})

describe('replication groups', () => {
  it('a master with replicas and sub-replicas is one group; a lone master is none', () => {
    const nodes = [node('m', 7000), node('a', 7001, 7000), node('b', 7002, 7001), node('lone', 7003), node('c', 7004, 7000)]
    const groups = replicationGroups(nodes)
    expect(groups.map((g) => [g.master.spec.id, g.members.map((m) => m.spec.id)])).toEqual([['m', ['a', 'b', 'c']]])
    expect(groupOf('b', nodes)?.master.spec.id).toBe('m')
    expect(groupOf('m', nodes)?.master.spec.id).toBe('m')
    expect(groupOf('lone', nodes)).toBeNull()
  })

  it('a master that went down keeps its group while its replicas still name it', () => {
    const nodes = [node('m', 7000, undefined, false), node('a', 7001, 7000)]
    expect(replicationGroups(nodes).map((g) => g.master.spec.id)).toEqual(['m'])
  })

  it('a down node stored as a replica of a group node stays in that group until it is back', () => {
    const oldMaster = node('m', 7000, undefined, false)
    oldMaster.spec.replicaOf = { nodeId: 'a', host: '127.0.0.1', port: 7001 }
    const nodes = [oldMaster, node('a', 7001)]
    expect(replicationGroups(nodes).map((g) => [g.master.spec.id, g.members.map((m) => m.spec.id)])).toEqual([['a', ['m']]])
    expect(groupOf('a', nodes)?.master.spec.id).toBe('a')
    // Running again but not yet a replica: its own answer wins (no group until it follows).
    const back = { ...oldMaster, status: { ...oldMaster.status, live: true, processState: 'running' as const } }
    expect(replicationGroups([back, node('a', 7001)])).toEqual([])
  })

  it('after a failover the group follows the new master', () => {
    const nodes = [node('m', 7000, 7001), node('a', 7001), node('c', 7004, 7001)]
    const groups = replicationGroups(nodes)
    expect(groups.map((g) => g.master.spec.id)).toEqual(['a'])
    expect(groups[0].members.map((m) => m.spec.id).sort()).toEqual(['c', 'm'])
  })
})

describe('timeline times', () => {
  it('clock to the millisecond in local time', () => {
    const at = new Date(2024, 4, 1, 9, 3, 7, 42).getTime()
    expect(formatClock(at)).toBe('09:03:07.042')
    expect(formatDateTime(at)).toBe('2024-05-01 09:03:07')
  })

  it('elapsed since the start', () => {
    expect(formatElapsed(1000, 1000)).toBe('+0 ms')
    expect(formatElapsed(1850, 1000)).toBe('+850 ms')
    expect(formatElapsed(2250, 1000)).toBe('+1.25 s')
    expect(formatElapsed(3000, 1000)).toBe('+2 s')
    expect(formatElapsed(66_000, 1000)).toBe('+1 min 5 s')
    // A step stamped a hair before the start (clock rounding) reads as the start.
    expect(formatElapsed(990, 1000)).toBe('+0 ms')
  })
})

function candidate(over: Partial<FailoverCandidate> = {}): FailoverCandidate {
  return {
    nodeId: 'a',
    name: 'g-replica-1',
    host: '127.0.0.1',
    port: 7001,
    depth: 1,
    answers: true,
    linkStatus: 'up',
    lastIoSecondsAgo: 0,
    linkDownSinceSeconds: null,
    replOffset: 123456,
    lagBytes: 0,
    replicaPriority: 100,
    runId: 'r',
    eligible: true,
    reason: 'priority 100, offset 123456 (highest)',
    ...over,
  }
}

function record(id: string, startedAt: number, over: Partial<FailoverRecord> = {}): FailoverRecord {
  return { id, oldMasterId: 'm', mode: 'coordinated', trigger: 'manual', startedAt, outcome: 'succeeded', steps: [], ...over }
}

describe('timeline text', () => {
  it('labels steps, with the kind of resync when known', () => {
    expect(stepLabel({ kind: 'resync', resync: 'partial' })).toBe('Resync (partial)')
    expect(stepLabel({ kind: 'resync', resync: 'full' })).toBe('Resync (full)')
    expect(stepLabel({ kind: 'resync', resync: 'unknown' })).toBe('Resync')
    expect(stepLabel({ kind: 'promotion' })).toBe('Promotion')
    expect(stepLabel({ kind: 'sync-wait' })).toBe('Replica caught up')
  })

  it('a candidate line gives the figures the choice ranked on', () => {
    expect(candidateFacts(candidate())).toBe('offset 123,456 · lag 0 B · priority 100 · link up')
    expect(candidateFacts(candidate({ lagBytes: null, replicaPriority: null, linkStatus: 'down', linkDownSinceSeconds: 4 }))).toBe(
      'offset 123,456 · lag unknown · priority unknown · link down for 4 s',
    )
    expect(candidateFacts(candidate({ answers: false, linkStatus: 'unknown' }))).toBe('offset 123,456 · lag 0 B · priority 100 · not answering')
  })

  it('records: a push replaces its earlier copy, newest first; a group sees its old and new masters\' runs', () => {
    let list = upsertRecord([], record('r1', 100))
    list = upsertRecord(list, record('r2', 200, { outcome: 'running', oldMasterId: 'a' }))
    list = upsertRecord(list, record('r1', 100, { newMasterId: 'a' }))
    expect(list.map((r) => r.id)).toEqual(['r2', 'r1'])
    expect(list[1].newMasterId).toBe('a')
    expect(recordsOfGroup(list, new Set(['a'])).map((r) => r.id)).toEqual(['r2', 'r1'])
    expect(recordsOfGroup(list, new Set(['m'])).map((r) => r.id)).toEqual(['r1'])
    expect(recordsOfGroup(list, new Set(['x']))).toEqual([])
    expect(runningRecord(list, new Set(['a']))?.id).toBe('r2')
    expect(runningRecord(list, new Set(['m']))).toBeNull()
  })

  it('titles and the time to writable', () => {
    const names: Record<string, string> = { m: 'g-master', a: 'g-replica-1' }
    expect(recordTitle(record('r', 0, { newMasterId: 'a' }), (id) => names[id])).toBe('g-master → g-replica-1')
    expect(recordTitle(record('r', 0), (id) => names[id])).toBe('g-master → …')
    expect(recordTitle(record('r', 0, { oldMasterId: 'gone', newMasterId: 'a' }), (id) => names[id])).toBe('gone → g-replica-1')
    expect(writableText({ writableAfterMs: 412 })).toBe('writable after 412 ms')
    expect(writableText({ writableAfterMs: 1500 })).toBe('writable after 1.50 s')
    expect(writableText({})).toBeNull()
  })
})

type Handler = (params: unknown) => unknown

/** Answers calls from `handlers` (a thrown Error becomes a rejected call); pushes events on demand. */
class FakeApi implements RendererApi {
  readonly calls: { method: ApiMethod; params: unknown }[] = []
  readonly handlers: Partial<Record<ApiMethod, Handler>> = {}
  private readonly listeners = new Map<ApiEvent, ((payload: never) => void)[]>()

  async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    this.calls.push({ method, params })
    const handler = this.handlers[method]
    if (!handler) throw new Error(`unexpected call ${method}`)
    return handler(params) as ApiResult<M>
  }
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as (payload: never) => void])
    return () => {}
  }
  onConnection(listener: (up: boolean) => void): () => void {
    listener(true)
    return () => {}
  }
  push<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: ApiEvents[E]) => void)(payload)
  }
}

function plan(over: Partial<FailoverPlan> = {}): FailoverPlan {
  return {
    groupMasterId: 'm',
    masterName: 'g-master',
    mode: 'coordinated',
    masterAnswers: true,
    masterReplOffset: 123456,
    candidates: [candidate()],
    chosenId: 'a',
    reason: 'g-master answers: coordinated failover',
    repointIds: [],
    auto: { groupMasterId: 'm', enabled: false, downAfterMs: 5000, cooldownMs: 60000 },
    ...over,
  }
}

describe('failover store', () => {
  let api: FakeApi
  beforeEach(() => {
    setActivePinia(createPinia())
    api = new FakeApi()
    installApi(api)
  })

  it('loads the timeline at start and keeps it current from pushes', async () => {
    api.handlers['failover.timeline'] = () => [record('old', 10)]
    const store = useFailoverStore()
    store.start()
    await Promise.resolve()
    await Promise.resolve()
    expect(store.records.map((r) => r.id)).toEqual(['old'])
    api.push('failover.progress', record('new', 20, { outcome: 'running' }))
    api.push('failover.progress', record('new', 20, { outcome: 'succeeded', newMasterId: 'a' }))
    expect(store.records.map((r) => [r.id, r.outcome])).toEqual([
      ['new', 'succeeded'],
      ['old', 'succeeded'],
    ])
  })

  it('reads the timeline again when a role changes (a run whose pushes were missed)', async () => {
    const store = useFailoverStore()
    const fleet = useFleetStore()
    api.handlers['failover.timeline'] = () => []
    store.start()
    fleet.upsert(node('m', 7000))
    fleet.upsert(node('a', 7001, 7000))
    await new Promise((resolve) => setTimeout(resolve, 0))
    const loads = (): number => api.calls.filter((c) => c.method === 'failover.timeline').length
    const before = loads()
    api.handlers['failover.timeline'] = () => [record('missed', 50, { newMasterId: 'a' })]
    fleet.upsert({ ...node('a', 7001), status: { ...node('a', 7001).status, keys: 5 } })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(loads()).toBe(before + 1)
    expect(store.records.map((r) => r.id)).toEqual(['missed'])
    // Other changes (keys, memory) do not reload it.
    fleet.upsert({ ...node('a', 7001), status: { ...node('a', 7001).status, keys: 6 } })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(loads()).toBe(before + 1)
    // A run this page last saw running is replaced by main's finished copy.
    store.apply(record('missed', 50, { outcome: 'running' }))
    await store.loadTimeline()
    expect(store.records.map((r) => r.outcome)).toEqual(['succeeded'])
  })

  it('asks with a fresh plan, then follows the run it started: pushed steps first, the answer last', async () => {
    const store = useFailoverStore()
    store.start()
    store.apply(record('earlier', 5))
    api.handlers['failover.plan'] = () => plan()
    let finish: (r: FailoverRecord) => void = () => {}
    api.handlers['failover.run'] = () => new Promise<FailoverRecord>((resolve) => (finish = resolve))

    await store.ask('m')
    expect(store.dialog?.phase).toBe('confirm')
    expect(store.dialog?.plan.chosenId).toBe('a')
    expect(store.auto.m.enabled).toBe(false)

    const running = store.confirm()
    expect(api.calls.at(-1)).toEqual({ method: 'failover.run', params: { groupMasterId: 'm', candidateId: 'a' } })
    expect(store.dialog?.phase).toBe('running')
    expect(store.dialogRecord).toBeNull()
    const step = { at: 31, kind: 'detection' as const, message: 'button pressed; master answers', sinceStartMs: 1 }
    api.push('failover.progress', record('run', 30, { outcome: 'running', steps: [step] }))
    expect(store.dialogRecord?.id).toBe('run')
    expect(store.dialogRecord?.steps).toHaveLength(1)

    finish(record('run', 30, { newMasterId: 'a', steps: [step, { ...step, kind: 'promotion' }] }))
    await running
    expect(store.dialog?.phase).toBe('finished')
    expect(store.dialogRecord?.steps.map((s) => s.kind)).toEqual(['detection', 'promotion'])
    store.close()
    expect(store.dialog).toBeNull()
    expect(store.records.map((r) => r.id)).toEqual(['run', 'earlier'])
  })

  it('Cancel sends nothing; a plan with no candidate cannot be confirmed', async () => {
    const store = useFailoverStore()
    api.handlers['failover.plan'] = () => plan({ chosenId: undefined, reason: 'no replica answers' })
    await store.ask('m')
    expect(await store.confirm()).toBeNull()
    store.close()
    expect(api.calls.map((c) => c.method)).toEqual(['failover.plan'])
  })

  it('a refused plan or run is a message, not an exception', async () => {
    const store = useFailoverStore()
    api.handlers['failover.plan'] = () => {
      throw new Error('unknown node m')
    }
    expect(await store.ask('m')).toBeNull()
    expect(store.planErrors.m).toBe('Could not plan the failover: unknown node m')
    expect(store.dialog).toBeNull()

    api.handlers['failover.plan'] = () => plan()
    api.handlers['failover.run'] = () => {
      throw new Error('a failover of this group is already running')
    }
    await store.ask('m')
    expect(store.planErrors.m).toBeUndefined()
    await store.confirm()
    expect(store.dialog?.phase).toBe('finished')
    expect(store.dialog?.error).toBe('a failover of this group is already running')
  })

  it('saves automatic settings; a refusal stays next to the form', async () => {
    const store = useFailoverStore()
    api.handlers['failover.setAuto'] = (p) => ({ ...(p as object) })
    expect(await store.saveAuto('m', { enabled: true, downAfterMs: 800, cooldownMs: 2000 })).toBe(true)
    expect(api.calls.at(-1)?.params).toEqual({ groupMasterId: 'm', enabled: true, downAfterMs: 800, cooldownMs: 2000 })
    expect(store.auto.m).toEqual({ groupMasterId: 'm', enabled: true, downAfterMs: 800, cooldownMs: 2000 })
    api.handlers['failover.setAuto'] = () => {
      throw new Error('downAfterMs must be at least 500')
    }
    expect(await store.saveAuto('m', { enabled: true, downAfterMs: 800, cooldownMs: 2000 })).toBe(false)
    expect(store.autoErrors.m).toBe('Could not save: downAfterMs must be at least 500')
    expect(store.auto.m.downAfterMs).toBe(800)
  })

  it('kill and restart update the node at once; a refusal reaches the fleet banner', async () => {
    const store = useFailoverStore()
    const fleet = useFleetStore()
    fleet.upsert(node('m', 7000))
    api.handlers['node.kill'] = () => node('m', 7000, undefined, false)
    await store.kill('m')
    expect(fleet.nodes[0].status.processState).toBe('crashed')
    expect(store.nodeOutcomes.m).toEqual({ ok: true, text: 'm was killed (SIGKILL).' })
    api.handlers['node.restart'] = () => {
      throw new Error('external nodes cannot be restarted')
    }
    await store.restart('m')
    expect(fleet.error).toBe('Could not restart m: external nodes cannot be restarted')
    expect(store.nodeBusy).toEqual({})
  })
})
