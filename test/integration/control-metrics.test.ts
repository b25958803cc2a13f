/**
 * The dashboard's API through the control plane, over the wire, against an
 * attached tandem-server and an attached redis-server 7 (the reference that
 * proves the test): ops/s derived from counters shows real traffic, SLOWLOG
 * GET/RESET and CLIENT LIST/KILL act on the server. A local tandem-server
 * group shows the replica's offset following the master's.
 */
import { existsSync, rmSync } from 'node:fs'
import { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createControlPlane, type ControlPlane } from '../../main/control/control-plane'
import { forkLauncher } from '../../main/control/server-launcher'
import { TANDEM_SERVER_JS, hasRealRedis, startRedis, startTandem, tempDir, type RunningServer } from '../helpers/processes'

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const kinds: [string, () => Promise<RunningServer>, boolean][] = [
  ['tandem-server', () => startTandem(['--save', '']), existsSync(TANDEM_SERVER_JS)],
  ['redis-server', () => startRedis(), hasRealRedis()],
]

let plane: ControlPlane | null = null
let dataDir = ''
const cleanups: (() => Promise<void> | void)[] = []

beforeEach(() => {
  dataDir = tempDir('tandem-metrics-')
  plane = createControlPlane({ dataDir, launch: forkLauncher(TANDEM_SERVER_JS), pollIntervalMs: 200, eventThrottleMs: 50, resumeRunning: false })
})

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await plane?.close()
  plane = null
  rmSync(dataDir, { recursive: true, force: true })
})

describe.each(kinds)('dashboard API on an attached %s', (_kind, start, available) => {
  it.skipIf(!available)('ops/s from counters, SLOWLOG and CLIENT LIST/KILL over the wire', async () => {
    const server = await start()
    cleanups.push(() => server.stop())
    const node = await plane!.call('node.attachExternal', { host: '127.0.0.1', port: server.port })
    const client = new Redis({ port: server.port, protocol: 2, connectionName: 'metrics-test', maxRetriesPerRequest: 0, retryStrategy: () => null })
    client.on('error', () => {})
    cleanups.push(() => client.disconnect())

    // Traffic: 3 pipelines of 500 SET + 500 GET.
    for (let round = 0; round < 3; round++) {
      const pipeline = client.pipeline()
      for (let i = 0; i < 500; i++) pipeline.set(`k${i}`, 'v').get(`k${i}`)
      await pipeline.exec()
      await new Promise((r) => setTimeout(r, 150))
    }
    const samples = await until('a non-zero ops/s sample', async () => {
      const [history] = await plane!.call('metrics.history', { ids: [node.spec.id] })
      return history.samples.some((s) => (s.opsPerSec ?? 0) > 100 && (s.hitsPerSec ?? 0) > 0 && (s.netInPerSec ?? 0) > 0) && history.samples
    })
    const last = samples[samples.length - 1]
    expect(last.usedMemory).toBeGreaterThan(0)
    expect(last.clients).toBeGreaterThanOrEqual(2)
    expect(last.replOffset).not.toBeNull()
    await expect(plane!.call('metrics.history', { ids: ['nope'] })).rejects.toThrow('unknown node id "nope"')

    // A command slower than the threshold (0: every command) lands in the slow log with the client's name.
    await client.config('SET', 'slowlog-log-slower-than', '0')
    await client.echo('dashboard-marker')
    await client.config('SET', 'slowlog-log-slower-than', '10000')
    const entries = await plane!.call('slowlog.get', { id: node.spec.id, count: 50 })
    // ioredis sends command names in lower case; the slow log keeps them as sent.
    const marker = entries.find((e) => e.args.join(' ').toUpperCase() === 'ECHO DASHBOARD-MARKER')
    expect(marker).toMatchObject({ clientName: 'metrics-test' })
    expect(marker!.clientAddr).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(marker!.time).toBeGreaterThan(Date.now() / 1000 - 60)
    await expect(plane!.call('slowlog.get', { id: node.spec.id, count: 0 })).rejects.toThrow('"count" must be an integer')
    await plane!.call('slowlog.reset', { id: node.spec.id })
    expect((await plane!.call('slowlog.get', { id: node.spec.id })).some((e) => e.args[0]?.toUpperCase() === 'ECHO')).toBe(false)

    const clients = await plane!.call('clients.list', { id: node.spec.id })
    const mine = clients.find((c) => c.name === 'metrics-test')
    expect(mine).toBeDefined()
    expect(mine!.id).toBe(String(await client.client('ID')))
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    expect(await plane!.call('clients.kill', { id: node.spec.id, clientId: mine!.id })).toEqual({ killed: 1 })
    await closed
    expect((await plane!.call('clients.list', { id: node.spec.id })).some((c) => c.name === 'metrics-test')).toBe(false)
    await expect(plane!.call('clients.kill', { id: node.spec.id, clientId: '999999' })).rejects.toThrow(/No such client|no client with id 999999/)
  }, 30_000)
})

describe.skipIf(!existsSync(TANDEM_SERVER_JS))('dashboard metrics of a local group', () => {
  it("the replica's offset follows the master's; a stopped node's commands are refused with a message", async () => {
    const group = await plane!.call('replication.createGroup', { name: 'm', replicas: 1, config: { save: '', 'repl-diskless-sync-delay': '0' } })
    const client = new Redis({ port: group.master.spec.port, protocol: 2, maxRetriesPerRequest: 0 })
    cleanups.push(() => client.disconnect())
    for (let i = 0; i < 200; i++) void client.set(`key:${i}`, 'x'.repeat(100))
    await client.ping()
    const masterId = group.master.spec.id
    const replicaId = group.replicas[0].spec.id
    await until('the replica at the master offset', async () => {
      const histories = await plane!.call('metrics.history', { ids: [masterId, replicaId] })
      const lastOf = (id: string) => histories.find((h) => h.id === id)?.samples.at(-1)?.replOffset ?? null
      const master = lastOf(masterId)
      return master !== null && master > 20_000 && lastOf(replicaId) === master
    })

    await plane!.call('node.stop', { id: replicaId })
    await expect(plane!.call('slowlog.get', { id: replicaId })).rejects.toThrow('is not running: start it first')
    await expect(plane!.call('clients.list', { id: replicaId })).rejects.toThrow('is not running')
  }, 30_000)
})
