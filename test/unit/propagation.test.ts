/**
 * The propagation stream as Redis 7.0 produces it (each expectation was read
 * off a real redis-server's replication link): commands run through their
 * handlers in the fake server, wrapped as dispatch wraps them, and the test
 * records what a subscriber (the AOF, a replica) receives.
 */
import { describe, expect, it } from 'vitest'
import { fakeServer, type FakeServer } from './helpers/fake-context'
import type { CommandContext } from '../../main/server/context'
import type { CommandSpec } from '../../main/server/commands/types'
import type { ServerCore } from '../../main/server/core'
import type { Reply } from '../../main/server/protocol/reply'
import { stringCommands } from '../../main/server/commands/strings'
import { keyCommands } from '../../main/server/commands/keys'
import { hashCommands } from '../../main/server/commands/hashes'
import { setCommands } from '../../main/server/commands/sets'
import { listCommands } from '../../main/server/commands/lists'
import { zsetCommands } from '../../main/server/commands/zsets'
import { dumpCommands } from '../../main/server/commands/dump'
import { serverAdminCommands } from '../../main/server/commands/server-admin'
import { queueInTransaction, transactionCommands } from '../../main/server/commands/transactions'
import { connectionCommands } from '../../main/server/commands/connection'
import {
  NO_DB,
  Propagation,
  StreamEncoder,
  encodeCommand,
  runPropagated,
  type EffectTarget,
} from '../../main/server/replication/propagation'

const TABLE = new Map<string, CommandSpec>(
  [
    ...stringCommands,
    ...keyCommands,
    ...hashCommands,
    ...setCommands,
    ...listCommands,
    ...zsetCommands,
    ...dumpCommands,
    ...serverAdminCommands,
    ...transactionCommands,
    ...connectionCommands,
  ].map((c) => [c.name, c]),
)

interface Harness {
  server: FakeServer
  propagation: Propagation
  /** Effects as `db:ARG ARG …` lines (`-:MULTI` for markers). */
  stream: string[]
  /** Runs a command as dispatch does. */
  run(...args: string[]): Reply
}

function harness(): Harness {
  const server = fakeServer()
  const propagation = new Propagation(server)
  // transactions.ts reaches for the core (MONITOR feed); the fake's throws.
  Object.defineProperty(server, 'core', { value: {} as ServerCore })
  Object.defineProperty(server, 'propagation', { value: propagation })
  propagation.attach(server.databases)
  const stream: string[] = []
  propagation.subscribe((db, argv, target: EffectTarget) => {
    const where = db === NO_DB ? '-' : String(db)
    stream.push(`${target === 'replicas' ? 'r' : ''}${where}:${argv.map((a) => a.toString('latin1')).join(' ')}`)
  })
  const run = (...args: string[]): Reply => {
    const argv = args.map((a) => Buffer.from(a, 'latin1'))
    const name = args[0].toLowerCase()
    const spec = TABLE.get(name)
    if (!spec?.handler) throw new Error(`no ${name} in the test table`)
    const ctx: CommandContext = { argv, client: server.client, server, db: server.databases[server.client.db] }
    // MULTI queues: mimic dispatch's queueInTransaction through the real handler path.
    const reply = runPropagated(ctx, (c) => {
      const queued = queueInTransaction(spec, c)
      return queued ?? spec.handler!(c)
    })
    return reply
  }
  return { server, propagation, stream, run }
}

describe('encoding', () => {
  it('encodes an argv as a RESP array of bulk strings, binary-safe', () => {
    expect(encodeCommand(['SET', 'k', Buffer.from([0, 13, 10, 255])]).toString('latin1')).toBe(
      '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n\x00\r\n\xff\r\n',
    )
  })

  it('inserts SELECT when the database changes, and again after a reset', () => {
    const enc = new StreamEncoder()
    const set = [Buffer.from('SET'), Buffer.from('a'), Buffer.from('1')]
    const out = [
      enc.encode(0, set),
      enc.encode(0, set),
      enc.encode(NO_DB, [Buffer.from('MULTI')]),
      enc.encode(3, set),
    ].map((b) => b.toString())
    expect(out[0]).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n')
    expect(out[1]).toBe('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n')
    expect(out[2]).toBe('*1\r\n$5\r\nMULTI\r\n')
    expect(out[3].startsWith('*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n')).toBe(true)
    enc.reset()
    expect(enc.encode(3, set).toString().startsWith('*2\r\n$6\r\nSELECT')).toBe(true)
  })
})

describe('what is propagated', () => {
  it('a write goes as received; a read, a failed write or a no-op sends nothing', () => {
    const h = harness()
    h.run('set', 'k', 'v', 'NX')
    h.run('GET', 'k')
    h.run('SET', 'k', 'w', 'NX')
    h.run('DEL', 'missing')
    h.run('INCR', 'k')
    h.run('SRANDMEMBER', 'nokey', '2')
    expect(h.stream).toEqual(['0:set k v NX'])
  })

  it('carries the db index of the database the command ran in', () => {
    const h = harness()
    h.run('SELECT', '3')
    h.run('SET', 'k', 'v')
    expect(h.stream).toEqual(['3:SET k v'])
  })

  it('FLUSHALL and FLUSHDB go even when nothing was there', () => {
    const h = harness()
    h.run('FLUSHALL')
    h.run('FLUSHDB')
    expect(h.stream).toEqual(['0:FLUSHALL', '0:FLUSHDB'])
  })
})

describe('rewrites', () => {
  it('relative and absolute TTLs of SET/SETEX/PSETEX become SET key value PXAT ms (other options dropped)', () => {
    const h = harness()
    const now = h.server.clock
    h.run('SET', 'a', '1', 'EX', '100')
    h.run('SET', 'b', '1', 'PX', '100000', 'NX')
    h.run('SET', 'c', '1', 'EXAT', '2000000000', 'GET')
    h.run('SET', 'd', '1', 'PXAT', '2000000000001', 'NX')
    h.run('SETEX', 'e', '100', 'v')
    h.run('PSETEX', 'f', '100000', 'v')
    h.run('SET', 'g', '1', 'KEEPTTL')
    expect(h.stream).toEqual([
      `0:SET a 1 PXAT ${now + 100000}`,
      `0:SET b 1 PXAT ${now + 100000}`,
      '0:SET c 1 PXAT 2000000000000',
      '0:SET d 1 PXAT 2000000000001',
      `0:SET e v PXAT ${now + 100000}`,
      `0:SET f v PXAT ${now + 100000}`,
      '0:SET g 1 KEEPTTL',
    ])
  })

  it('EXPIRE/PEXPIRE/EXPIREAT become PEXPIREAT (flags kept); a time in the past is a DEL, or UNLINK with lazyfree-lazy-expire', () => {
    const h = harness()
    const now = h.server.clock
    h.run('SET', 'a', '1')
    h.stream.length = 0
    h.run('EXPIRE', 'a', '200')
    h.run('pexpire', 'a', '300000', 'GT')
    h.run('EXPIREAT', 'a', '2000000000')
    h.run('pexpireat', 'a', '2000000000001')
    h.run('EXPIRE', 'a', '10', 'GT')
    h.run('EXPIRE', 'missing', '10')
    h.run('EXPIRE', 'a', '-1')
    h.run('SET', 'b', '1')
    h.server.configValues.set('lazyfree-lazy-expire', 'yes')
    h.run('PEXPIREAT', 'b', '1000')
    expect(h.stream).toEqual([
      `0:PEXPIREAT a ${now + 200000}`,
      `0:PEXPIREAT a ${now + 300000} GT`,
      '0:PEXPIREAT a 2000000000000',
      '0:pexpireat a 2000000000001',
      '0:DEL a',
      '0:SET b 1',
      '0:UNLINK b',
    ])
  })

  it('GETEX becomes PEXPIREAT / PERSIST / DEL; without options it sends nothing', () => {
    const h = harness()
    const now = h.server.clock
    h.run('SET', 'a', '1')
    h.stream.length = 0
    h.run('GETEX', 'a')
    h.run('GETEX', 'a', 'EX', '100')
    h.run('GETEX', 'a', 'PERSIST')
    h.run('GETEX', 'a', 'PERSIST')
    h.run('GETEX', 'a', 'EXAT', '2000000000')
    h.run('GETEX', 'a', 'PXAT', '1000')
    expect(h.stream).toEqual([`0:PEXPIREAT a ${now + 100000}`, '0:PERSIST a', '0:PEXPIREAT a 2000000000000', '0:DEL a'])
  })

  it('GETDEL → DEL, INCRBYFLOAT → SET … KEEPTTL, HINCRBYFLOAT → HSET with the result', () => {
    const h = harness()
    h.run('SET', 'g', 'v')
    h.run('GETDEL', 'g')
    h.run('GETDEL', 'g')
    h.run('INCRBYFLOAT', 'f', '3.0')
    h.run('INCRBYFLOAT', 'f', '1e3')
    h.run('HINCRBYFLOAT', 'h', 'x', '0.1')
    h.run('HINCRBYFLOAT', 'h', 'x', '0.2')
    expect(h.stream).toEqual([
      '0:SET g v',
      '0:DEL g',
      '0:SET f 3 KEEPTTL',
      '0:SET f 1003 KEEPTTL',
      '0:HSET h x 0.1',
      '0:HSET h x 0.3',
    ])
  })

  it('SPOP → SREM of the member taken; with a count one SREM each in MULTI … EXEC, or DEL for the whole set', () => {
    const h = harness()
    h.run('SADD', 's', 'a', 'b', 'c', 'd', 'e')
    h.stream.length = 0
    h.run('SPOP', 's')
    h.run('SPOP', 's', '2')
    h.run('SPOP', 's', '0')
    h.run('SPOP', 's', '10')
    h.run('SPOP', 's')
    const [single, multi, a, b, exec, del] = h.stream
    expect(single).toMatch(/^0:SREM s [a-e]$/)
    expect([multi, exec]).toEqual(['0:MULTI', '-:EXEC'])
    expect(a).toMatch(/^0:SREM s [a-e]$/)
    expect(b).toMatch(/^0:SREM s [a-e]$/)
    expect(new Set([single, a, b]).size).toBe(3)
    expect(del).toBe('0:DEL s')
    expect(h.stream).toHaveLength(6)
  })

  it('list pops: LMPOP/BLMPOP → LPOP/RPOP key n, BLPOP/BRPOP → LPOP/RPOP key, BLMOVE → LMOVE, BRPOPLPUSH → RPOPLPUSH', () => {
    const h = harness()
    h.run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f')
    h.stream.length = 0
    h.run('LMPOP', '1', 'l', 'LEFT', 'COUNT', '2')
    h.run('BLMPOP', '0', '1', 'l', 'RIGHT', 'COUNT', '10')
    h.run('RPUSH', 'l', 'a', 'b', 'c', 'd')
    h.run('BLPOP', 'l', '0')
    h.run('BRPOP', 'l', '0')
    h.run('BLMOVE', 'l', 'l2', 'left', 'RIGHT', '0')
    h.run('BRPOPLPUSH', 'l', 'l2', '0')
    h.run('BLPOP', 'l', '0')
    h.run('LPOP', 'l2', '10')
    expect(h.stream).toEqual([
      '0:LPOP l 2',
      '0:RPOP l 4',
      '0:RPUSH l a b c d',
      '0:LPOP l',
      '0:RPOP l',
      '0:LMOVE l l2 left RIGHT',
      '0:RPOPLPUSH l l2',
      '0:LPOP l2 10',
    ])
  })

  it('sorted-set pops: ZMPOP/BZMPOP → ZPOPMIN/ZPOPMAX key n, BZPOPMIN/BZPOPMAX → ZPOPMIN/ZPOPMAX key', () => {
    const h = harness()
    h.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f')
    h.stream.length = 0
    h.run('ZMPOP', '1', 'z', 'MIN', 'COUNT', '2')
    h.run('BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '1')
    h.run('BZPOPMIN', 'z', '0')
    h.run('BZPOPMAX', 'z', '0')
    h.run('zpopmin', 'z', '10')
    expect(h.stream).toEqual(['0:ZPOPMIN z 2', '0:ZPOPMAX z 1', '0:ZPOPMIN z', '0:ZPOPMAX z', '0:zpopmin z 10'])
  })

  it('RESTORE with a relative TTL → the absolute time and ABSTTL; TTL 0 as received', () => {
    const h = harness()
    const now = h.server.clock
    h.run('SET', 'src', 'v')
    const dump = h.run('DUMP', 'src')
    if (dump.t !== 'bulk' || dump.v === null) throw new Error('no dump')
    h.stream.length = 0
    const payload = Buffer.from(dump.v).toString('latin1')
    h.run('RESTORE', 'r1', '100000', payload)
    h.run('RESTORE', 'r2', '0', payload)
    h.run('restore', 'r3', '2000000000000', payload, 'ABSTTL')
    expect(h.stream).toEqual([
      `0:RESTORE r1 ${now + 100000} ${payload} ABSTTL`,
      `0:RESTORE r2 0 ${payload}`,
      `0:restore r3 2000000000000 ${payload} ABSTTL`,
    ])
  })
})

describe('expiry and transactions', () => {
  it('a key found expired is a DEL: alone after a read, with the write in MULTI … EXEC', () => {
    const h = harness()
    h.run('SET', 'a', 'v', 'PX', '50')
    h.run('SET', 'b', 'v', 'PX', '50')
    h.run('SET', 'c', 'v', 'PX', '50')
    h.stream.length = 0
    h.server.clock += 100
    h.run('GET', 'a')
    h.run('SET', 'b', 'w')
    h.run('MGET', 'c', 'nokey')
    expect(h.stream).toEqual(['0:DEL a', '0:MULTI', '0:DEL b', '0:SET b w', '-:EXEC', '0:DEL c'])
  })

  it('active expiry sends each DEL on its own', () => {
    const h = harness()
    h.run('SET', 'a', 'v', 'PX', '50')
    h.run('SET', 'b', 'v', 'PX', '50')
    h.stream.length = 0
    h.server.clock += 100
    h.server.databases[0].activeExpireCycle(h.server.clock, 100)
    expect(h.stream.sort()).toEqual(['0:DEL a', '0:DEL b'])
  })

  it('EXEC: several writes wrapped, one write bare, reads only or nothing: nothing; EXEC itself never', () => {
    const h = harness()
    for (const cmd of [['MULTI'], ['SET', 'm1', 'a'], ['SET', 'm2', 'b'], ['EXEC']]) h.run(...cmd)
    for (const cmd of [['MULTI'], ['SET', 'm3', 'a'], ['GET', 'm3'], ['EXEC']]) h.run(...cmd)
    for (const cmd of [['MULTI'], ['GET', 'm3'], ['EXEC']]) h.run(...cmd)
    for (const cmd of [['MULTI'], ['EXEC']]) h.run(...cmd)
    for (const cmd of [['MULTI'], ['SET', 'x', '1', 'EX', '10'], ['SELECT', '2'], ['INCRBYFLOAT', 'y', '1.5'], ['EXEC']]) h.run(...cmd)
    const now = h.server.clock
    expect(h.stream).toEqual([
      '0:MULTI',
      '0:SET m1 a',
      '0:SET m2 b',
      '-:EXEC',
      '0:SET m3 a',
      '0:MULTI',
      `0:SET x 1 PXAT ${now + 10000}`,
      '2:SET y 1.5 KEEPTTL',
      '-:EXEC',
    ])
  })

  it('a handler may emit an effect outside any command (a blocked client served later): delivered at once', () => {
    const h = harness()
    h.propagation.alsoPropagate(4, ['LPOP', 'q'])
    expect(h.stream).toEqual(['4:LPOP q'])
  })

  it('nothing is recorded for subscribers that left', () => {
    const h = harness()
    const seen: string[] = []
    const stop = h.propagation.subscribe((_db, argv) => seen.push(argv[0].toString()))
    h.run('SET', 'a', '1')
    stop()
    h.run('SET', 'b', '1')
    expect(seen).toEqual(['SET'])
  })
})
