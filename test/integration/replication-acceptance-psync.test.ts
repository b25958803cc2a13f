/**
 * Acceptance tests for issue 5 (replication), server side, part 3: partial
 * resynchronisation (PSYNC2). A dropped link resumes with +CONTINUE and only
 * the missed part of the stream crosses the wire; a replica restarted from its
 * RDB (repl-id / repl-offset AUX fields) resumes partially too.
 *
 * The replica reaches its master through a proxy the test controls: it cuts
 * the link, refuses reconnections while the master takes writes, and counts
 * every byte the master sends on each connection.
 *
 * Every case runs once per master/replica implementation pair; redis → redis
 * proves the test itself.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  Fixture,
  PAIRS,
  info,
  resume,
  suspend,
  loadBulk,
  populateEveryType,
  waitExit,
  waitForSameData,
  waitUntil,
  type Impl,
  type Info,
} from '../helpers/replication'

const fx = new Fixture()
afterEach(() => fx.cleanup())

const pairName = (p: { master: Impl; replica: Impl }): string => `${p.master} master → ${p.replica} replica`

/** Replies the master sends before the stream on a partial resync: +PONG, +OK ×2, +CONTINUE <id>, with room for a ping or newline. */
const HANDSHAKE_SLACK = 200
const DATASET_BYTES = 2_000 * 1_000

const syncCounters = (s: Info): { full: number; partialOk: number } => ({ full: Number(s.sync_full), partialOk: Number(s.sync_partial_ok) })

describe('a dropped link resumes with +CONTINUE and transfers only the missed bytes', () => {
  for (const pair of PAIRS) {
    it(pairName(pair), async () => {
      const master = await fx.start(pair.master)
      const m = master.client
      await populateEveryType(m)
      await loadBulk(m, 2_000, 1_000)
      const proxy = await fx.proxy(master.port)
      const replica = await fx.startReplica(pair.replica, proxy.port)
      await waitForSameData(m, [replica.client])
      expect(proxy.sessions.length).toBe(1)
      expect(proxy.sessions[0].down).toBeGreaterThan(DATASET_BYTES)
      expect(syncCounters(await info(m, 'stats'))).toEqual({ full: 1, partialOk: 0 })
      const offsetAtCut = Number((await info(m, 'replication')).master_repl_offset)
      const outputAtCut = Number((await info(m, 'stats')).total_net_repl_output_bytes)
      const inputAtCut = Number((await info(replica.client, 'stats')).total_net_repl_input_bytes)

      proxy.cut()
      await waitUntil('both ends to see the link down', async () => {
        const [mi, ri] = await Promise.all([info(m, 'replication'), info(replica.client, 'replication')])
        return mi.connected_slaves === '0' && ri.master_link_status === 'down'
      })
      const writer = fx.writer(master.port, { valueSize: 200 })
      await waitUntil('writes the replica misses', async () => writer.batches >= 40)
      await writer.stop()
      await m.set('missed', 'while down')
      const offsetBeforeResume = Number((await info(m, 'replication')).master_repl_offset)
      const missed = offsetBeforeResume - offsetAtCut
      expect(missed).toBeGreaterThan(50_000)

      proxy.allow()
      await waitForSameData(m, [replica.client])
      expect(await replica.client.get('missed')).toBe('while down')
      expect(syncCounters(await info(m, 'stats'))).toEqual({ full: 1, partialOk: 1 })

      const resumed = proxy.sessions.filter((s) => s.down > 0).at(-1)
      expect(resumed).toBeDefined()
      expect(resumed?.head.toString('latin1')).toMatch(/\+CONTINUE( [0-9a-f]{40})?\r\n/)
      const offsetNow = Number((await info(m, 'replication')).master_repl_offset)
      // Exactly the missed stream (plus whatever the master streamed since, e.g. pings) and the handshake replies.
      expect(resumed?.down).toBeGreaterThanOrEqual(missed)
      expect(resumed?.down).toBeLessThanOrEqual(offsetNow - offsetAtCut + HANDSHAKE_SLACK)
      expect(resumed?.down).toBeLessThan(DATASET_BYTES / 4)
      // The servers' own counters tell the same story (INFO stats total_net_repl_*).
      const output = Number((await info(m, 'stats')).total_net_repl_output_bytes) - outputAtCut
      const input = Number((await info(replica.client, 'stats')).total_net_repl_input_bytes) - inputAtCut
      for (const counted of [output, input]) {
        expect(counted).toBeGreaterThanOrEqual(missed)
        expect(counted).toBeLessThanOrEqual(offsetNow - offsetAtCut + HANDSHAKE_SLACK)
      }
    }, 45_000)
  }
})

describe('a replica restarted from its RDB resumes partially', () => {
  for (const pair of PAIRS) {
    it(pairName(pair), async () => {
      const master = await fx.start(pair.master)
      const m = master.client
      await populateEveryType(m)
      await loadBulk(m, 2_000, 1_000)
      const proxy = await fx.proxy(master.port)
      const dataDir = fx.dir('replica-data-')
      // Save points as in the tutorial's slave.conf: SHUTDOWN then writes the final snapshot.
      const replicaArgs = ['--dir', dataDir, '--save', '900 1']
      const replica = await fx.startReplica(pair.replica, proxy.port, replicaArgs)
      expect(await replica.client.config('GET', 'save')).toEqual(['save', '900 1'])
      await waitForSameData(m, [replica.client])
      const before = syncCounters(await info(m, 'stats'))
      expect(before.full).toBe(1)
      const offsetAtShutdown = Number((await info(m, 'replication')).master_repl_offset)

      await replica.client.call('SHUTDOWN').catch(() => undefined)
      await waitExit(replica)
      expect(existsSync(join(dataDir, 'dump.rdb'))).toBe(true)

      const writer = fx.writer(master.port)
      await waitUntil('writes while the replica is down', async () => writer.batches >= 20)
      await writer.stop()
      await m.set('while-restarting', 'yes')

      const restarted = await fx.startReplica(pair.replica, proxy.port, replicaArgs)
      await waitForSameData(m, [restarted.client])
      expect(await restarted.client.get('while-restarting')).toBe('yes')
      expect(syncCounters(await info(m, 'stats'))).toEqual({ full: before.full, partialOk: before.partialOk + 1 })

      const resumed = proxy.sessions.at(-1)
      expect(resumed?.head.toString('latin1')).toMatch(/\+CONTINUE( [0-9a-f]{40})?\r\n/)
      const offsetNow = Number((await info(m, 'replication')).master_repl_offset)
      expect(resumed?.down).toBeLessThanOrEqual(offsetNow - offsetAtShutdown + HANDSHAKE_SLACK)
      expect(resumed?.down).toBeLessThan(DATASET_BYTES / 4)
    }, 45_000)
  }
})

describe('a chain survives a cut of its upper link: the middle resumes partially, the bottom keeps its link', () => {
  const chains: [Impl, Impl, Impl][] = [
    ['redis', 'redis', 'redis'],
    ['tandem', 'tandem', 'tandem'],
    ['redis', 'tandem', 'redis'],
    ['tandem', 'redis', 'tandem'],
  ]
  for (const [topImpl, aImpl, bImpl] of chains) {
    it(`${topImpl} → ${aImpl} → ${bImpl}`, async () => {
      const top = await fx.start(topImpl)
      await populateEveryType(top.client)
      await loadBulk(top.client, 1_000, 1_000)
      const upper = await fx.proxy(top.port)
      const a = await fx.startReplica(aImpl, upper.port)
      const b = await fx.startReplica(bImpl, a.port)
      await waitForSameData(top.client, [a.client, b.client])
      const topBefore = syncCounters(await info(top.client, 'stats'))
      const aBefore = syncCounters(await info(a.client, 'stats'))
      expect(topBefore).toEqual({ full: 1, partialOk: 0 })
      expect(aBefore).toEqual({ full: 1, partialOk: 0 })

      upper.cut()
      await waitUntil('the middle to see its master link down', async () => (await info(a.client, 'replication')).master_link_status === 'down')
      const writer = fx.writer(top.port)
      await waitUntil('writes the chain misses', async () => writer.batches >= 30)
      await writer.stop()
      upper.allow()

      await waitForSameData(top.client, [a.client, b.client])
      expect(syncCounters(await info(top.client, 'stats'))).toEqual({ full: 1, partialOk: 1 })
      // B was never asked to resync: it kept its link to A through the cut.
      expect(syncCounters(await info(a.client, 'stats'))).toEqual(aBefore)
      const [t, bi] = await Promise.all([info(top.client, 'replication'), info(b.client, 'replication')])
      expect(bi.master_replid).toBe(t.master_replid)
      expect(bi.master_repl_offset).toBe(t.master_repl_offset)
    }, 45_000)
  }
})

describe('repl-timeout: a silent peer is dropped, and the link resumes partially once it is back', () => {
  for (const pair of PAIRS) {
    it(`${pairName(pair)}: master stopped (SIGSTOP) → the replica declares the link down`, async () => {
      const master = await fx.start(pair.master)
      const m = master.client
      await populateEveryType(m)
      const replica = await fx.startReplica(pair.replica, master.port, ['--repl-timeout', '2'])
      await waitForSameData(m, [replica.client])

      suspend(master.pid)
      const stoppedAt = Date.now()
      await waitUntil('the replica to time its master out', async () => (await info(replica.client, 'replication')).master_link_status === 'down')
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1_500)
      resume(master.pid)

      await m.set('after', 'timeout')
      await waitForSameData(m, [replica.client])
      expect(await replica.client.get('after')).toBe('timeout')
      expect(syncCounters(await info(m, 'stats'))).toEqual({ full: 1, partialOk: 1 })
    }, 40_000)

    it(`${pairName(pair)}: replica stopped (SIGSTOP) → the master drops it`, async () => {
      const master = await fx.start(pair.master, ['--repl-timeout', '2'])
      const m = master.client
      await populateEveryType(m)
      const replica = await fx.startReplica(pair.replica, master.port)
      await waitForSameData(m, [replica.client])

      suspend(replica.pid)
      const stoppedAt = Date.now()
      await waitUntil('the master to time its replica out', async () => (await info(m, 'replication')).connected_slaves === '0')
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1_500)
      expect(master.server.output()).toMatch(/Disconnecting timedout replica/)
      await m.set('after', 'timeout')
      resume(replica.pid)

      await waitForSameData(m, [replica.client])
      expect(await replica.client.get('after')).toBe('timeout')
      expect(syncCounters(await info(m, 'stats'))).toEqual({ full: 1, partialOk: 1 })
    }, 40_000)
  }
})
