/**
 * Failover through the control plane (issue 6), the way the Failover button
 * drives it: failover.plan then failover.run. Each case runs against local
 * nodes of real redis-server 7 (the reference, which proves the test) and of
 * tandem-server (the product; skipped with the reason printed while it has
 * no FAILOVER command).
 */
import { existsSync, rmSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createControlPlane, type ControlPlane } from '../../main/control/control-plane'
import { forkLauncher, spawnLauncher, type LaunchServer } from '../../main/control/server-launcher'
import type { FailoverRecord, NodeView } from '../../shared/types'
import { REDIS_SERVER, TANDEM_SERVER_JS, hasRealRedis, tempDir } from '../helpers/processes'
import { client, digest, firstAcceptedWrite, info, sleep, startLoad, startWaitWriter, syncCounters, tandemFailoverMissing, until } from './failover-helpers'

const tandemMissing = existsSync(TANDEM_SERVER_JS) ? await tandemFailoverMissing() : `${TANDEM_SERVER_JS} not built`
if (tandemMissing) console.warn(`failover tests: tandem-server variants skipped: ${tandemMissing}`)

const servers: [string, () => LaunchServer, string | null][] = [
  ['redis-server', () => spawnLauncher(REDIS_SERVER), hasRealRedis() ? null : 'no redis-server'],
  ['tandem-server', () => forkLauncher(TANDEM_SERVER_JS), tandemMissing],
]

/** Every node: no delay before a diskless transfer, DEBUG DIGEST allowed, no snapshots. */
const CONFIG = { 'repl-diskless-sync-delay': '0', save: '', 'enable-debug-command': 'yes' }

describe.each(servers)('failover through the control plane with %s', (name, launcher, skipReason) => {
  const skip = skipReason !== null
  let dataDir: string
  let plane: ControlPlane
  const progress: FailoverRecord[] = []

  beforeEach(() => {
    if (skip) return
    dataDir = tempDir('tandem-failover-')
    progress.length = 0
    plane = createControlPlane({ dataDir, launch: launcher(), pollIntervalMs: 500, eventThrottleMs: 50 })
    plane.on('failover.progress', (r) => progress.push(r))
  })

  afterEach(async () => {
    if (skip) return
    await plane.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function nodeView(id: string): Promise<NodeView> {
    const v = (await plane.call('fleet.list', {})).find((n) => n.spec.id === id)
    if (!v) throw new Error(`node ${id} not in the fleet`)
    return v
  }

  async function role(port: number): Promise<unknown[]> {
    const c = client(port)
    try {
      return (await c.call('ROLE')) as unknown[]
    } finally {
      c.disconnect()
    }
  }

  async function linkedTo(port: number, masterPort: number): Promise<boolean> {
    const f = await info(port, 'replication')
    return f.role === 'slave' && Number(f.master_port) === masterPort && f.master_link_status === 'up'
  }

  it.skipIf(skip)('coordinated: a writer doing SET + WAIT 1 loses no acknowledged write, and sees only a short pause', async () => {
    const group = await plane.call('replication.createGroup', { name: 'co', replicas: 2, config: CONFIG })
    const master = group.master.spec
    const ports = [master.port, ...group.replicas.map((r) => r.spec.port)]
    for (const r of group.replicas) await until('replica linked', () => linkedTo(r.spec.port, master.port))

    const plan = await plane.call('failover.plan', { groupMasterId: master.id })
    expect(plan.mode).toBe('coordinated')
    expect(plan.masterAnswers).toBe(true)
    expect(plan.candidates.map((c) => c.nodeId).sort()).toEqual(group.replicas.map((r) => r.spec.id).sort())
    expect(plan.candidates.every((c) => c.eligible && c.linkStatus === 'up' && c.replicaPriority === 100 && c.runId.length === 40)).toBe(true)
    expect(plan.chosenId).toBe(plan.candidates[0].nodeId)
    expect(plan.reason).toContain('FAILOVER TO')

    const writer = startWaitWriter(ports, master.port, 'co')
    await until('writes acknowledged before the failover', () => writer.acknowledged.length > 200)
    const record = await plane.call('failover.run', { groupMasterId: master.id })
    await until('writes acknowledged after the failover', () => writer.acknowledged.length > 0 && writer.acknowledged.length > 400)
    const countAtRun = writer.acknowledged.length
    await sleep(300)
    await writer.stop()
    expect(writer.acknowledged.length).toBeGreaterThan(countAtRun)

    expect(record.outcome, record.error).toBe('succeeded')
    const chosen = group.replicas.find((r) => r.spec.id === record.newMasterId)!.spec
    // The run chooses again (Sentinel's order: highest offset first): with the writer running, the
    // replica ahead at that moment may not be the one the idle plan's tie-break named.
    expect(plan.candidates.map((c) => c.nodeId)).toContain(record.newMasterId)
    const kinds = record.steps.map((s) => s.kind)
    for (const k of ['detection', 'choice', 'pause', 'sync-wait', 'promotion', 'repoint', 'resync', 'done'] as const) expect(kinds).toContain(k)
    expect(record.steps.every((s, i) => i === 0 || s.at >= record.steps[i - 1].at)).toBe(true)
    expect(progress.some((p) => p.id === record.id && p.outcome === 'running')).toBe(true)

    // Every write the client was told is replicated is on the new master.
    const c = client(chosen.port)
    const lost: string[] = []
    for (let i = 0; i < writer.acknowledged.length; i += 500) {
      const keys = writer.acknowledged.slice(i, i + 500)
      const values = await c.mget(...keys)
      keys.forEach((k, j) => values[j] === null && lost.push(k))
    }
    c.disconnect()
    console.log(`[${name}] coordinated failover: ${writer.acknowledged.length} acknowledged writes, ${lost.length} lost, longest pause ${writer.longestPauseMs()} ms, writable after ${record.writableAfterMs} ms`)
    expect(lost).toEqual([])
    expect(writer.longestPauseMs()).toBeLessThan(3000)

    // Roles swapped on the wire and in the fleet; the other replica resumed partially.
    expect((await role(chosen.port))[0]).toBe('master')
    await until('old master linked to the new one', () => linkedTo(master.port, chosen.port))
    const other = group.replicas.find((r) => r.spec.id !== chosen.id)!.spec
    await until('other replica linked to the new master', () => linkedTo(other.port, chosen.port))
    expect(record.steps.find((s) => s.kind === 'resync' && s.nodeId === other.id)?.resync).toBe('partial')
    expect((await nodeView(chosen.id)).spec.replicaOf).toBeUndefined()
    expect((await nodeView(master.id)).spec.replicaOf?.nodeId).toBe(chosen.id)
    expect((await nodeView(other.id)).spec.replicaOf?.nodeId).toBe(chosen.id)
    const timeline = await plane.call('failover.timeline', { groupMasterId: chosen.id })
    expect(timeline[0].id).toBe(record.id)
  })

  it.skipIf(skip)('master killed under load: writes on the new master within 2 s, the other replica resyncs partially, the old master returns as a replica and converges', async () => {
    const group = await plane.call('replication.createGroup', { name: 'crash', replicas: 2, config: CONFIG })
    const master = group.master.spec
    for (const r of group.replicas) await until('replica linked', () => linkedTo(r.spec.port, master.port))
    const load = startLoad(master.port, 'crash')
    await sleep(500)
    const killed = await plane.call('node.kill', { id: master.id })
    expect(killed.status.processState).toBe('crashed')
    await load.stop()

    const plan = await plane.call('failover.plan', { groupMasterId: master.id })
    expect(plan.mode).toBe('master-down')
    expect(plan.masterAnswers).toBe(false)
    expect(plan.chosenId).toBeDefined()
    const chosen = group.replicas.find((r) => r.spec.id === plan.chosenId)!.spec
    const other = group.replicas.find((r) => r.spec.id !== chosen.id)!.spec
    // Sentinel's order: the chosen one has processed at least as much as the other.
    expect(plan.candidates[0].replOffset).toBeGreaterThanOrEqual(plan.candidates[1].replOffset)
    expect(plan.repointIds.sort()).toEqual([master.id, other.id].sort())
    const before = await syncCounters(chosen.port)

    const probe = firstAcceptedWrite(chosen.port)
    const t0 = performance.now()
    const record = await plane.call('failover.run', { groupMasterId: master.id })
    const writableMs = (await probe.done) - t0
    console.log(`[${name}] failover after a crash: first write accepted ${writableMs.toFixed(0)} ms after the call (record: ${record.writableAfterMs} ms)`)
    expect(record.outcome, record.error).toBe('succeeded')
    expect(writableMs).toBeLessThan(2000)

    await until('other replica linked to the new master', () => linkedTo(other.port, chosen.port))
    const after = await syncCounters(chosen.port)
    expect(after.partial).toBeGreaterThan(before.partial)
    expect(after.full).toBe(before.full)
    expect(record.steps.find((s) => s.kind === 'resync' && s.nodeId === other.id)?.resync).toBe('partial')
    // Fenced before it can come back: its stored config names the new master.
    expect((await nodeView(master.id)).spec.replicaOf?.nodeId).toBe(chosen.id)

    const restarted = await plane.call('node.restart', { id: master.id })
    expect(restarted.status.processState).toBe('running')
    const r = await role(master.port)
    expect(r[0]).toBe('slave')
    expect(r[2]).toBe(chosen.port)
    await until('old master linked', () => linkedTo(master.port, chosen.port))
    await until('old master converged (DEBUG DIGEST)', async () => (await digest(master.port)) === (await digest(chosen.port)))
    await until('the timeline records the old master back', async () => {
      const [latest] = await plane.call('failover.timeline', {})
      return latest.steps.some((s) => s.kind === 'old-master' && s.message.includes('is back as a replica'))
    })
  })

  it.skipIf(skip)('a chain master → A → B survives failover of the master to A: B continues by partial resync', async () => {
    const group = await plane.call('replication.createGroup', { name: 'chain', replicas: 1, config: CONFIG })
    const master = group.master.spec
    const a = group.replicas[0].spec
    const b = (await plane.call('replication.addReplica', { masterId: a.id, name: 'chain-b', config: CONFIG })).spec
    await until('A linked', () => linkedTo(a.port, master.port))
    await until('B linked', () => linkedTo(b.port, a.port))
    const m = client(master.port)
    for (let i = 0; i < 100; i++) await m.set(`chain:${i}`, String(i))
    m.disconnect()
    await until('B caught up', async () => Number((await info(b.port, 'replication')).slave_repl_offset) === Number((await info(master.port, 'replication')).master_repl_offset))

    const plan = await plane.call('failover.plan', { groupMasterId: master.id })
    expect(plan.chosenId).toBe(a.id)
    const bCandidate = plan.candidates.find((c) => c.nodeId === b.id)
    expect(bCandidate?.depth).toBe(2)
    expect(bCandidate?.eligible).toBe(false)
    const before = await syncCounters(a.port)
    const record = await plane.call('failover.run', { groupMasterId: master.id })
    expect(record.outcome, record.error).toBe('succeeded')

    await until('B linked to A again', () => linkedTo(b.port, a.port))
    const after = await syncCounters(a.port)
    expect(after.full).toBe(before.full)
    expect(after.partial).toBeGreaterThan(before.partial)
    expect(record.steps.find((s) => s.kind === 'resync' && s.nodeId === b.id)?.resync).toBe('partial')
    // The chain keeps flowing from its new top.
    const c = client(a.port)
    await c.set('chain:after', 'yes')
    c.disconnect()
    await until('B has the write made on A', async () => {
      const cb = client(b.port)
      try {
        return (await cb.get('chain:after')) === 'yes'
      } finally {
        cb.disconnect()
      }
    })
    expect((await nodeView(b.id)).spec.replicaOf?.nodeId).toBe(a.id)
  })

  it.skipIf(skip)('automatic failover (off by default): after downAfterMs of silence the same sequence runs, and not again within the cool-down', async () => {
    const group = await plane.call('replication.createGroup', { name: 'auto', replicas: 2, config: CONFIG })
    const master = group.master.spec
    for (const r of group.replicas) await until('replica linked', () => linkedTo(r.spec.port, master.port))
    expect(await plane.call('failover.getAuto', { groupMasterId: master.id })).toEqual({ groupMasterId: master.id, enabled: false, downAfterMs: 5000, cooldownMs: 60_000 })
    await expect(plane.call('failover.setAuto', { groupMasterId: master.id, enabled: true, downAfterMs: 100 })).rejects.toThrow(/downAfterMs/)
    await plane.call('failover.setAuto', { groupMasterId: master.id, enabled: true, downAfterMs: 1000, cooldownMs: 60_000 })

    const killedAt = Date.now()
    await plane.call('node.kill', { id: master.id })
    const record = await until('an automatic failover', async () => {
      const [latest] = await plane.call('failover.timeline', {})
      return latest?.outcome === 'succeeded' ? latest : undefined
    })
    expect(record.trigger).toBe('auto')
    expect(record.mode).toBe('master-down')
    expect(record.startedAt - killedAt).toBeGreaterThanOrEqual(1000)
    const newMaster = group.replicas.find((r) => r.spec.id === record.newMasterId)!.spec
    expect((await role(newMaster.port))[0]).toBe('master')
    // The setting follows the group to its new master.
    expect((await plane.call('failover.getAuto', { groupMasterId: newMaster.id })).enabled).toBe(true)

    // The new master dies too, inside the cool-down: no second automatic failover.
    await plane.call('node.kill', { id: newMaster.id })
    await sleep(2500)
    expect((await plane.call('failover.timeline', {})).length).toBe(1)
  })
})
