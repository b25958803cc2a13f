/**
 * Acceptance tests for issue 6 (failover), server side: the FAILOVER command
 * (coordinated hand-over with PSYNC … FAILOVER), REPLICAOF NO ONE keeping the
 * old history as replid2 so every other replica and sub-replica resumes with a
 * partial resync, replica-priority, and an old master restarted from its RDB
 * as a replica of the new one.
 *
 * Every case runs with real redis-server too: redis → redis proves the test
 * itself, and the mixed pairs prove tandem's PSYNC FAILOVER is understood by
 * Redis 7 (and Redis's by tandem).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type Redis from 'ioredis'
import {
  Fixture,
  IMPLS,
  info,
  kill9,
  populateEveryType,
  resume,
  sleep,
  suspend,
  waitForLinkUp,
  waitForOnlineReplicas,
  waitForSameData,
  waitForSameOffset,
  waitUntil,
  type Impl,
  type Node,
} from '../helpers/replication'

const fx = new Fixture()
afterEach(() => fx.cleanup())

const HOST = '127.0.0.1'

/** The reply, or the error text as the client got it (without the leading '-'). */
async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

async function role(c: Redis): Promise<string> {
  const reply = (await c.call('ROLE')) as unknown[]
  return String(reply[0])
}

async function failoverState(c: Redis): Promise<string> {
  return (await info(c, 'replication')).master_failover_state
}

async function stats(c: Redis): Promise<{ full: number; partialOk: number }> {
  const s = await info(c, 'stats')
  return { full: Number(s.sync_full), partialOk: Number(s.sync_partial_ok) }
}

/** True when `p` has not settled within `ms`. */
async function stillPending(p: Promise<unknown>, ms: number): Promise<boolean> {
  const marker = Symbol('pending')
  const winner = await Promise.race([p.then(() => 'settled', () => 'settled'), sleep(ms).then(() => marker)])
  return winner === marker
}

// ---------------------------------------------------------------------------
// A writer that counts a write as acknowledged only when WAIT 1 says a replica has it

interface AckedWriter {
  /** key → value of every write WAIT 1 confirmed. */
  readonly acked: Map<string, string>
  /** Writes acknowledged by the node that was not the first master. */
  readonly ackedElsewhere: number
  /** Longest SET + WAIT round (ms), a held write included. */
  readonly maxLatencyMs: number
  readonly errors: string[]
  stop(): Promise<void>
}

function ackedWriter(ports: readonly number[]): AckedWriter {
  let port = ports[0]
  let client = fx.client(port)
  const acked = new Map<string, string>()
  const errors: string[] = []
  let running = true
  let maxLatencyMs = 0
  let ackedElsewhere = 0
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const key = `acked:${i}`
      const started = Date.now()
      try {
        await client.set(key, String(i))
        const replicas = Number(await client.call('WAIT', '1', '2000'))
        if (replicas >= 1) {
          acked.set(key, String(i))
          if (port !== ports[0]) ackedElsewhere++
        }
        maxLatencyMs = Math.max(maxLatencyMs, Date.now() - started)
      } catch (e) {
        // READONLY once the old master is a replica, UNBLOCKED or a closed link for a WAIT cut by the switch.
        errors.push(e instanceof Error ? e.message : String(e))
        for (const candidate of ports) {
          const probe = fx.client(candidate)
          const r = await outcome(role(probe))
          probe.disconnect()
          if (r === 'master' && candidate !== port) {
            port = candidate
            client = fx.client(port)
            break
          }
        }
        await sleep(20)
      }
      await sleep(2)
    }
  })()
  return {
    acked,
    errors,
    get ackedElsewhere() {
      return ackedElsewhere
    },
    get maxLatencyMs() {
      return maxLatencyMs
    },
    async stop() {
      running = false
      await loop
    },
  }
}

// ---------------------------------------------------------------------------

describe('FAILOVER answers every refusal as Redis 7 does', () => {
  async function refusals(impl: Impl): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {}
    const master = await fx.start(impl)
    const m = master.client
    out.noReplicas = await outcome(m.call('FAILOVER', 'TO', HOST, String(master.port)))
    out.noReplicasAny = await outcome(m.call('FAILOVER'))
    out.abortNothing = await outcome(m.call('FAILOVER', 'ABORT'))
    out.timeoutZero = await outcome(m.call('FAILOVER', 'TIMEOUT', '0'))
    out.timeoutNegative = await outcome(m.call('FAILOVER', 'TIMEOUT', '-5'))
    out.timeoutNotNumber = await outcome(m.call('FAILOVER', 'TIMEOUT', 'soon'))
    out.portNotNumber = await outcome(m.call('FAILOVER', 'TO', HOST, 'port'))
    out.twiceForce = await outcome(m.call('FAILOVER', 'FORCE', 'FORCE'))
    out.twiceTimeout = await outcome(m.call('FAILOVER', 'TIMEOUT', '10', 'TIMEOUT', '10'))
    out.abortWithMore = await outcome(m.call('FAILOVER', 'ABORT', 'TIMEOUT', '10'))
    out.unknownOption = await outcome(m.call('FAILOVER', 'NOW'))
    out.toMissingPort = await outcome(m.call('FAILOVER', 'TO', HOST))
    out.psyncFailoverToMaster = await outcome(m.call('PSYNC', '?', '-1', 'FAILOVER'))

    const replica = await fx.startReplica(impl, master.port)
    const r = replica.client
    await waitForOnlineReplicas(m, 1)
    out.forceAlone = await outcome(m.call('FAILOVER', 'FORCE'))
    out.forceNoTimeout = await outcome(m.call('FAILOVER', 'TO', HOST, String(replica.port), 'FORCE'))
    out.forceNoTarget = await outcome(m.call('FAILOVER', 'FORCE', 'TIMEOUT', '100'))
    out.notAReplica = await outcome(m.call('FAILOVER', 'TO', HOST, String(master.port)))
    out.onReplica = await outcome(r.call('FAILOVER'))
    out.psyncFailoverWrongId = await outcome(r.call('PSYNC', 'f'.repeat(40), '1', 'FAILOVER'))
    // replica-priority: reported and settable (the control plane reads it to choose whom to promote).
    out.priorityDefault = (await info(r, 'replication')).slave_priority
    out.prioritySet = await r.config('SET', 'replica-priority', '0')
    out.priorityInfo = (await info(r, 'replication')).slave_priority
    out.priorityGet = await r.config('GET', 'replica-priority')

    // A replica still waiting for its snapshot is not online.
    await m.config('SET', 'repl-diskless-sync-delay', '30')
    const late = await fx.startReplica(impl, master.port)
    await waitUntil('the late replica to wait for its snapshot', async () => /state=wait_bgsave/.test((await m.info('replication')) ?? ''))
    out.notOnline = await outcome(m.call('FAILOVER', 'TO', HOST, String(late.port)))
    await late.client.call('SHUTDOWN', 'NOSAVE').catch(() => 'gone')

    // While waiting for a replica that cannot ACK (stopped after a write it has not seen).
    suspend(replica.pid)
    try {
      await m.set('unseen', '1')
      out.started = await m.call('FAILOVER', 'TO', HOST, String(replica.port), 'TIMEOUT', '60000')
      out.state = await failoverState(m)
      out.again = await outcome(m.call('FAILOVER'))
      out.replicaof = await outcome(m.call('REPLICAOF', 'NO', 'ONE'))
      const syncer = fx.client(master.port)
      out.psync = await outcome(syncer.call('PSYNC', '?', '-1'))
      out.sync = await outcome(syncer.call('SYNC'))
      // Writes are held (CLIENT PAUSE WRITE), reads are not.
      const writer = fx.client(master.port)
      const held = writer.set('held', 'yes')
      out.writeHeld = await stillPending(held, 400)
      out.readServed = await m.get('unseen')
      // CLIENT UNPAUSE lifts only a CLIENT PAUSE: FAILOVER's pause is its own.
      out.clientUnpause = await m.call('CLIENT', 'UNPAUSE')
      out.stillHeld = await stillPending(held, 200)
      out.abort = await m.call('FAILOVER', 'ABORT')
      out.heldWriteDone = await held
      out.stateAfterAbort = await failoverState(m)
      out.roleAfterAbort = await role(m)
    } finally {
      resume(replica.pid)
    }
    return out
  }

  it('tandem-server matches redis-server', async () => {
    const redis = await refusals('redis')
    await fx.cleanup()
    const tandem = await refusals('tandem')
    // The reference is what it should be, so a broken comparison cannot pass silently.
    expect(redis.noReplicas).toBe('ERR FAILOVER requires connected replicas.')
    expect(redis.timeoutZero).toBe('ERR FAILOVER timeout must be greater than 0')
    expect(redis.psync).toBe("NOMASTERLINK Can't SYNC while failing over")
    expect(redis.replicaof).toBe('ERR REPLICAOF not allowed while failing over.')
    expect(redis.notOnline).toBe('ERR FAILOVER target replica is not online.')
    expect(redis.writeHeld).toBe(true)
    expect(redis.stillHeld).toBe(true)
    expect(redis.priorityInfo).toBe('0')
    expect(tandem).toEqual(redis)
  })
})

describe('FAILOVER TIMEOUT, FORCE and ABORT', () => {
  for (const impl of IMPLS) {
    it(`${impl}: without FORCE a replica that never catches up aborts at the timeout, writes resume on the master`, async () => {
      const master = await fx.start(impl)
      const replica = await fx.startReplica(impl, master.port)
      const m = master.client
      await waitForOnlineReplicas(m, 1)
      suspend(replica.pid)
      try {
        await m.set('k', '1')
        const started = Date.now()
        expect(await m.call('FAILOVER', 'TO', HOST, String(replica.port), 'TIMEOUT', '500')).toBe('OK')
        const writer = fx.client(master.port)
        const held = writer.set('during', 'x')
        await waitUntil('the failover to time out', async () => (await failoverState(m)) === 'no-failover', 5_000)
        expect(Date.now() - started).toBeGreaterThanOrEqual(450)
        expect(await held).toBe('OK')
        expect(await role(m)).toBe('master')
        expect(master.server.output()).toContain(`FAILOVER to ${HOST}:${replica.port} aborted: Replica never caught up before timeout`)
      } finally {
        resume(replica.pid)
      }
    })

    it(`${impl}: with FORCE the master hands over at the timeout even though the target is behind`, async () => {
      const master = await fx.start(impl)
      const replica = await fx.startReplica(impl, master.port)
      const m = master.client
      await waitForOnlineReplicas(m, 1)
      // Data both sides hold before the target falls behind: whether 'k' makes it across before SIGSTOP bites is a race, and FORCE may drop it.
      await m.set('seed', 'x')
      await waitUntil('the seed on the target', async () => (await replica.client.get('seed')) === 'x', 5_000)
      suspend(replica.pid)
      try {
        await m.set('k', '1')
        expect(await m.call('FAILOVER', 'TO', HOST, String(replica.port), 'FORCE', 'TIMEOUT', '300')).toBe('OK')
        await waitUntil('the forced hand-over to start', async () => (await failoverState(m)) === 'failover-in-progress', 5_000)
      } finally {
        resume(replica.pid)
      }
      await waitUntil('roles swapped', async () => (await role(replica.client)) === 'master' && (await failoverState(m)) === 'no-failover', 10_000)
      await waitForLinkUp(m)
      expect((await info(m, 'replication')).master_port).toBe(String(replica.port))
      await waitForSameData(replica.client, [m])
    })

    it(`${impl}: while waiting, keys that expire are reported gone but not deleted, so the stream stands still`, async () => {
      const master = await fx.start(impl)
      const replica = await fx.startReplica(impl, master.port)
      const m = master.client
      await waitForOnlineReplicas(m, 1)
      suspend(replica.pid)
      try {
        for (let i = 0; i < 20; i++) await m.set(`short:${i}`, 'v', 'PX', 150)
        expect(await m.call('FAILOVER', 'TO', HOST, String(replica.port), 'TIMEOUT', '5000')).toBe('OK')
        const offset = (await info(m, 'replication')).master_repl_offset
        await sleep(700)
        expect(await m.get('short:3')).toBeNull()
        expect((await info(m, 'replication')).master_repl_offset).toBe(offset)
        expect(await m.call('FAILOVER', 'ABORT')).toBe('OK')
        await waitUntil('the expiries to be fed once the pause is over', async () => (await info(m, 'replication')).master_repl_offset !== offset, 5_000)
      } finally {
        resume(replica.pid)
      }
    })

    it(`${impl}: ABORT after the switch (target silent) makes it a master again, its replica resumes partially`, async () => {
      const master = await fx.start(impl)
      const replica = await fx.startReplica(impl, master.port)
      const m = master.client
      await waitForOnlineReplicas(m, 1)
      const before = await stats(m)
      const idBefore = (await info(m, 'replication')).master_replid
      suspend(replica.pid)
      try {
        await m.set('k', '1')
        expect(await m.call('FAILOVER', 'TO', HOST, String(replica.port), 'FORCE', 'TIMEOUT', '200')).toBe('OK')
        await waitUntil('the hand-over to start', async () => (await failoverState(m)) === 'failover-in-progress', 5_000)
        expect(await role(m)).toBe('slave')
        expect(await m.call('FAILOVER', 'ABORT')).toBe('OK')
        expect(await role(m)).toBe('master')
        expect(await failoverState(m)).toBe('no-failover')
        // replicationUnsetMaster: a new id, the old one kept as replid2.
        expect((await info(m, 'replication')).master_replid2).toBe(idBefore)
      } finally {
        resume(replica.pid)
      }
      await m.set('after', '1')
      await waitForLinkUp(replica.client)
      await waitForSameData(m, [replica.client])
      const after = await stats(m)
      expect(after.full).toBe(before.full)
      expect(after.partialOk).toBe(before.partialOk + 1)
    })

    it(`${impl} master: a target refusing PSYNC (ACL -psync on a redis-server) aborts the failover, replicas resume partially`, async () => {
      const master = await fx.start(impl)
      const target = await fx.startReplica('redis', master.port)
      const other = await fx.startReplica(impl, master.port)
      const m = master.client
      await populateEveryType(m)
      await waitForOnlineReplicas(m, 2)
      await waitForSameOffset(m, [target.client, other.client])
      const before = await stats(m)
      await target.client.call('ACL', 'SETUSER', 'default', '-psync')
      expect(await m.call('FAILOVER', 'TO', HOST, String(target.port))).toBe('OK')
      await waitUntil('the failover to be given up', async () => (await failoverState(m)) === 'no-failover', 10_000)
      expect(await role(m)).toBe('master')
      expect(await role(target.client)).toBe('slave')
      expect(master.server.output()).toContain('Failover target rejected psync request')
      await target.client.call('ACL', 'SETUSER', 'default', '+psync')
      await m.set('after', '1')
      await waitForLinkUp(target.client)
      await waitForLinkUp(other.client)
      await waitForSameData(m, [target.client, other.client])
      const after = await stats(m)
      expect(after.full).toBe(before.full)
      expect(after.partialOk).toBe(before.partialOk + 2)
    })

    it(`${impl}: ABORT while waiting leaves the master a master with its replica`, async () => {
      const master = await fx.start(impl)
      const replica = await fx.startReplica(impl, master.port)
      const m = master.client
      await waitForOnlineReplicas(m, 1)
      suspend(replica.pid)
      try {
        await m.set('k', '1')
        expect(await m.call('FAILOVER')).toBe('OK')
        expect(await failoverState(m)).toBe('waiting-for-sync')
        expect(await m.call('FAILOVER', 'ABORT')).toBe('OK')
        expect(await failoverState(m)).toBe('no-failover')
        expect(await m.set('after', '1')).toBe('OK')
        expect(master.server.output()).toContain('FAILOVER to any replica aborted: Failover manually aborted')
      } finally {
        resume(replica.pid)
      }
      await waitForSameData(m, [replica.client])
      expect(await role(replica.client)).toBe('slave')
    })
  }
})

describe('coordinated FAILOVER under a WAIT 1 writer: no acknowledged write lost, roles swapped, old master resumes by +CONTINUE', () => {
  const combos: { master: Impl; target: Impl }[] = [
    { master: 'redis', target: 'redis' },
    { master: 'tandem', target: 'tandem' },
    { master: 'tandem', target: 'redis' },
    { master: 'redis', target: 'tandem' },
  ]
  for (const combo of combos) {
    it(`${combo.master} master → ${combo.target} target (a tandem second replica)`, async () => {
      const master = await fx.start(combo.master)
      const target = await fx.startReplica(combo.target, master.port)
      const other = await fx.startReplica('tandem', master.port)
      const m = master.client
      await populateEveryType(m)
      await waitForOnlineReplicas(m, 2)
      await waitForSameOffset(m, [target.client, other.client])
      const writer = ackedWriter([master.port, target.port])
      await waitUntil('acknowledged writes', async () => writer.acked.size >= 30)
      const masterBefore = await stats(m)
      const targetBefore = await stats(target.client)

      // The target falls behind (WAIT 1 is answered by the other replica meanwhile): FAILOVER must wait for it to catch up.
      suspend(target.pid)
      const admin = fx.client(master.port)
      try {
        const ackedBefore = writer.acked.size
        await waitUntil('writes acknowledged by the other replica alone', async () => writer.acked.size >= ackedBefore + 20)
        expect(await admin.call('FAILOVER', 'TO', HOST, String(target.port))).toBe('OK')
        await sleep(300)
        expect(await failoverState(m)).toBe('waiting-for-sync')
      } finally {
        resume(target.pid)
      }
      await waitUntil(
        'roles swapped',
        async () => (await role(target.client)) === 'master' && (await role(m)) === 'slave' && (await failoverState(m)) === 'no-failover',
        15_000,
      )
      await waitUntil('acknowledged writes on the new master', async () => writer.ackedElsewhere >= 30, 15_000)
      await writer.stop()

      await waitForLinkUp(m)
      await waitForLinkUp(other.client)
      const digest = await waitForSameData(target.client, [m, other.client])
      expect(digest).not.toBe('0'.repeat(40))
      // Zero acknowledged writes lost.
      const n = target.client
      const keys = [...writer.acked.keys()]
      const values = keys.length > 0 ? await n.mget(keys) : []
      const lost = keys.filter((k, i) => values[i] !== writer.acked.get(k))
      expect(lost).toEqual([])
      // The hold lasted about one ACK period, not a resync.
      expect(writer.maxLatencyMs).toBeLessThan(5_000)
      // The old master resumed from the new one by +CONTINUE: no full sync anywhere.
      const targetAfter = await stats(n)
      expect(targetAfter.partialOk - targetBefore.partialOk).toBe(1)
      expect(targetAfter.full).toBe(targetBefore.full)
      const mInfo = await info(m, 'replication')
      expect(mInfo.master_port).toBe(String(target.port))
      // The second replica stays under the old master (now a replica itself) and continued partially.
      const masterAfter = await stats(m)
      expect(masterAfter.full).toBe(masterBefore.full)
      expect(masterAfter.partialOk).toBeGreaterThan(masterBefore.partialOk)
      expect((await info(other.client, 'replication')).master_port).toBe(String(master.port))
      expect(await n.set('after-failover', '1')).toBe('OK')
    })
  }
})

describe('a chain master → A → B survives FAILOVER TO A: B continues by partial resync', () => {
  for (const impl of IMPLS) {
    it(impl, async () => {
      const master = await fx.start(impl)
      const a = await fx.startReplica(impl, master.port)
      const b = await fx.startReplica(impl, a.port)
      await populateEveryType(master.client)
      await waitForLinkUp(b.client)
      await waitForSameOffset(master.client, [a.client, b.client])
      const aBefore = await stats(a.client)
      expect(aBefore.full).toBe(1)

      expect(await master.client.call('FAILOVER', 'TO', HOST, String(a.port))).toBe('OK')
      await waitUntil('A promoted', async () => (await role(a.client)) === 'master' && (await failoverState(master.client)) === 'no-failover', 15_000)
      await a.client.set('on-a', '1')
      await waitForLinkUp(master.client)
      await waitForLinkUp(b.client)
      await waitForSameData(a.client, [master.client, b.client])
      const aAfter = await stats(a.client)
      // The old master and B, each by +CONTINUE.
      expect(aAfter.partialOk - aBefore.partialOk).toBe(2)
      expect(aAfter.full).toBe(aBefore.full)
      expect((await info(b.client, 'replication')).master_port).toBe(String(a.port))
    })
  }
})

describe('REPLICAOF NO ONE keeps the old history as replid2: replicas and sub-replicas of the old master resume partially', () => {
  for (const impl of IMPLS) {
    it(impl, async () => {
      const master = await fx.start(impl)
      const a = await fx.startReplica(impl, master.port)
      const b = await fx.startReplica(impl, master.port)
      const c = await fx.startReplica(impl, b.port)
      await populateEveryType(master.client)
      await waitForLinkUp(c.client)
      await waitForSameOffset(master.client, [a.client, b.client, c.client])
      const oldId = (await info(a.client, 'replication')).master_replid
      const bBefore = await stats(b.client)

      expect(await a.client.call('REPLICAOF', 'NO', 'ONE')).toBe('OK')
      const promoted = await info(a.client, 'replication')
      expect(promoted.master_replid2).toBe(oldId)
      expect(promoted.master_replid).not.toBe(oldId)
      expect(Number(promoted.second_repl_offset)).toBe(Number(promoted.master_repl_offset) + 1)
      await master.client.call('REPLICAOF', HOST, String(a.port))
      await b.client.call('REPLICAOF', HOST, String(a.port))
      await waitForOnlineReplicas(a.client, 2)
      await a.client.set('on-a', '1')
      await waitForLinkUp(c.client)
      await waitForSameData(a.client, [master.client, b.client, c.client])

      expect(await stats(a.client)).toEqual({ full: 0, partialOk: 2 })
      // C (under B) followed B's id change with a partial resync too.
      const bAfter = await stats(b.client)
      expect(bAfter.full).toBe(bBefore.full)
      expect(bAfter.partialOk).toBe(bBefore.partialOk + 1)
    })
  }
})

describe('an old master restarted from its RDB with replicaof the new master', () => {
  async function crashAndPromote(impl: Impl, divergeFirst: boolean): Promise<{ a: Node; restarted: Node }> {
    const dataDir = fx.dir('tandem-failover-rdb-')
    const master = await fx.start(impl, ['--dir', dataDir])
    const a = await fx.startReplica(impl, master.port)
    const m = master.client
    await populateEveryType(m)
    await waitForSameOffset(m, [a.client])
    await m.save()
    await m.set('after-save', '1')
    await waitForSameOffset(m, [a.client])
    if (divergeFirst) {
      // A is promoted while the master still takes a write A never sees, and that write is saved.
      await a.client.call('REPLICAOF', 'NO', 'ONE')
      await m.set('diverged', '1')
      await m.save()
      await kill9(master)
    } else {
      await kill9(master)
      await a.client.call('REPLICAOF', 'NO', 'ONE')
    }
    await a.client.set('on-new-master', '1')
    const restarted = await fx.start(impl, ['--dir', dataDir, '--replicaof', HOST, String(a.port)])
    await waitForLinkUp(restarted.client)
    await waitForSameData(a.client, [restarted.client])
    return { a, restarted }
  }

  for (const impl of IMPLS) {
    it(`${impl}: its history is a prefix of the new master's, so it resumes by +CONTINUE`, async () => {
      const { a, restarted } = await crashAndPromote(impl, false)
      expect(await stats(a.client)).toEqual({ full: 0, partialOk: 1 })
      expect(await restarted.client.get('after-save')).toBe('1')
      expect(await restarted.client.get('on-new-master')).toBe('1')
    })

    it(`${impl}: it took writes the new master never had, so it full-syncs and drops them`, async () => {
      const { a, restarted } = await crashAndPromote(impl, true)
      expect(await stats(a.client)).toEqual({ full: 1, partialOk: 0 })
      expect(await restarted.client.get('diverged')).toBeNull()
      expect(await restarted.client.get('on-new-master')).toBe('1')
    })
  }
})
