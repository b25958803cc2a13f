/**
 * Acceptance tests for issue 5 (replication), server side, part 2: full
 * synchronisation. Interop with real Redis 7 in both directions on a data
 * set with every type in every encoding under concurrent writes; writes made
 * while a (deliberately slowed) full sync runs arrive; a replica too slow for
 * the master's output-buffer limit is dropped and resyncs.
 *
 * Every case runs once per master/replica implementation pair; redis → redis
 * proves the test itself.
 */
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ENCODINGS,
  Fixture,
  PAIRS,
  digest,
  encodings,
  info,
  loadBulk,
  populateEveryType,
  resume,
  suspend,
  waitForLinkUp,
  waitForOnlineReplicas,
  waitForSameData,
  waitForSameOffset,
  waitUntil,
  type Impl,
} from '../helpers/replication'

const fx = new Fixture()
afterEach(() => fx.cleanup())

const pairName = (p: { master: Impl; replica: Impl }): string => `${p.master} master → ${p.replica} replica`

describe('interop: every type in every encoding, under concurrent writes, converges to the same DEBUG DIGEST', () => {
  for (const pair of PAIRS) {
    it(pairName(pair), async () => {
      const master = await fx.start(pair.master)
      await populateEveryType(master.client)
      expect(await encodings(master.client)).toEqual(ENCODINGS)

      // The replica arrives while the writer runs: its full sync happens under load.
      const writer = fx.writer(master.port)
      await waitUntil('the writer to make progress', async () => writer.batches >= 10)
      const replica = await fx.startReplica(pair.replica, master.port)
      await waitForLinkUp(replica.client)
      const atLinkUp = writer.batches
      await waitUntil('writes streamed after the sync', async () => writer.batches >= atLinkUp + 30)
      await writer.stop()

      const first = await waitForSameData(master.client, [replica.client])
      expect(await encodings(replica.client)).toEqual(ENCODINGS)
      // Each side describes the link the way Redis does (INFO slaveN, ROLE on both ends).
      const mi = await info(master.client, 'replication')
      expect(mi.slave0).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${replica.port},state=online,offset=\\d+,lag=\\d+$`))
      const masterRole = (await master.client.call('ROLE')) as [string, number, [string, string, string][]]
      expect(masterRole[0]).toBe('master')
      // Offsets as INFO gave them a moment ago, or what the master streamed since (checked below).
      const offset = Number(mi.master_repl_offset)
      expect(masterRole[1]).toBeGreaterThanOrEqual(offset)
      expect(masterRole[2].map((r) => r.slice(0, 2))).toEqual([['127.0.0.1', String(replica.port)]])
      const replicaRole = (await replica.client.call('ROLE')) as unknown[]
      expect(replicaRole.slice(0, 4)).toEqual(['slave', '127.0.0.1', master.port, 'connected'])
      expect(replicaRole[4]).toBeGreaterThanOrEqual(offset)
      // Not beyond what the master has streamed by now (a ping, or DELs of keys its active expiry reclaimed meanwhile).
      const streamedSince = Number((await info(master.client, 'replication')).master_repl_offset)
      expect(masterRole[1]).toBeLessThanOrEqual(streamedSince)
      expect(replicaRole[4]).toBeLessThanOrEqual(streamedSince)
      expect(await replica.client.pttl('str:ttl')).toBeGreaterThan(90_000_000)
      expect(await replica.client.pttl('zset:big')).toBeGreaterThan(4_000_000)

      // Further writes keep them identical.
      const more = fx.writer(master.port, { prefix: 'more' })
      await waitUntil('further writes', async () => more.batches >= 30)
      await more.stop()
      await master.client.del('list:big', 'hash:small')
      await master.client.zadd('zset:small', 7, 'late')
      const second = await waitForSameData(master.client, [replica.client])
      expect(second).not.toBe(first)
      expect(await replica.client.exists('list:big')).toBe(0)
    }, 45_000)
  }
})

describe('writes made while a full sync runs reach the replica', () => {
  /** Random (incompressible) payload, so the snapshot is at least this big on the wire. */
  const BULK_BYTES = 3_000_000
  const variants = [
    { diskless: 'yes', load: 'disabled' },
    { diskless: 'no', load: 'disabled' },
    { diskless: 'yes', load: 'swapdb' },
    { diskless: 'yes', load: 'on-empty-db' },
  ] as const
  for (const pair of PAIRS) {
    for (const { diskless, load } of variants) {
      it(`${pairName(pair)}, repl-diskless-sync ${diskless}, repl-diskless-load ${load}`, async () => {
        const master = await fx.start(pair.master, ['--repl-diskless-sync', diskless])
        await loadBulk(master.client, BULK_BYTES / 1000, 1000)
        // 200 kB/s between them while the test writes: the transfer is surely still running
        // (~15 s at that rate); then full speed.
        const proxy = await fx.proxy(master.port, { bytesPerSecond: 200_000 })
        // A server with data of its own, turned into a replica by the REPLICAOF command: it must drop that data.
        const replica = await fx.start(pair.replica, ['--repl-diskless-load', load])
        await replica.client.set('stale:own', 'gone after the sync')
        await replica.client.hset('w:hash:small', 'stale', 'x')
        expect(await replica.client.call('REPLICAOF', '127.0.0.1', String(proxy.port))).toBe('OK')
        // The master sends the payload once its snapshot is taken: bytes past the handshake mean
        // everything written from now on must reach the replica through the buffered stream.
        const transfer = (): number => proxy.sessions.at(-1)?.down ?? 0
        await waitUntil('the snapshot transfer to begin', async () => transfer() > 20_000)
        const writer = fx.writer(master.port)
        await master.client.set('during-sync', 'arrived')
        await waitUntil('writes during the sync', async () => writer.batches >= 5)
        // The replica cannot have finished: it has not even received the whole snapshot yet.
        // (Its own INFO is no witness: a Redis replica loading from the socket answers only between chunks.)
        const delivered = transfer()
        expect(delivered, 'the proxy delivered the whole snapshot before the writes were done').toBeLessThan(BULK_BYTES)
        proxy.setRate(undefined)
        await waitForLinkUp(replica.client, 20_000)
        await writer.stop()

        await waitForSameData(master.client, [replica.client])
        expect(await replica.client.get('during-sync')).toBe('arrived')
        expect(await replica.client.exists('stale:own')).toBe(0)
        expect(Number((await info(master.client, 'stats')).sync_full)).toBe(1)
      }, 45_000)
    }
  }
})

describe('a replica that cannot keep up with the output-buffer limit is dropped and resyncs', () => {
  for (const pair of PAIRS) {
    it(pairName(pair), async () => {
      const master = await fx.start(pair.master, ['--client-output-buffer-limit', 'replica 256kb 128kb 1'])
      const replica = await fx.startReplica(pair.replica, master.port)
      await waitForOnlineReplicas(master.client, 1)
      await master.client.set('before', '1')
      await waitForSameOffset(master.client, [replica.client])
      const before = await info(master.client, 'stats')

      suspend(replica.pid)
      const big = 'o'.repeat(500_000)
      for (let i = 0; i < 40; i++) await master.client.set(`big:${i}`, `${i}:${big}`) // 20 MB the stopped replica cannot read
      await waitUntil(
        'the master to drop its stalled replica',
        async () => (await info(master.client, 'replication')).connected_slaves === '0',
        15_000,
        async () => `${JSON.stringify(await info(master.client, 'replication'))}\nlog tail:\n${master.server.output().slice(-2000)}`,
      )
      expect(master.server.output()).toMatch(/scheduled to be closed ASAP for overcoming of output buffer limits\./)
      // The master stays healthy.
      expect(await master.client.ping()).toBe('PONG')
      await master.client.set('after', '2')

      resume(replica.pid)
      await waitForSameData(master.client, [replica.client], 25_000)
      expect(await replica.client.get('after')).toBe('2')
      expect(await replica.client.strlen('big:39')).toBe(500_003)
      const after = await info(master.client, 'stats')
      const syncs = (s: Record<string, string>): number => Number(s.sync_full) + Number(s.sync_partial_ok)
      expect(syncs(after)).toBeGreaterThan(syncs(before))
      expect(await digest(replica.client)).toBe(await digest(master.client))
    }, 45_000)
  }
})

describe('the master serves legacy SYNC clients: redis-cli --replica and redis-cli --rdb', () => {
  for (const impl of ['redis', 'tandem'] as const) {
    it(`${impl} master`, async () => {
      const master = await fx.start(impl)
      await populateEveryType(master.client)
      const cli = spawn('redis-cli', ['-p', String(master.port), '--replica'], { stdio: ['ignore', 'pipe', 'pipe'] })
      if (cli.pid) fx.adoptPid(cli.pid)
      let out = ''
      cli.stdout.on('data', (d: Buffer) => (out += d.toString()))
      cli.stderr.on('data', (d: Buffer) => (out += d.toString()))
      await waitUntil('redis-cli to finish its SYNC', async () => out.includes('Logging commands from master.'), 15_000, async () => out)
      await master.client.set('foo', 'bar')
      await master.client.incrbyfloat('float', '1.5')
      await waitUntil('the writes in the SYNC stream', async () => /"set","foo","bar"/i.test(out) && /"set","float","1\.5","KEEPTTL"/i.test(out), 15_000, async () => out)

      const dir = fx.dir('rdb-dump-')
      const file = join(dir, 'dump.rdb')
      const dump = spawnSync('redis-cli', ['-p', String(master.port), '--rdb', file], { encoding: 'utf8', timeout: 15_000 })
      expect(dump.stdout + dump.stderr).toMatch(/Transfer finished with success/)
      const check = spawnSync('/usr/bin/redis-check-rdb', [file], { encoding: 'utf8', timeout: 15_000 })
      expect(check.status, check.stdout).toBe(0)
      expect(check.stdout).toMatch(/RDB looks OK!/)
      expect(await master.client.ping()).toBe('PONG')
    }, 40_000)
  }
})
