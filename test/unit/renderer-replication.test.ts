/** The renderer's replication pieces: topology tree, form checks, lag chart columns, the replication store. */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { installApi, type RendererApi } from '../../renderer/src/api'
import { buildTopology, type TopologyNode } from '../../renderer/src/topology'
import {
  ADDRESS_MESSAGE,
  HOST_MESSAGE,
  PASSWORD_MESSAGE,
  PORT_MESSAGE,
  REPLICA_COUNT_MESSAGE,
  parseAddress,
  parseExternalServer,
  parseReplicaCount,
} from '../../renderer/src/replication-form'
import { alignLagSeries } from '../../renderer/src/lag-chart'
import { formatBytes } from '../../renderer/src/replication-format'
import { lagText, linkText, runningSync } from '../../renderer/src/replication-view'
import { useReplicationStore } from '../../renderer/src/stores/replication'
import { useFleetStore } from '../../renderer/src/stores/fleet'
import type { ApiMethod, ApiParams, ApiResult } from '../../shared/api'
import type { LagSample, NodeView, ReplicaLinkStatus } from '../../shared/types'

function node(id: string, port: number, master?: { host: string; port: number; nodeId?: string }, link: Partial<ReplicaLinkStatus> = {}): NodeView {
  const role = master ? 'replica' : 'master'
  return {
    spec: { id, name: id, kind: 'local', host: '127.0.0.1', port, config: {}, createdAt: 0 },
    status: {
      id,
      processState: 'running',
      live: true,
      role,
      keys: 0,
      usedMemory: 0,
      usedMemoryHuman: '0B',
      opsPerSec: 0,
      connectedClients: 0,
      replOffset: 0,
      connectedReplicas: 0,
      updatedAt: 1_000,
      ...(master ? { masterHost: master.host, masterPort: master.port } : {}),
      replication: {
        role,
        replId: 'x'.repeat(40),
        masterReplOffset: 0,
        replicas: [],
        ...(master
          ? {
              link: {
                masterHost: master.host,
                masterPort: master.port,
                ...(master.nodeId ? { masterNodeId: master.nodeId } : {}),
                linkStatus: 'up',
                state: 'connected',
                lastIoSecondsAgo: 0,
                replOffset: 0,
                ...link,
              },
            }
          : {}),
      },
    },
  }
}

/** The tree as `name(child,child)` text, easy to compare. */
function shape(roots: TopologyNode[]): string {
  const one = (n: TopologyNode): string => `${n.view?.spec.name ?? n.address}${n.children.length ? `(${n.children.map(one).join(',')})` : ''}`
  return roots.map(one).join(' ')
}

describe('buildTopology', () => {
  it('draws masters, replicas and sub-replicas; loopback names are one machine', () => {
    const nodes = [node('m', 7000), node('r1', 7001, { host: 'localhost', port: 7000 }), node('r2', 7002, { host: '127.0.0.1', port: 7000 }), node('s1', 7003, { host: '127.0.0.1', port: 7001 }), node('solo', 7004)]
    expect(shape(buildTopology(nodes))).toBe('m(r1(s1),r2) solo')
  })

  it('follows the control plane’s match to a fleet node over the reported address', () => {
    const nodes = [node('m', 7000), node('r', 7001, { host: 'master.example', port: 9999, nodeId: 'm' })]
    expect(shape(buildTopology(nodes))).toBe('m(r)')
  })

  it('hangs replicas of a server outside the fleet under its address', () => {
    expect(shape(buildTopology([node('r', 7001, { host: '10.0.0.5', port: 6380 })]))).toBe('10.0.0.5:6380(r)')
  })

  it('shows every node once even in a loop of replicas', () => {
    const nodes = [node('a', 7000, { host: '127.0.0.1', port: 7001 }), node('b', 7001, { host: '127.0.0.1', port: 7000 })]
    expect(shape(buildTopology(nodes))).toBe('a(b)')
  })

  it('moves a node when its role changes', () => {
    const before = [node('m', 7000), node('r', 7001, { host: '127.0.0.1', port: 7000 })]
    expect(shape(buildTopology(before))).toBe('m(r)')
    expect(shape(buildTopology([node('m', 7000), node('r', 7001)]))).toBe('m r')
  })
})

describe('replication forms', () => {
  it('accepts 1 to 8 replicas only', () => {
    expect(parseReplicaCount(' 3 ')).toEqual({ ok: true, value: 3 })
    for (const bad of ['0', '9', '-1', '1.5', 'two', '']) expect(parseReplicaCount(bad)).toEqual({ ok: false, message: REPLICA_COUNT_MESSAGE })
  })

  it('reads host:port and [ipv6]:port, refuses the rest with a reason', () => {
    expect(parseAddress('127.0.0.1:6380')).toEqual({ ok: true, value: { host: '127.0.0.1', port: 6380 } })
    expect(parseAddress('[::1]:6380')).toEqual({ ok: true, value: { host: '::1', port: 6380 } })
    expect(parseAddress('redis-1.local:7000')).toEqual({ ok: true, value: { host: 'redis-1.local', port: 7000 } })
    expect(parseAddress('127.0.0.1')).toEqual({ ok: false, message: ADDRESS_MESSAGE })
    expect(parseAddress('127.0.0.1:70000')).toEqual({ ok: false, message: PORT_MESSAGE })
    expect(parseAddress('300.1.1.1:6379')).toEqual({ ok: false, message: HOST_MESSAGE })
  })

  it('checks the attach form field by field, keeping the password as typed', () => {
    const fields = { name: ' prod ', host: '10.0.0.5', port: '6380', username: '', password: ' s3cret ' }
    expect(parseExternalServer(fields)).toEqual({ ok: true, value: { name: 'prod', host: '10.0.0.5', port: 6380, password: ' s3cret ' } })
    expect(parseExternalServer({ ...fields, host: 'a b' })).toEqual({ ok: false, message: HOST_MESSAGE })
    expect(parseExternalServer({ ...fields, port: '' })).toEqual({ ok: false, message: PORT_MESSAGE })
    expect(parseExternalServer({ ...fields, password: 'a\nb' })).toEqual({ ok: false, message: PASSWORD_MESSAGE })
  })
})

describe('lag chart columns', () => {
  const sample = (at: number, lagBytes: number | null, lagSeconds: number | null = 0): LagSample => ({ at, lagBytes, lagSeconds, linkUp: lagBytes !== null })

  it('aligns replicas on whole seconds, leaves gaps for unknown lag, drops what is older than the window', () => {
    const now = 100_000
    const aligned = alignLagSeries(
      [
        { id: 'a', label: 'A', samples: [sample(1_000, 5), sample(98_100, 10), sample(99_200, 20)] },
        { id: 'b', label: 'B', samples: [sample(98_900, 7), sample(99_900, null)] },
      ],
      'bytes',
      now,
      60_000,
    )
    expect(aligned.labels).toEqual(['A', 'B'])
    expect(aligned.data).toEqual([
      [98, 99],
      [10, 20],
      [7, null],
    ])
    expect(aligned.points).toBe(3)
  })
})

describe('replication display', () => {
  it('reads link state, lag and a running sync', () => {
    const syncing = node('r', 7001, { host: '127.0.0.1', port: 7000 }, { linkStatus: 'down', state: 'sync', sync: { phase: 'transfer', bytesDone: 10, bytesTotal: 100, bytesPerSec: 5 } })
    expect(linkText(syncing)).toBe('down · syncing')
    expect(lagText(syncing)).toBe('–')
    expect(runningSync(syncing)?.phase).toBe('transfer')
    const streaming = node('r', 7001, { host: '127.0.0.1', port: 7000 }, { lagBytes: 2048, lagSeconds: 1, sync: { phase: 'streaming', bytesDone: 0, bytesTotal: -1, bytesPerSec: 0 } })
    expect(linkText(streaming)).toBe('up')
    expect(lagText(streaming)).toBe('2.0 KB · 1 s')
    expect(runningSync(streaming)).toBeUndefined()
    expect(linkText(node('m', 7000))).toBeNull()
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1536 * 1024)).toBe('1.5 MB')
  })
})

type Handler = (params: unknown) => unknown

class FakeApi implements RendererApi {
  readonly calls: { method: ApiMethod; params: unknown }[] = []
  readonly handlers: Partial<Record<ApiMethod, Handler>> = {}
  async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    this.calls.push({ method, params })
    const handler = this.handlers[method]
    if (!handler) throw new Error(`unexpected call ${method}`)
    return handler(params) as ApiResult<M>
  }
  on(): () => void {
    return () => {}
  }
  onConnection(): () => void {
    return () => {}
  }
}

describe('replication store', () => {
  let api: FakeApi
  beforeEach(() => {
    setActivePinia(createPinia())
    api = new FakeApi()
    installApi(api)
  })

  it('records one sample per poll for replicas only, and trims to the window', () => {
    const store = useReplicationStore()
    const m = node('m', 7000)
    const r = node('r', 7001, { host: '127.0.0.1', port: 7000 }, { lagBytes: 12, lagSeconds: 0 })
    store.record([m, r], 1_000)
    store.record([m, r], 1_000) // the same poll pushed twice
    expect(store.history).toEqual({ r: [{ at: 1_000, lagBytes: 12, lagSeconds: 0, linkUp: true }] })
    const later = { ...r, status: { ...r.status, updatedAt: 2_000 } }
    store.record([m, later], 2_000)
    expect(store.history.r).toHaveLength(2)
    store.record([m, { ...later, status: { ...later.status, updatedAt: 10 * 60_000 } }], 10 * 60_000)
    expect(store.history.r).toHaveLength(1)
  })

  it('puts main’s earlier history before what the page recorded', () => {
    const store = useReplicationStore()
    const r = node('r', 7001, { host: '127.0.0.1', port: 7000 }, { lagBytes: 3 })
    store.record([{ ...r, status: { ...r.status, updatedAt: 3_000 } }], 5_000)
    store.merge([{ nodeId: 'r', samples: [{ at: 500, lagBytes: 1, lagSeconds: 0, linkUp: true }, { at: 1_000, lagBytes: 9, lagSeconds: 0, linkUp: true }] }], 5_000)
    expect(store.history.r.map((s) => s.lagBytes)).toEqual([1, 9, 3])
  })

  it('keeps a refusal on the node it concerns, and the new node in the fleet on success', async () => {
    const store = useReplicationStore()
    const fleet = useFleetStore()
    api.handlers['replication.detach'] = () => {
      throw new Error('ERR not a replica')
    }
    expect(await store.detach('m')).toBeNull()
    expect(store.outcomes.m).toEqual({ ok: false, text: 'ERR not a replica' })
    api.handlers['replication.addReplica'] = () => node('m-replica', 7005, { host: '127.0.0.1', port: 7000 })
    const added = await store.addReplica({ masterId: 'm' })
    expect(added?.spec.id).toBe('m-replica')
    expect(store.outcomes.m).toEqual({ ok: true, text: 'Replica m-replica added on port 7005.' })
    expect(fleet.nodes.map((n) => n.spec.id)).toEqual(['m-replica'])
    expect(store.busy).toEqual({})
  })

  it('says why a group could not be made', async () => {
    const store = useReplicationStore()
    api.handlers['replication.createGroup'] = () => {
      throw new Error('no free port')
    }
    expect(await store.createGroup({ replicas: 2 })).toBeNull()
    expect(store.groupError).toBe('Could not create the group: no free port')
    expect(api.calls).toEqual([{ method: 'replication.createGroup', params: { replicas: 2 } }])
  })
})

describe('replicate from', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('names the chosen master, or the address typed', async () => {
    const api = new FakeApi()
    installApi(api)
    const fleet = useFleetStore()
    fleet.upsert(node('m', 7000))
    api.handlers['replication.replicaOf'] = () => node('r', 7001, { host: '127.0.0.1', port: 7000 })
    const store = useReplicationStore()
    await store.replicaOf({ id: 'r', masterId: 'm' })
    expect(store.outcomes.r).toEqual({ ok: true, text: 'r now replicates from m.' })
    await store.replicaOf({ id: 'r', host: '10.0.0.5', port: 6380 })
    expect(store.outcomes.r).toEqual({ ok: true, text: 'r now replicates from 10.0.0.5:6380.' })
  })
})
