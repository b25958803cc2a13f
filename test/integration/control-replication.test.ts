/**
 * Replication through the control plane, the way the renderer drives it:
 * a group from one call, writes on the master read on the replicas, live
 * figures in NodeStatus.replication, chains, detach, re-pointing that
 * survives a restart, a full sync's progress phases, and an external server.
 * Each case runs with tandem-server nodes (the product) and with Debian's
 * redis-server nodes (the reference that proves the test).
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createControlPlane, type ControlPlane } from '../../main/control/control-plane'
import { forkLauncher, spawnLauncher, type LaunchServer } from '../../main/control/server-launcher'
import type { NodeView, SyncPhase } from '../../shared/types'
import { REDIS_SERVER, TANDEM_SERVER_JS, hasRealRedis, startRedis, tempDir, type RunningServer } from '../helpers/processes'

const servers: [string, () => LaunchServer, boolean][] = [
  ['tandem-server', () => forkLauncher(TANDEM_SERVER_JS), existsSync(TANDEM_SERVER_JS)],
  ['redis-server', () => spawnLauncher(REDIS_SERVER), hasRealRedis()],
]

/** Every node of these tests: no snapshot delay before a diskless transfer (Redis 7 waits 5 s by default). */
const FAST_SYNC = { 'repl-diskless-sync-delay': '0', save: '' }

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A TCP relay to 127.0.0.1:targetPort passing at most about `bytesPerSecond` towards the client. */
async function throttlingProxy(targetPort: number, bytesPerSecond: number): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>()
  const server = createServer((downstream) => {
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.add(downstream).add(upstream)
    const closeBoth = () => {
      downstream.destroy()
      upstream.destroy()
    }
    for (const s of [downstream, upstream]) {
      s.on('error', closeBoth)
      s.on('close', closeBoth)
    }
    downstream.on('data', (chunk: Buffer) => upstream.write(chunk))
    upstream.on('data', (chunk: Buffer) => {
      downstream.write(chunk)
      upstream.pause()
      setTimeout(() => upstream.resume(), (chunk.length * 1000) / bytesPerSecond).unref()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      for (const s of sockets) s.destroy()
      server.close()
    },
  }
}

describe.each(servers)('replication through the control plane with %s', (_name, launcher, available) => {
  let dataDir: string
  let plane: ControlPlane
  const events: NodeView[][] = []
  const outside: RunningServer[] = []
  const clients: Redis[] = []
  const proxies: { close(): void }[] = []

  beforeEach(() => {
    if (!available) return
    dataDir = tempDir('tandem-control-repl-')
    events.length = 0
    plane = createControlPlane({ dataDir, launch: launcher(), pollIntervalMs: 250, eventThrottleMs: 50 })
    plane.on('fleet.changed', (list) => events.push(list))
  })

  afterEach(async () => {
    if (!available) return
    for (const c of clients.splice(0)) c.disconnect()
    for (const p of proxies.splice(0)) p.close()
    await plane.close()
    for (const s of outside.splice(0)) await s.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function nodeView(id: string): Promise<NodeView> {
    const v = (await plane.call('fleet.list', {})).find((n) => n.spec.id === id)
    if (!v) throw new Error(`node ${id} not in the fleet`)
    return v
  }

  async function get(id: string, key: string): Promise<string | null> {
    const reply = await plane.call('console.exec', { id, argv: ['GET', key] })
    return reply.type === 'bulk' ? reply.value : null
  }

  async function set(id: string, key: string, value: string): Promise<void> {
    expect(await plane.call('console.exec', { id, argv: ['SET', key, value] })).toEqual({ type: 'status', value: 'OK' })
  }

  function fleetFile(): { nodes: NodeView['spec'][]; passwords?: Record<string, string> } {
    return JSON.parse(readFileSync(join(dataDir, 'fleet.json'), 'utf8'))
  }

  /** The node as a replica streaming from its master, as NodeStatus shows it. */
  async function streaming(id: string, masterId: string): Promise<NodeView> {
    return until(`node ${id} streaming from ${masterId}`, async () => {
      const v = await nodeView(id)
      const link = v.status.replication?.link
      return link?.linkStatus === 'up' && link.masterNodeId === masterId && link.sync?.phase === 'streaming' && link.lagBytes !== undefined ? v : undefined
    })
  }

  it.skipIf(!available)('a group from one call: the master’s writes reach every replica, and NodeStatus shows role, link, offsets and lag', async () => {
    const group = await plane.call('replication.createGroup', { name: 'shop', replicas: 2, config: FAST_SYNC })
    expect(group.master.spec.name).toBe('shop-master')
    expect(group.replicas.map((r) => r.spec.name)).toEqual(['shop-replica-1', 'shop-replica-2'])
    const masterId = group.master.spec.id
    const masterPort = group.master.spec.port
    for (const r of group.replicas) {
      expect(r.status.processState).toBe('running')
      expect(r.spec.replicaOf).toEqual({ nodeId: masterId, host: '127.0.0.1', port: masterPort })
      expect(readFileSync(join(dataDir, 'nodes', r.spec.id, 'redis.conf'), 'utf8')).toContain(`\nreplicaof 127.0.0.1 ${masterPort}\n`)
    }
    // The fleet file keeps who replicates from whom.
    expect(fleetFile().nodes.filter((n) => n.replicaOf?.nodeId === masterId).length).toBe(2)

    await set(masterId, 'user.1.name', 'Zhangsan')
    for (const r of group.replicas) await until(`the value on ${r.spec.name}`, async () => (await get(r.spec.id, 'user.1.name')) === 'Zhangsan')

    const replica = await until('the first replica past offset 0', async () => {
      const v = await streaming(group.replicas[0].spec.id, masterId)
      return v.status.replication!.link!.replOffset > 0 ? v : undefined
    })
    const link = replica.status.replication!.link!
    expect(replica.status.role).toBe('replica')
    expect(replica.status.replication!.role).toBe('replica')
    expect(link.masterHost).toBe('127.0.0.1')
    expect(link.masterPort).toBe(masterPort)
    expect(link.state).toBe('connected')
    expect(link.replOffset).toBeGreaterThan(0)
    expect(link.lastIoSecondsAgo).toBeGreaterThanOrEqual(0)
    expect(link.lagBytes).toBeGreaterThanOrEqual(0)
    expect(link.lagSeconds).toBeGreaterThanOrEqual(0)

    const master = await until('the master listing both replicas by node id, online', async () => {
      const v = await nodeView(masterId)
      const listed = v.status.replication?.replicas ?? []
      return listed.length === 2 && listed.every((r) => r.state === 'online') ? v : undefined
    })
    expect(master.status.role).toBe('master')
    expect(master.status.replication!.link).toBeUndefined()
    expect(master.status.replication!.masterReplOffset).toBeGreaterThan(0)
    expect(master.status.replication!.replicas.map((r) => r.nodeId).sort()).toEqual(group.replicas.map((r) => r.spec.id).sort())
    expect(master.status.connectedReplicas).toBe(2)

    // The lag chart's history: one point a second per replica, link up.
    const history = await until('two lag samples', async () => {
      const [h] = await plane.call('replication.history', { id: replica.spec.id })
      return h && h.samples.length >= 2 ? h : undefined
    })
    expect(history.nodeId).toBe(replica.spec.id)
    expect(history.samples.at(-1)!.linkUp).toBe(true)
    expect(history.samples.at(-1)!.lagBytes).toBeGreaterThanOrEqual(0)
    const all = await plane.call('replication.history', {})
    expect(all.map((h) => h.nodeId)).not.toContain(masterId)
    // The events carry the same figures the renderer draws.
    expect(events.flat().some((v) => v.spec.id === replica.spec.id && v.status.replication?.link?.linkStatus === 'up')).toBe(true)
  })

  it.skipIf(!available)('chains, detach, and a re-pointed replica that keeps its master across a restart', async () => {
    const group = await plane.call('replication.createGroup', { name: 'c', replicas: 1, config: FAST_SYNC })
    const masterId = group.master.spec.id
    const middleId = group.replicas[0].spec.id
    const leaf = await plane.call('replication.addReplica', { masterId: middleId, config: FAST_SYNC })
    expect(leaf.spec.replicaOf?.nodeId).toBe(middleId)
    const leafId = leaf.spec.id

    await set(masterId, 'k1', 'through the chain')
    await until('k1 at the end of the chain', async () => (await get(leafId, 'k1')) === 'through the chain')
    await streaming(leafId, middleId)

    // A replica made the tutorial's way (`slaveof` in its config) is recorded by node id too.
    const tutorial = await plane.call('node.create', { name: 'tutorial', config: { ...FAST_SYNC, slaveof: `127.0.0.1 ${group.master.spec.port}` } })
    expect(tutorial.spec.replicaOf).toEqual({ nodeId: masterId, host: '127.0.0.1', port: group.master.spec.port })
    await until('k1 on the tutorial replica', async () => (await get(tutorial.spec.id, 'k1')) === 'through the chain')
    await plane.call('node.remove', { id: tutorial.spec.id })
    await until('the middle replica listing the leaf', async () =>
      (await nodeView(middleId)).status.replication?.replicas.some((r) => r.nodeId === leafId),
    )

    // A loop is refused before anything is sent.
    await expect(plane.call('replication.replicaOf', { id: masterId, masterId: leafId })).rejects.toThrow(
      `"${leaf.spec.name}" already replicates from "${group.master.spec.name}" (directly or through a chain): that would make a loop`,
    )
    await expect(plane.call('replication.replicaOf', { id: leafId, masterId: leafId })).rejects.toThrow('cannot replicate from itself')

    // Detach: the leaf becomes a master with its data, and no longer follows.
    const detached = await plane.call('replication.detach', { id: leafId })
    expect(detached.spec.replicaOf).toBeUndefined()
    expect(detached.status.role).toBe('master')
    expect(fleetFile().nodes.find((n) => n.id === leafId)?.replicaOf).toBeUndefined()
    expect(readFileSync(join(dataDir, 'nodes', leafId, 'redis.conf'), 'utf8')).not.toContain('replicaof')
    await set(masterId, 'k2', 'after detach')
    await until('k2 on the middle replica', async () => (await get(middleId, 'k2')) === 'after detach')
    expect(await get(leafId, 'k2')).toBeNull()
    expect(await get(leafId, 'k1')).toBe('through the chain')

    // Point it straight at the top master: it resyncs, and keeps that master after a restart.
    const pointed = await plane.call('replication.replicaOf', { id: leafId, masterId })
    expect(pointed.spec.replicaOf).toEqual({ nodeId: masterId, host: '127.0.0.1', port: group.master.spec.port })
    await until('k2 on the re-pointed node', async () => (await get(leafId, 'k2')) === 'after detach')
    await plane.call('node.stop', { id: leafId })
    await plane.call('node.start', { id: leafId })
    await streaming(leafId, masterId)
    await set(masterId, 'k3', 'after restart')
    await until('k3 on the restarted replica', async () => (await get(leafId, 'k3')) === 'after restart')
    expect(readFileSync(join(dataDir, 'nodes', leafId, 'redis.conf'), 'utf8')).toContain(`\nreplicaof 127.0.0.1 ${group.master.spec.port}\n`)

    // Bad requests say what is wrong.
    await expect(plane.dispatch('replication.replicaOf', { id: leafId })).rejects.toThrow('give either "masterId" (a fleet node) or "host" and "port"')
    await expect(plane.dispatch('replication.replicaOf', { id: leafId, host: 'redis://x', port: 1 })).rejects.toThrow('invalid host "redis://x"')
    await expect(plane.dispatch('replication.createGroup', { replicas: 0 })).rejects.toThrow('"replicas" must be an integer from 1 to 8')
    await expect(plane.call('replication.addReplica', { masterId: 'nope' })).rejects.toThrow('unknown node id "nope"')
  })

  it.skipIf(!available)('a full sync of a loaded master shows its phases, bytes and rate until streaming', async () => {
    const master = await plane.call('node.create', { name: 'big', config: FAST_SYNC })
    const loader = new Redis({ port: master.spec.port, lazyConnect: true })
    clients.push(loader)
    await loader.connect()
    // Random values: LZF cannot shrink them, so the snapshot is ~0.6 MB on both servers.
    for (let batch = 0; batch < 10; batch++) {
      const args: string[] = []
      for (let i = 0; i < 1000; i++) args.push(`key:${batch * 1000 + i}`, randomBytes(36).toString('base64'))
      await loader.mset(...args)
    }
    // The replica syncs through a proxy that lets ~250 KB/s through, so the transfer spans several polls.
    const proxy = await throttlingProxy(master.spec.port, 250_000)
    proxies.push(proxy)
    const replica = await plane.call('node.create', { name: 'late', config: FAST_SYNC })
    events.length = 0
    const pointed = await plane.call('replication.replicaOf', { id: replica.spec.id, host: '127.0.0.1', port: proxy.port })
    expect(pointed.spec.replicaOf).toEqual({ host: '127.0.0.1', port: proxy.port })
    const done = await until(
      'the replica streaming with every key',
      async () => {
        const v = await nodeView(replica.spec.id)
        return v.status.replication?.link?.sync?.phase === 'streaming' && v.status.keys === 10_000 ? v : undefined
      },
      30_000,
    )
    // Not one of the fleet's nodes: no master id, no lag figures from a master list.
    expect(done.status.replication!.link!.masterNodeId).toBeUndefined()
    expect(done.status.replication!.link!.masterPort).toBe(proxy.port)

    // The event that follows the last poll carries the streaming state too.
    await until('a fleet.changed with the replica streaming', () =>
      events.flat().some((v) => v.spec.id === replica.spec.id && v.status.replication?.link?.sync?.phase === 'streaming'),
    )
    const seen = events.flat().filter((v) => v.spec.id === replica.spec.id && v.status.replication?.link?.sync)
    const phases = seen.map((v) => v.status.replication!.link!.sync!.phase)
    expect(phases).toContain('transfer')
    // Phases only move forward: handshake → snapshot → transfer → load → streaming.
    const order: SyncPhase[] = ['handshake', 'snapshot', 'transfer', 'load', 'streaming']
    const ranks = phases.map((p) => order.indexOf(p))
    expect(ranks, `phases seen: ${phases.join(' ')}`).toEqual([...ranks].sort((a, b) => a - b))
    const transfers = seen.map((v) => v.status.replication!.link!.sync!).filter((s) => s.phase === 'transfer')
    // Bytes grow during the transfer and a rate is measured between polls, near the proxy's limit.
    expect(Math.max(...transfers.map((s) => s.bytesDone))).toBeGreaterThan(Math.min(...transfers.map((s) => s.bytesDone)))
    const rates = transfers.map((s) => s.bytesPerSec).filter((r) => r > 0)
    expect(rates.length, JSON.stringify(transfers)).toBeGreaterThan(0)
    expect(Math.max(...rates)).toBeLessThan(2_000_000)
  })

  it.skipIf(!available || !hasRealRedis())('an external redis-server: attached with its password, same figures, replicates on command, removed without being stopped', async () => {
    const external = await startRedis(['--requirepass', 's3cret', '--repl-diskless-sync-delay', '0'])
    outside.push(external)
    await expect(plane.call('node.attachExternal', { host: '127.0.0.1', port: external.port })).rejects.toThrow(
      `127.0.0.1:${external.port} needs a password: NOAUTH Authentication required.`,
    )
    await expect(plane.call('node.attachExternal', { host: '127.0.0.1', port: external.port, password: 'wrong' })).rejects.toThrow(
      /^cannot attach 127\.0\.0\.1:\d+: Could not log in to 127\.0\.0\.1:\d+: WRONGPASS/,
    )
    const closed = await startRedis()
    await closed.stop()
    await expect(plane.call('node.attachExternal', { host: '127.0.0.1', port: closed.port })).rejects.toThrow(
      `cannot attach 127.0.0.1:${closed.port}: Could not connect to 127.0.0.1:${closed.port}: connect ECONNREFUSED 127.0.0.1:${closed.port}`,
    )
    await expect(plane.dispatch('node.attachExternal', { host: '', port: 1 })).rejects.toThrow('"host" must be a non-empty host name or IP address')

    const attached = await plane.call('node.attachExternal', { name: 'legacy', host: 'localhost', port: external.port, password: 's3cret' })
    expect(attached.spec.kind).toBe('external')
    expect(attached.spec.hasPassword).toBe(true)
    expect(JSON.stringify(attached)).not.toContain('s3cret')
    expect(attached.status.processState).toBe('external')
    expect(attached.status.live).toBe(true)
    expect(attached.status.replication?.role).toBe('master')
    await expect(plane.call('node.attachExternal', { host: '127.0.0.1', port: external.port, password: 's3cret' })).rejects.toThrow(
      `127.0.0.1:${external.port} is already in the fleet as "legacy"`,
    )
    await expect(plane.call('node.stop', { id: attached.spec.id })).rejects.toThrow('is external: Tandem does not stop it')

    // The external server replicates from a fleet master on command, and shows the same live figures.
    const master = await plane.call('node.create', { name: 'local-master', config: FAST_SYNC })
    await set(master.spec.id, 'from', 'tandem fleet')
    const pointed = await plane.call('replication.replicaOf', { id: attached.spec.id, masterId: master.spec.id })
    expect(pointed.spec.replicaOf).toBeUndefined() // an external server's own config rules
    await until('the value on the external replica', async () => (await get(attached.spec.id, 'from')) === 'tandem fleet')
    // A master's offset only moves with writes after its first replica joined.
    await set(master.spec.id, 'after', 'sync')
    await until('the external replica past offset 0', async () => {
      const v = await streaming(attached.spec.id, master.spec.id)
      return v.status.replication!.link!.replOffset > 0
    })
    await until('the master listing the external replica by node id', async () =>
      (await nodeView(master.spec.id)).status.replication?.replicas.some((r) => r.nodeId === attached.spec.id),
    )
    const back = await plane.call('replication.detach', { id: attached.spec.id })
    expect(back.status.role).toBe('master')

    // A local replica of the password-protected external server logs in with the credentials the fleet keeps.
    const follower = await plane.call('replication.addReplica', { masterId: attached.spec.id, config: FAST_SYNC })
    expect(readFileSync(join(dataDir, 'nodes', follower.spec.id, 'redis.conf'), 'utf8')).toContain(`\nreplicaof localhost ${external.port}\nmasterauth s3cret\n`)
    await set(attached.spec.id, 'to', 'the fleet')
    await until('the external master’s value on the local replica', async () => (await get(follower.spec.id, 'to')) === 'the fleet')
    await streaming(follower.spec.id, attached.spec.id)

    // Remove forgets it; the server keeps running.
    await plane.call('node.remove', { id: attached.spec.id })
    expect((await plane.call('fleet.list', {})).some((v) => v.spec.id === attached.spec.id)).toBe(false)
    const direct = new Redis({ port: external.port, password: 's3cret', lazyConnect: true })
    clients.push(direct)
    await direct.connect()
    expect(await direct.get('from')).toBe('tandem fleet')
    expect(fleetFile().passwords ?? {}).toEqual({})
  })
})
