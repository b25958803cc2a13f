import { describe, expect, it } from 'vitest'
import { parseInfo } from '../../main/control/info'
import { connectedReplicasFromInfo, linkStateFromRole, replicationFromInfo, syncInProgress, syncPhase } from '../../main/control/replication-info'
import { LagHistoryStore, SyncRates, addressKey, linkFleet, replicaOfChain } from '../../main/control/replication-view'
import { addReplicaRequest, attachRequest, groupRequest, replicaOfRequest } from '../../main/control/validate'
import type { NodeSpec, NodeStatus, NodeView } from '../../shared/types'

const info = (lines: string[]) => parseInfo(lines.join('\r\n'))

const MASTER = info([
  '# Replication',
  'role:master',
  'connected_slaves:2',
  'slave0:ip=127.0.0.1,port=7002,state=online,offset=900,lag=1',
  'slave1:ip=127.0.0.1,port=7003,state=wait_bgsave,offset=0,lag=0',
  'master_replid:8c1c3a0d6f4b1e2a9d7c5b3a1f0e9d8c7b6a5f4e',
  'master_repl_offset:1000',
])

const replicaInfo = (extra: string[]) =>
  info([
    'role:slave',
    'master_host:127.0.0.1',
    'master_port:7001',
    'master_last_io_seconds_ago:-1',
    'master_sync_in_progress:0',
    'slave_repl_offset:0',
    'master_replid:0000000000000000000000000000000000000000',
    'master_repl_offset:0',
    ...extra,
  ])

describe('INFO replication + ROLE → ReplicationStatus', () => {
  it('lists a master’s replicas with their lag in bytes and seconds, in slaveN order', () => {
    const r = replicationFromInfo(MASTER, 'master', ['master', 1000, [['127.0.0.1', '7002', '900']]])
    expect(r).toEqual({
      role: 'master',
      replId: '8c1c3a0d6f4b1e2a9d7c5b3a1f0e9d8c7b6a5f4e',
      masterReplOffset: 1000,
      replicas: [
        { ip: '127.0.0.1', port: 7002, state: 'online', offset: 900, lagBytes: 100, lagSeconds: 1 },
        { ip: '127.0.0.1', port: 7003, state: 'wait_bgsave', offset: 0, lagBytes: 1000, lagSeconds: 0 },
      ],
    })
  })

  it('reads a streaming replica’s link', () => {
    const fields = replicaInfo(['master_link_status:up', 'master_last_io_seconds_ago:0', 'slave_repl_offset:1000', 'slave0:ip=127.0.0.1,port=7009,state=online,offset=990,lag=0'])
    const r = replicationFromInfo(fields, 'replica', ['slave', '127.0.0.1', 7001, 'connected', 1000])
    expect(r.link).toEqual({
      masterHost: '127.0.0.1',
      masterPort: 7001,
      linkStatus: 'up',
      state: 'connected',
      lastIoSecondsAgo: 0,
      replOffset: 1000,
      sync: { phase: 'streaming', bytesDone: 0, bytesTotal: -1, bytesPerSec: 0 },
    })
    // A replica in a chain lists its own sub-replicas.
    expect(r.replicas.map((x) => x.port)).toEqual([7009])
    expect(syncInProgress(r)).toBe(false)
  })

  it('derives the sync phase: handshake → snapshot → transfer → load → streaming', () => {
    const down = ['master_link_status:down', 'master_link_down_since_seconds:3']
    expect(syncPhase('connecting', replicaInfo(down))).toBe('handshake')
    expect(syncPhase('handshake', replicaInfo(down))).toBe('handshake')
    const syncing = [...down, 'master_sync_in_progress:1', 'master_sync_total_bytes:5000']
    expect(syncPhase('sync', info(['master_sync_in_progress:1', 'master_sync_read_bytes:0']))).toBe('snapshot')
    expect(syncPhase('sync', info([...syncing, 'master_sync_read_bytes:1200']))).toBe('transfer')
    expect(syncPhase('sync', info([...syncing, 'master_sync_read_bytes:5000', 'loading:1']))).toBe('load')
    expect(syncPhase('connected', info(['master_link_status:up']))).toBe('streaming')
    // Waiting to retry: nothing progresses.
    expect(syncPhase('connect', replicaInfo(down))).toBeUndefined()
    // Without ROLE the INFO fields decide.
    expect(syncPhase('none', info([...syncing, 'master_sync_read_bytes:10']))).toBe('transfer')
    expect(syncPhase('none', info(['master_link_status:up']))).toBe('streaming')

    const transfer = replicationFromInfo(
      replicaInfo([...syncing.slice(1), 'master_link_status:down', 'master_sync_read_bytes:1200', 'master_link_down_since_seconds:3']),
      'replica',
      ['slave', '127.0.0.1', 7001, 'sync', -1],
    )
    expect(transfer.link?.sync).toEqual({ phase: 'transfer', bytesDone: 1200, bytesTotal: 5000, bytesPerSec: 0 })
    expect(transfer.link?.linkDownSinceSeconds).toBe(3)
    expect(syncInProgress(transfer)).toBe(true)
    // A diskless transfer has no size: unknown, not 0.
    const diskless = replicationFromInfo(replicaInfo(['master_sync_in_progress:1', 'master_sync_total_bytes:0', 'master_sync_read_bytes:99']), 'replica', ['slave', 'h', 1, 'sync', -1])
    expect(diskless.link?.sync?.bytesTotal).toBe(-1)
  })

  it('reads ROLE’s link state, and none for anything else', () => {
    expect(linkStateFromRole(['slave', 'h', 1, 'connecting', -1])).toBe('connecting')
    expect(linkStateFromRole(['master', 0, []])).toBe('none')
    expect(linkStateFromRole(['slave', 'h', 1, 'weird', -1])).toBe('none')
    expect(linkStateFromRole(undefined)).toBe('none')
    expect(connectedReplicasFromInfo(info(['role:master']))).toEqual([])
  })
})

function spec(id: string, port: number, extra: Partial<NodeSpec> = {}): NodeSpec {
  return { id, name: id, kind: 'local', host: '127.0.0.1', port, config: {}, createdAt: 0, ...extra }
}

function nodeView(s: NodeSpec, replication: NodeStatus['replication'], live = true): NodeView {
  return {
    spec: s,
    status: { id: s.id, processState: 'running', live, role: replication?.role ?? 'unknown', keys: 0, usedMemory: 0, usedMemoryHuman: '', opsPerSec: 0, connectedClients: 0, replOffset: 0, connectedReplicas: 0, updatedAt: 0, replication },
  }
}

describe('the fleet’s replication links', () => {
  const master = nodeView(spec('m', 7001), replicationFromInfo(MASTER, 'master', undefined))
  const replica = nodeView(
    spec('r', 7002),
    replicationFromInfo(replicaInfo(['master_link_status:up', 'slave_repl_offset:990']), 'replica', ['slave', 'localhost', 7001, 'connected', 990]),
  )

  it('names both ends by node id and takes the replica’s lag from its master’s list', () => {
    const [m, r] = linkFleet([master, replica])
    expect(m.status.replication?.replicas.map((x) => x.nodeId)).toEqual(['r', undefined])
    expect(r.status.replication?.link).toMatchObject({ masterNodeId: 'm', lagBytes: 100, lagSeconds: 1 })
  })

  it('gives no lag when the master did not answer its last poll, or the link is down', () => {
    const [, r] = linkFleet([{ ...master, status: { ...master.status, live: false } }, replica])
    expect(r.status.replication?.link?.masterNodeId).toBe('m')
    expect(r.status.replication?.link?.lagBytes).toBeUndefined()
    const downReplica = nodeView(spec('r', 7002), replicationFromInfo(replicaInfo(['master_link_status:down']), 'replica', undefined))
    const [, d] = linkFleet([master, downReplica])
    expect(d.status.replication?.link?.lagBytes).toBeUndefined()
  })

  it('spells every loopback name the same', () => {
    expect(addressKey('LOCALHOST', 1)).toBe(addressKey('127.0.0.1', 1))
    expect(addressKey('::1', 1)).toBe('127.0.0.1:1')
    expect(addressKey('db.example', 1)).not.toBe(addressKey('127.0.0.1', 1))
  })

  it('follows replicaOf chains and stops at a loop', () => {
    const specs = [spec('a', 1), spec('b', 2, { replicaOf: { nodeId: 'a', host: '127.0.0.1', port: 1 } }), spec('c', 3, { replicaOf: { nodeId: 'b', host: '127.0.0.1', port: 2 } })]
    expect(replicaOfChain(specs, 'c')).toEqual(['c', 'b', 'a'])
    specs[0].replicaOf = { nodeId: 'c', host: '127.0.0.1', port: 3 }
    expect(replicaOfChain(specs, 'c')).toEqual(['c', 'b', 'a'])
  })
})

describe('sync rate and lag history', () => {
  it('measures bytes per second between polls of one transfer, and restarts after it', () => {
    const rates = new SyncRates()
    expect(rates.measure('r', { phase: 'transfer', bytesDone: 1000, bytesTotal: 9000, bytesPerSec: 0 }, 1000)?.bytesPerSec).toBe(0)
    expect(rates.measure('r', { phase: 'transfer', bytesDone: 3000, bytesTotal: 9000, bytesPerSec: 0 }, 1500)?.bytesPerSec).toBe(4000)
    expect(rates.measure('r', { phase: 'streaming', bytesDone: 0, bytesTotal: -1, bytesPerSec: 0 }, 2000)?.bytesPerSec).toBe(0)
    // A new sync does not measure against the old one.
    expect(rates.measure('r', { phase: 'transfer', bytesDone: 10, bytesTotal: 9000, bytesPerSec: 0 }, 2500)?.bytesPerSec).toBe(0)
  })

  it('measures the rate over about a second, so one burst between two close polls does not read as a spike', () => {
    const rates = new SyncRates()
    const at = (bytesDone: number, ms: number) => rates.measure('r', { phase: 'transfer', bytesDone, bytesTotal: -1, bytesPerSec: 0 }, ms)?.bytesPerSec
    // A 250 KB/s link that delivers 64 KiB bursts every 256 ms, polled every 20 ms.
    let bytes = 0
    const seen: number[] = []
    for (let ms = 0; ms <= 3000; ms += 20) {
      if (ms % 260 === 0) bytes += 65_536
      const rate = at(bytes, ms)
      if (ms >= 1100 && rate !== undefined) seen.push(rate)
    }
    expect(Math.max(...seen)).toBeLessThan(400_000)
    expect(Math.min(...seen)).toBeGreaterThan(150_000)
  })

  it('keeps about one sample a second for the last window, oldest first', () => {
    const store = new LagHistoryStore({ windowMs: 10_000, minSpacingMs: 900 })
    for (let t = 0; t <= 20_000; t += 250) store.add('r', { at: t, lagBytes: t, lagSeconds: 0, linkUp: true })
    const [h] = store.histories(['r'])
    expect(h.samples[0].at).toBeGreaterThanOrEqual(10_000)
    expect(h.samples.at(-1)!.at).toBe(20_000)
    expect(h.samples.length).toBeLessThanOrEqual(12)
    expect(store.histories(['missing'])).toEqual([])
    store.forget('r')
    expect(store.histories()).toEqual([])
  })

  it('records replicas only', () => {
    const store = new LagHistoryStore()
    const [m, r] = linkFleet([nodeView(spec('m', 7001), replicationFromInfo(MASTER, 'master', undefined)), nodeView(spec('r', 7002), replicationFromInfo(replicaInfo(['master_link_status:up']), 'replica', undefined))])
    store.record(m.status, 1)
    store.record(r.status, 1)
    expect(store.histories()).toEqual([{ nodeId: 'r', samples: [{ at: 1, lagBytes: 100, lagSeconds: 1, linkUp: true }] }])
  })
})

describe('replication request checks', () => {
  it('refuse bad input with the field named', () => {
    expect(() => groupRequest({ replicas: 9 })).toThrow('"replicas" must be an integer from 1 to 8')
    expect(() => groupRequest({ replicas: 1.5 })).toThrow('"replicas" must be an integer')
    expect(groupRequest({ replicas: 2, name: '  shop ' })).toEqual({ replicas: 2, name: 'shop' })
    expect(() => groupRequest({ replicas: 1, config: { SLAVEOF: '127.0.0.1 1' } })).toThrow('"slaveof" is set by the group itself')
    expect(() => addReplicaRequest({})).toThrow('replication.addReplica: "masterId" must be a non-empty string')
    expect(() => replicaOfRequest({ id: 'a', masterId: 'b', host: 'h', port: 1 })).toThrow('give either "masterId"')
    expect(() => replicaOfRequest({ id: 'a', host: 'h' })).toThrow('invalid port undefined')
    expect(replicaOfRequest({ id: 'a', host: ' 10.0.0.7 ', port: 6380 })).toEqual({ id: 'a', host: '10.0.0.7', port: 6380 })
    expect(() => attachRequest({ host: 'h:6379', port: 6379 })).not.toThrow() // IPv6-style colons are allowed
    expect(() => attachRequest({ host: 'a b', port: 6379 })).toThrow('invalid host "a b"')
    expect(() => attachRequest({ host: 'h', port: 70000 })).toThrow('invalid port 70000')
    expect(() => attachRequest({ host: 'h', port: 1, username: 'u' })).toThrow('a "username" needs a "password"')
    expect(() => attachRequest({ host: 'h', port: 1, password: 'a\nb' })).toThrow('"password" must be one line')
    expect(attachRequest({ host: 'h', port: 1, password: '' })).toEqual({ host: 'h', port: 1 })
  })
})

describe('the fleet file keeps who replicates from whom', () => {
  it('writes replicaof (and the master’s credentials) into a local replica’s config, and reads it all back', async () => {
    const { Fleet } = await import('../../main/control/fleet')
    const { mkdtempSync, readFileSync, rmSync, statSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'tandem-fleet-repl-'))
    try {
      const fleet = new Fleet(dir)
      fleet.add({ ...spec('ext', 6390), kind: 'external', host: 'db.internal', username: 'app', hasPassword: true })
      fleet.setPassword('ext', 'p w"d')
      fleet.add(spec('m', 7001))
      fleet.add(spec('r', 7002, { config: { replicaof: '1.2.3.4 9', maxmemory: '10mb' }, replicaOf: { nodeId: 'm', host: '127.0.0.1', port: 7001 } }))
      fleet.add(spec('x', 7003, { replicaOf: { nodeId: 'ext', host: 'db.internal', port: 6390 } }))
      const conf = readFileSync(fleet.confPath('r'), 'utf8')
      expect(conf).toContain('\nreplicaof 127.0.0.1 7001\n')
      expect(conf).not.toContain('1.2.3.4')
      expect(conf).toContain('\nmaxmemory 10mb\n')
      const extConf = readFileSync(fleet.confPath('x'), 'utf8')
      expect(extConf).toContain('\nreplicaof db.internal 6390\n')
      expect(extConf).toContain('\nmasterauth "p w\\"d"\n')
      expect(extConf).toContain('\nmasteruser app\n')
      expect(statSync(fleet.filePath).mode & 0o077).toBe(0)

      // A master removed later: the replica keeps the last address it had.
      fleet.remove('m')
      fleet.writeConfig(fleet.get('r')!)
      expect(readFileSync(fleet.confPath('r'), 'utf8')).toContain('\nreplicaof 127.0.0.1 7001\n')

      const again = new Fleet(dir)
      expect(again.get('r')?.replicaOf).toEqual({ nodeId: 'm', host: '127.0.0.1', port: 7001 })
      expect(again.password('ext')).toBe('p w"d')
      expect(JSON.stringify(again.list())).not.toContain('p w')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
