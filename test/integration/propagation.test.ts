/**
 * The propagation stream on real processes: one script of writes (every
 * family, every rewrite, MULTI/EXEC, a blocked client served later, lazy and
 * active expiry, eviction) runs against a real Redis 7.0.15 while a raw
 * replica connection (SYNC) records what a replica receives, and against
 * tandem-server with appendonly on, whose incremental AOF file is the
 * observable output of its stream. Both must be the same sequence of
 * commands (SELECTs included); absolute timestamps derived from "now" are
 * compared with a tolerance, SPOP's random members by count only, and the
 * keys eviction picked (at random) by kind only.
 */
import { connect as netConnect, type Socket } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

type Command = string[]

/** Complete RESP arrays of bulk strings in `buf`, from `offset`; returns them and where parsing stopped. */
function parseCommands(buf: Buffer, offset = 0): { commands: Command[]; end: number } {
  const commands: Command[] = []
  let p = offset
  for (;;) {
    while (p < buf.length && buf[p] === 0x0a) p++ // replication keepalive newlines
    if (p >= buf.length) break
    const start = p
    const line = (): string | null => {
      const nl = buf.indexOf('\r\n', p)
      if (nl < 0) return null
      const text = buf.subarray(p, nl).toString('latin1')
      p = nl + 2
      return text
    }
    const header = line()
    if (header === null || header[0] !== '*') {
      p = start
      break
    }
    const args: string[] = []
    let complete = true
    for (let i = 0; i < Number(header.slice(1)); i++) {
      const len = line()
      if (len === null || buf.length < p + Number(len.slice(1)) + 2) {
        complete = false
        break
      }
      args.push(buf.subarray(p, p + Number(len.slice(1))).toString('latin1'))
      p += Number(len.slice(1)) + 2
    }
    if (!complete) {
      p = start
      break
    }
    commands.push(args)
  }
  return { commands, end: p }
}

/** A replica as Redis 7.0 sees one: SYNC, skip the RDB, then record every command (PINGs aside). */
class RawReplica {
  readonly commands: Command[] = []
  private buf = Buffer.alloc(0)
  private synced = false
  private readonly socket: Socket

  constructor(port: number) {
    this.socket = netConnect(port, '127.0.0.1')
    this.socket.write('SYNC\r\n')
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk))
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk])
    if (!this.synced) {
      let p = 0
      while (this.buf[p] === 0x0a) p++
      const nl = this.buf.indexOf('\r\n', p)
      if (nl < 0) return
      const len = Number(this.buf.subarray(p + 1, nl).toString())
      if (this.buf.length < nl + 2 + len) return
      this.buf = this.buf.subarray(nl + 2 + len)
      this.synced = true
    }
    const { commands, end } = parseCommands(this.buf)
    this.buf = this.buf.subarray(end)
    for (const c of commands) if (c[0] !== 'PING') this.commands.push(c)
  }

  async waitFor(predicate: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`replica never saw ${what}`)
      await sleep(20)
    }
  }

  get isSynced(): boolean {
    return this.synced
  }

  close(): void {
    this.socket.destroy()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms))
}

const BIG = 'x'.repeat(20_000)
const END_MARKER = ['SET', '__end__', '1']

/** The script; returns the time it started (for timestamps derived from now). */
async function runScript(port: number): Promise<number> {
  const c = new Redis({ port, maxRetriesPerRequest: 0 })
  const blocker = new Redis({ port, maxRetriesPerRequest: 0 })
  const started = Date.now()
  const call = (...args: (string | Buffer)[]): Promise<unknown> => c.call(args[0] as string, ...args.slice(1))
  try {
    const plain: (string | Buffer)[][] = [
      // strings and the TTL rewrites
      ['SET', 's1', 'v'],
      ['SET', 'a', '1', 'EX', '100'],
      ['SET', 'b', '1', 'PX', '100000', 'NX'],
      ['SET', 'c', '1', 'EXAT', '2000000000', 'GET'],
      ['set', 'lower', 'v', 'pxat', '2000000000001', 'xx'],
      ['SET', 'd', '1', 'KEEPTTL'],
      ['SET', 'd', '2', 'NX'],
      ['SETEX', 'e', '100', 'v'],
      ['PSETEX', 'f', '100000', 'v'],
      ['APPEND', 's1', 'x'],
      ['INCR', 'n'],
      ['MSET', 'm1', '1', 'm2', '2'],
      ['GET', 's1'],
      ['EXPIRE', 'a', '200'],
      ['PEXPIRE', 'a', '300000', 'GT'],
      ['EXPIREAT', 'a', '2000000000'],
      ['pexpireat', 'a', '2000000000000'],
      ['EXPIRE', 'a', '10', 'GT'],
      ['EXPIRE', 'nokey', '100'],
      ['PERSIST', 'a'],
      ['GETEX', 'b', 'EX', '100'],
      ['GETEX', 'b', 'PERSIST'],
      ['GETEX', 'b'],
      ['GETEX', 'b', 'PXAT', '1000'],
      ['SET', 'x', '5'],
      ['EXPIRE', 'x', '0'],
      ['INCRBYFLOAT', 'fl', '1.5'],
      ['INCRBYFLOAT', 'fl', '1e3'],
      ['SET', 'gd', 'v'],
      ['GETDEL', 'gd'],
      ['GETDEL', 'gd'],
      // hashes
      ['HSET', 'h', 'f1', 'v1', 'f2', 'v2'],
      ['HINCRBYFLOAT', 'h', 'fl', '2.5'],
      ['HINCRBY', 'h', 'i', '3'],
      ['HDEL', 'h', 'f1', 'nofield'],
      // sets
      ['SADD', 'st', 'a', 'b', 'c'],
      ['SREM', 'st', 'a'],
      ['SADD', 'one', 'm'],
      ['SPOP', 'one'],
      ['SADD', 'rs', 'a', 'b', 'c', 'd', 'e'],
      ['SPOP', 'rs', '2'],
      ['SRANDMEMBER', 'rs', '2'],
      ['SADD', 'all', 'a', 'b'],
      ['SPOP', 'all', '5'],
      ['SUNIONSTORE', 'dst', 'st', 'nokey'],
      // lists
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'],
      ['LPUSH', 'l', 'z'],
      ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '2'],
      ['BLMPOP', '0', '1', 'l', 'RIGHT', 'COUNT', '10'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['BLPOP', 'l', '0'],
      ['BRPOP', 'l', '0'],
      ['RPUSH', 'l2', 'a', 'b', 'c'],
      ['BLMOVE', 'l2', 'l3', 'left', 'RIGHT', '0'],
      ['BRPOPLPUSH', 'l2', 'l3', '0'],
      ['LMOVE', 'l3', 'l2', 'LEFT', 'LEFT'],
      ['LPOP', 'l3', '10'],
      // sorted sets
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
      ['ZINCRBY', 'z', '2', 'a'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '2'],
      ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '1'],
      ['BZPOPMIN', 'z', '0'],
      ['BZPOPMAX', 'z', '0'],
      ['zpopmin', 'z', '10'],
      // keyspace
      ['COPY', 's1', 's1copy'],
      ['RENAME', 's1copy', 's1c2'],
      ['DEL', 's1c2', 'nokey'],
    ]
    for (const cmd of plain) await call(...cmd)
    const payload = await c.callBuffer('DUMP', 's1')
    await call('RESTORE', 'r1', '100000', payload as Buffer)
    await call('RESTORE', 'r2', '0', payload as Buffer)
    // another database
    await c.select(3)
    await call('SET', 'in3', 'v')
    await c.select(0)
    // transactions: several writes wrapped, one bare, reads only nothing
    await c.multi().set('t1', 'a').set('t2', 'b').exec()
    await c.multi().set('t3', 'a').get('t3').exec()
    await c.multi().get('t3').exec()
    // a blocked client served by a later push: the push, then its pop
    const served = blocker.blpop('q', 0)
    await sleep(100)
    await call('RPUSH', 'q', 'x', 'y')
    await served
    // lazy expiry, in one pipeline so active expiry cannot come between
    await c.pipeline().call('SET', 'le', 'v', 'PXAT', '1000').get('le').exec()
    await c.pipeline().call('SET', 'lw', 'v', 'PXAT', '1000').set('lw', 'w').exec()
    // active expiry
    await call('SET', 'ae', 'v', 'PX', '30')
    await sleep(600)
    // eviction: maxmemory below what the big keys use
    await call('FLUSHALL')
    for (let i = 0; i < 20; i++) await call('SET', `big${i}`, BIG)
    const info = String(await call('INFO', 'memory'))
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1])
    await call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random')
    await call('CONFIG', 'SET', 'maxmemory', String(used - 100_000))
    await call('CONFIG', 'SET', 'maxmemory', '0')
    await call(...END_MARKER)
  } finally {
    c.disconnect()
    blocker.disconnect()
  }
  return started
}

/** Reads tandem's incremental AOF files (as the manifest orders them). */
function tandemAofCommands(dir: string): Command[] {
  const aofDir = join(dir, 'appendonlydir')
  const manifest = readFileSync(join(aofDir, 'appendonly.aof.manifest'), 'latin1')
  const incr = manifest
    .split('\n')
    .map((line) => /^file (\S+) seq (\d+) type i/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((x, y) => Number(x[2]) - Number(y[2]))
    .map((m) => m[1])
  const commands: Command[] = []
  for (const name of incr) commands.push(...parseCommands(readFileSync(join(aofDir, name))).commands)
  return commands
}

const NOW_RELATIVE_MS = 30 * 24 * 3600 * 1000

/** Same command, with now-derived timestamps within `toleranceMs` once each is taken relative to its run's start. */
function sameCommand(a: Command, aStart: number, b: Command, bStart: number, toleranceMs = 3000): boolean {
  if (a.length !== b.length) return false
  return a.every((arg, i) => {
    if (arg === b[i]) return true
    if (!/^\d{13}$/.test(arg) || !/^\d{13}$/.test(b[i])) return false
    const x = Number(arg) - aStart
    const y = Number(b[i]) - bStart
    return Math.abs(x) < NOW_RELATIVE_MS && Math.abs(x - y) < toleranceMs
  })
}

/** SPOP's members are random: `SREM rs <m>` compares as `SREM rs ?`. */
function normalize(commands: Command[]): Command[] {
  return commands.map((c) => (c[0] === 'SREM' && c[1] === 'rs' ? ['SREM', 'rs', '?'] : c))
}

/** Splits at the eviction phase: everything before the CONFIG SET, and the DELs it caused. */
function split(commands: Command[]): { main: Command[]; evicted: Command[] } {
  const lastBig = commands.findIndex((c) => c[0] === 'SET' && c[1] === 'big19')
  const end = commands.findIndex((c) => c.join(' ') === END_MARKER.join(' '))
  return { main: commands.slice(0, lastBig + 1), evicted: commands.slice(lastBig + 1, end) }
}

describe.skipIf(!hasRealRedis())('propagation stream: tandem-server AOF equals a real Redis 7.0 replica stream', () => {
  const running: RunningServer[] = []
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()))
  })

  it('the same commands, in the same order, for the same script', async () => {
    const redis = await startRedis()
    running.push(redis)
    const replica = new RawReplica(redis.port)
    await replica.waitFor(() => replica.isSynced, 'the end of the RDB')
    const redisStart = await runScript(redis.port)
    await replica.waitFor(() => replica.commands.some((c) => c.join(' ') === END_MARKER.join(' ')), 'the end marker')
    replica.close()

    const tandem = await startTandem(['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''])
    running.push(tandem)
    const tandemStart = await runScript(tandem.port)
    const ours = normalize(tandemAofCommands(tandem.dir))
    const theirs = normalize(replica.commands)

    const a = split(theirs)
    const b = split(ours)
    // The script did reach every rule on the reference side (a sequence cannot be equal by both being empty).
    expect(a.main.map((c) => c.join(' '))).toEqual(
      expect.arrayContaining(['DEL le', 'DEL ae', 'MULTI', 'DEL lw', 'RPOPLPUSH l2 l3', 'LPOP q', 'ZPOPMIN z 2', 'HSET h fl 2.5', 'SELECT 3']),
    )
    // Line by line first, so a failure names the first command that differs.
    for (let i = 0; i < Math.max(a.main.length, b.main.length); i++) {
      const same = a.main[i] !== undefined && b.main[i] !== undefined && sameCommand(a.main[i], redisStart, b.main[i], tandemStart)
      expect(same ? 'same' : { index: i, redis: a.main[i], tandem: b.main[i] }).toBe('same')
    }
    // Eviction picks keys at random: both evicted some big keys, one bare DEL each.
    for (const evicted of [a.evicted, b.evicted]) {
      expect(evicted.length).toBeGreaterThan(0)
      for (const c of evicted) expect(c[0] === 'DEL' && /^big\d+$/.test(c[1]) && c.length === 2).toBe(true)
    }
  }, 60_000)
})
