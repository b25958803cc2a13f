/**
 * tandem-server as the REPLICA of a real redis-server 7 master: the full sync
 * (disk `$len` and diskless `$EOF:` payloads), the stream afterwards, partial
 * resync after a broken link and after a restart from the RDB, and what a
 * replica refuses (READONLY, MASTERDOWN) and reports (ROLE, INFO).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type Redis from 'ioredis'
import { hasRealRedis } from '../helpers/processes'
import { Fixture, info, infoNumber, populateEveryType, sleep, waitForLinkUp, waitForSameData, waitUntil, type Node } from '../helpers/replication'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

async function logOf(node: Node): Promise<string> {
  return node.server.output()
}

async function exitOf(node: Node): Promise<void> {
  const child = node.server.process
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise((res) => child.once('exit', res))
}

async function writeSomething(c: Redis, tag: string): Promise<void> {
  const p = c.pipeline()
  p.set(`w:${tag}`, tag)
  p.incrby('w:counter', 7)
  p.rpush('w:list', tag)
  p.hset('w:hash', tag, tag.length)
  p.zadd('w:zset', tag.length, tag)
  p.sadd('w:set', tag)
  p.set('w:ttl', tag, 'EX', 1000)
  p.select(5)
  p.set('w:db5', tag)
  p.select(0)
  const results = (await p.exec()) ?? []
  for (const [err] of results) if (err) throw err
  // A transaction reaches the replica as MULTI … EXEC.
  await c.multi().incr('w:multi').lpush('w:list', `${tag}:m`).exec()
}

describe.skipIf(!hasRealRedis())('tandem replica of a real Redis 7 master', () => {
  for (const diskless of ['no', 'yes'] as const) {
    it(`full sync of every type converges, then the stream keeps it identical (master repl-diskless-sync ${diskless})`, async () => {
      const master = await fixture.start('redis', ['--repl-diskless-sync', diskless])
      await populateEveryType(master.client)
      const replica = await fixture.startReplica('tandem', master.port)
      await waitForLinkUp(replica.client)
      await waitForSameData(master.client, [replica.client])
      expect(await replica.client.dbsize()).toBe(await master.client.dbsize())
      expect(await replica.client.get('str:raw')).toBe('x'.repeat(300) + 'y'.repeat(300))

      await writeSomething(master.client, 'after-sync')
      await waitForSameData(master.client, [replica.client])
      expect(await replica.client.get('w:after-sync')).toBe('after-sync')
      expect(await replica.client.get('w:multi')).toBe('1')

      const log = await logOf(replica)
      const { master_replid: masterId } = await info(master.client, 'replication')
      expect(log).toContain(`Connecting to MASTER 127.0.0.1:${master.port}`)
      expect(log).toContain('Master replied to PING, replication can continue...')
      expect(log).toContain('Partial resynchronization not possible (no cached master)')
      expect(log).toMatch(new RegExp(`Full resync from master: ${masterId}:\\d+`))
      expect(log).toContain(diskless === 'yes' ? 'receiving streamed RDB from master with EOF to disk' : 'MASTER <-> REPLICA sync: receiving ')
      expect(log).toContain('MASTER <-> REPLICA sync: Flushing old data')
      expect(log).toContain('MASTER <-> REPLICA sync: Loading DB in memory')
      expect(log).toContain('MASTER <-> REPLICA sync: Finished with success')
      // The log's role letter is S once replicating.
      expect(log).toMatch(/:S \d+ \w+ \d+ [\d:.]+ \* MASTER <-> REPLICA sync: Finished with success/)

      // The replica adopted the master's history: same id, same offset.
      const m = await info(master.client, 'replication')
      const r = await info(replica.client, 'replication')
      expect(r.master_replid).toBe(m.master_replid)
      expect(r.master_repl_offset).toBe(m.master_repl_offset)
      expect(r.repl_backlog_active).toBe('1')
      expect(await infoNumber(master.client, 'sync_full')).toBe(1)
    })
  }

  it('INFO replication and ROLE show the replica fields in order, and the master lists it online with our listening port', async () => {
    const master = await fixture.start('redis')
    const replica = await fixture.startReplica('tandem', master.port, ['--replica-priority', '42', '--replica-announced', 'no'])
    await waitForLinkUp(replica.client)
    await master.client.set('k', 'v')
    await waitForSameData(master.client, [replica.client])
    const text = String(await replica.client.info('replication'))
    const fields = text
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => l.slice(0, l.indexOf(':')))
    expect(fields.slice(0, 11)).toEqual([
      'role',
      'master_host',
      'master_port',
      'master_link_status',
      'master_last_io_seconds_ago',
      'master_sync_in_progress',
      'slave_read_repl_offset',
      'slave_repl_offset',
      'slave_priority',
      'slave_read_only',
      'replica_announced',
    ])
    const r = await info(replica.client, 'replication')
    expect(r).toMatchObject({ role: 'slave', master_host: '127.0.0.1', master_port: String(master.port), master_link_status: 'up', master_sync_in_progress: '0', slave_priority: '42', slave_read_only: '1', replica_announced: '0' })
    expect(r.slave_repl_offset).toBe(r.master_repl_offset)
    const offset = Number(r.slave_repl_offset)
    expect(await replica.client.call('ROLE')).toEqual(['slave', '127.0.0.1', master.port, 'connected', offset])
    const hello = (await replica.client.call('HELLO', '2')) as unknown[]
    expect(hello[hello.indexOf('role') + 1]).toBe('replica')
    const m = await info(master.client, 'replication')
    expect(m.slave0).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${replica.port},state=online,offset=\\d+,lag=\\d+$`))
  })

  it('a killed link resumes with +CONTINUE: only the missed writes travel, sync_full stays at 1', async () => {
    const master = await fixture.start('redis')
    await populateEveryType(master.client)
    const replica = await fixture.startReplica('tandem', master.port)
    await waitForSameData(master.client, [replica.client])
    expect(await infoNumber(master.client, 'sync_full')).toBe(1)

    // From the replica's side: CLIENT KILL TYPE master.
    expect(await replica.client.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1)
    await writeSomething(master.client, 'while-down-1')
    await waitForSameData(master.client, [replica.client])
    expect(await replica.client.get('w:while-down-1')).toBe('while-down-1')
    expect(await infoNumber(master.client, 'sync_partial_ok')).toBe(1)

    // From the master's side: CLIENT KILL TYPE replica.
    expect(await master.client.call('CLIENT', 'KILL', 'TYPE', 'replica')).toBe(1)
    await writeSomething(master.client, 'while-down-2')
    await waitForSameData(master.client, [replica.client])
    expect(await replica.client.get('w:while-down-2')).toBe('while-down-2')
    expect(await infoNumber(master.client, 'sync_partial_ok')).toBe(2)
    expect(await infoNumber(master.client, 'sync_full')).toBe(1)

    const log = await logOf(replica)
    expect(log).toContain('Connection with master lost.')
    expect(log).toContain('Caching the disconnected master state.')
    expect(log).toMatch(/Trying a partial resynchronization \(request [0-9a-f]{40}:\d+\)\./)
    expect(log).toContain('Successful partial resynchronization with master.')
    expect(log).toContain('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.')
  })

  it('a replica restarted from its RDB resumes partially with the repl-id/repl-offset it saved', async () => {
    const master = await fixture.start('redis')
    await populateEveryType(master.client)
    const dir = fixture.dir('tandem-replica-restart-')
    const args = ['--dir', dir, '--save', '3600 1']
    const first = await fixture.startReplica('tandem', master.port, args)
    await waitForSameData(master.client, [first.client])
    await writeSomething(master.client, 'before-restart')
    await waitForSameData(master.client, [first.client])
    const savedOffset = Number((await info(first.client, 'replication')).slave_repl_offset)

    // SIGTERM saves (save points set) with the AUX fields, then exits.
    first.server.process.kill('SIGTERM')
    await exitOf(first)
    await writeSomething(master.client, 'while-stopped')

    const second = await fixture.startReplica('tandem', master.port, args)
    await waitForSameData(master.client, [second.client])
    expect(await second.client.get('w:while-stopped')).toBe('while-stopped')
    expect(await infoNumber(master.client, 'sync_full')).toBe(1)
    expect(await infoNumber(master.client, 'sync_partial_ok')).toBe(1)
    const masterId = (await info(master.client, 'replication')).master_replid
    expect(await logOf(second)).toContain(`Trying a partial resynchronization (request ${masterId}:${savedOffset + 1}).`)
  })

  it('refuses writes from normal clients with READONLY (and inside MULTI), serves reads, and follows replica-read-only', async () => {
    const master = await fixture.start('redis')
    await master.client.set('k', 'v')
    const replica = await fixture.startReplica('tandem', master.port)
    await waitForSameData(master.client, [replica.client])
    await expect(replica.client.set('k', 'other')).rejects.toThrow("READONLY You can't write against a read only replica.")
    await expect(replica.client.call('DEL', 'k')).rejects.toThrow('READONLY')
    expect(await replica.client.get('k')).toBe('v')
    const tx = await replica.client.multi().set('a', '1').exec().catch((e: Error) => e)
    expect(String(tx)).toContain('EXECABORT')

    await replica.client.call('CONFIG', 'SET', 'replica-read-only', 'no')
    expect(await replica.client.set('local', '1')).toBe('OK')
    expect((await info(replica.client, 'replication')).slave_read_only).toBe('0')
  })

  it('with the link down: MASTERDOWN for commands without the stale flag when replica-serve-stale-data is no, stale data otherwise', async () => {
    const master = await fixture.start('redis')
    await master.client.set('k', 'v')
    const replica = await fixture.startReplica('tandem', master.port, ['--replica-serve-stale-data', 'no'])
    await waitForSameData(master.client, [replica.client])
    expect(await replica.client.get('k')).toBe('v')

    // The master goes away: the link stays down.
    await master.server.stop()
    await waitUntil('link down', async () => (await info(replica.client, 'replication')).master_link_status === 'down')
    await expect(replica.client.get('k')).rejects.toThrow("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")
    await expect(replica.client.ping()).rejects.toThrow('MASTERDOWN')
    // INFO, CONFIG, ROLE carry the stale flag.
    const r = await info(replica.client, 'replication')
    expect(Number(r.master_link_down_since_seconds)).toBeGreaterThanOrEqual(0)
    expect(r.master_last_io_seconds_ago).toBe('-1')
    const role = (await replica.client.call('ROLE')) as unknown[]
    expect(role.slice(0, 3)).toEqual(['slave', '127.0.0.1', master.port])
    expect(['connect', 'connecting']).toContain(role[3])
    expect(role[4]).toBe(-1)

    await replica.client.call('CONFIG', 'SET', 'replica-serve-stale-data', 'yes')
    expect(await replica.client.get('k')).toBe('v')
  })

  it('REPLICAOF host port / NO ONE at run time: OK, "Already connected", data kept on promotion with the old id as replid2', async () => {
    const master = await fixture.start('redis')
    await populateEveryType(master.client)
    const node = await fixture.start('tandem')
    await node.client.set('mine', 'gone after the sync')
    // A client blocked on the old master's data is told and disconnected.
    const blocked = fixture.client(node.port)
    const pop = blocked.blpop('nothing', 0).catch((e: Error) => e)
    await waitUntil('client blocked', async () => (await infoNumber(node.client, 'blocked_clients')) === 1)
    expect(await node.client.call('REPLICAOF', '127.0.0.1', String(master.port))).toBe('OK')
    expect(String(await pop)).toContain('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)')
    expect((await info(node.client, 'replication')).role).toBe('slave')
    await waitForSameData(master.client, [node.client])
    expect(await node.client.get('mine')).toBeNull()
    expect(await node.client.call('SLAVEOF', '127.0.0.1', String(master.port))).toBe('OK Already connected to specified master')
    expect(await node.client.call('CONFIG', 'GET', 'replicaof')).toEqual(['replicaof', `127.0.0.1 ${master.port}`])
    // A master turned replica first offers its own history.
    expect(await logOf(node)).toContain('Before turning into a replica, using my own master parameters to synthesize a cached master')

    const before = await info(node.client, 'replication')
    expect(await node.client.call('REPLICAOF', 'NO', 'ONE')).toBe('OK')
    const after = await info(node.client, 'replication')
    expect(after.role).toBe('master')
    expect(after.master_replid2).toBe(before.master_replid)
    expect(after.second_repl_offset).toBe(String(Number(before.master_repl_offset) + 1))
    expect(after.master_replid).not.toBe(before.master_replid)
    expect(await node.client.get('str:embstr')).toBe('hello')
    expect(await node.client.set('writable', 'again')).toBe('OK')
    expect(await node.client.call('CONFIG', 'GET', 'replicaof')).toEqual(['replicaof', ''])
    expect(await logOf(node)).toMatch(/MASTER MODE enabled \(user request from 'id=\d+ /)
    // The master no longer lists it.
    await waitUntil('master without replicas', async () => (await info(master.client, 'replication')).connected_slaves === '0')
  })

  it('a chain real Redis → tandem → tandem and → real Redis shares one id and one offset space, and sub-replicas stay through a +CONTINUE but resync after a full sync of the middle', async () => {
    const top = await fixture.start('redis')
    await populateEveryType(top.client)
    const middle = await fixture.startReplica('tandem', top.port)
    await waitForSameData(top.client, [middle.client])
    const leafTandem = await fixture.startReplica('tandem', middle.port)
    const leafRedis = await fixture.startReplica('redis', middle.port)
    await waitForSameData(top.client, [middle.client, leafTandem.client, leafRedis.client])
    await writeSomething(top.client, 'through-the-chain')
    await waitForSameData(top.client, [middle.client, leafTandem.client, leafRedis.client])
    const ids = await Promise.all([top, middle, leafTandem, leafRedis].map(async (n) => (await info(n.client, 'replication')).master_replid))
    expect(new Set(ids).size).toBe(1)
    expect(await leafRedis.client.get('w:through-the-chain')).toBe('through-the-chain')

    // The middle replica loses its link: the sub-replicas stay attached and catch up after +CONTINUE.
    await middle.client.call('CLIENT', 'KILL', 'TYPE', 'master')
    await writeSomething(top.client, 'after-middle-reconnect')
    await waitForSameData(top.client, [middle.client, leafTandem.client, leafRedis.client])
    expect(await infoNumber(top.client, 'sync_full')).toBe(1)
    expect(await infoNumber(middle.client, 'sync_full')).toBe(2)
    expect(await infoNumber(middle.client, 'sync_partial_ok')).toBe(0)

    // The middle follows another master: its full sync drops the sub-replicas, which then resync with the new history.
    const other = await fixture.start('redis')
    await other.client.set('other', 'history')
    expect(await middle.client.call('REPLICAOF', '127.0.0.1', String(other.port))).toBe('OK')
    await waitForSameData(other.client, [middle.client, leafTandem.client, leafRedis.client])
    expect(await leafTandem.client.get('other')).toBe('history')
    expect(await leafRedis.client.get('w:through-the-chain')).toBeNull()
  })

  it('a replica whose master never answered reports link down since -1 and offset 1', async () => {
    const replica = await fixture.startReplica('tandem', 1)
    await sleep(300)
    const r = await info(replica.client, 'replication')
    expect(r).toMatchObject({ role: 'slave', master_port: '1', master_link_status: 'down', master_last_io_seconds_ago: '-1', master_sync_in_progress: '0', slave_repl_offset: '1', master_link_down_since_seconds: '-1' })
    expect(await logOf(replica)).toContain('Error condition on socket for SYNC: Connection refused')
  })
})
