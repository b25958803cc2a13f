/**
 * Helpers for replication acceptance tests: nodes of either implementation
 * (real redis-server or tandem-server) tracked for cleanup, INFO parsing,
 * bounded waits (link up, offsets equal, same DEBUG DIGEST), a data set with
 * every type in every encoding, a concurrent writer, and a TCP proxy between
 * a replica and its master that can cut the link, refuse reconnections,
 * throttle the transfer and count the bytes it carries.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import Redis from 'ioredis'
import { startRedis, startTandem, tempDir, type RunningServer } from './processes'
import { rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'

export type Impl = 'redis' | 'tandem'
export const IMPLS: readonly Impl[] = ['redis', 'tandem']

/** Every master → replica combination, real Redis first (it proves the test itself). */
export const PAIRS: readonly { master: Impl; replica: Impl }[] = [
  { master: 'redis', replica: 'redis' },
  { master: 'tandem', replica: 'redis' },
  { master: 'redis', replica: 'tandem' },
  { master: 'tandem', replica: 'tandem' },
]

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export interface Node {
  readonly impl: Impl
  readonly server: RunningServer
  readonly port: number
  readonly client: Redis
  readonly pid: number
}

/**
 * Options every node gets: DEBUG allowed (DIGEST), no persistence unless a
 * test asks, and no 5 s wait before a diskless transfer (7.0's default), so a
 * full sync starts at once on both implementations.
 */
const COMMON_ARGS = ['--enable-debug-command', 'yes', '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0']

export function newClient(port: number, db = 0, password?: string): Redis {
  return new Redis({ port, db, password, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: false, enableOfflineQueue: true })
}

/** Everything a test started, stopped in afterEach whatever happened. */
export class Fixture {
  private readonly servers: RunningServer[] = []
  private readonly clients: Redis[] = []
  private readonly proxies: Proxy[] = []
  private readonly dirs: string[] = []
  private readonly pids: number[] = []
  private readonly writers: Writer[] = []

  async start(impl: Impl, args: string[] = []): Promise<Node> {
    const all = [...COMMON_ARGS, ...args]
    const server = impl === 'redis' ? await startRedis(all) : await startTandem(all)
    this.servers.push(server)
    const pass = args.indexOf('--requirepass')
    const client = this.client(server.port, 0, pass >= 0 ? args[pass + 1] : undefined)
    return { impl, server, port: server.port, client, pid: server.process.pid ?? 0 }
  }

  /** A replica of `master` (through `via` if given, e.g. a proxy port). */
  async startReplica(impl: Impl, masterPort: number, args: string[] = []): Promise<Node> {
    return this.start(impl, ['--replicaof', '127.0.0.1', String(masterPort), ...args])
  }

  client(port: number, db = 0, password?: string): Redis {
    const c = newClient(port, db, password)
    c.on('error', () => {})
    this.clients.push(c)
    return c
  }

  dir(prefix = 'tandem-repl-'): string {
    const d = tempDir(prefix)
    this.dirs.push(d)
    return d
  }

  /** A process this test started outside startRedis/startTandem (daemons): SIGKILLed at cleanup. */
  adoptPid(pid: number): void {
    this.pids.push(pid)
  }

  async proxy(targetPort: number, options: ProxyOptions = {}): Promise<Proxy> {
    const p = await startProxy(targetPort, options)
    this.proxies.push(p)
    return p
  }

  writer(port: number, options: WriterOptions = {}): Writer {
    const w = startWriter(this, port, options)
    this.writers.push(w)
    return w
  }

  async cleanup(): Promise<void> {
    // Stopped servers first get SIGCONT, so nothing below waits on a frozen process.
    for (const s of this.servers) if (s.process.pid) resume(s.process.pid)
    for (const w of this.writers.splice(0)) await withTimeout(w.stop(), 5_000, 'writer did not stop').catch(() => 0)
    for (const c of this.clients.splice(0)) c.disconnect()
    for (const p of this.proxies.splice(0)) p.close()
    await Promise.all(this.servers.splice(0).map((s) => s.stop()))
    for (const pid of this.pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  }
}

export function suspend(pid: number): void {
  process.kill(pid, 'SIGSTOP')
}

export function resume(pid: number): void {
  try {
    process.kill(pid, 'SIGCONT')
  } catch {
    // already gone
  }
}

/** SIGKILL and wait for the exit (the RunningServer stays registered; its stop() is then a no-op). */
export async function kill9(node: Node): Promise<void> {
  const child = node.server.process
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((res) => child.once('exit', res))
  child.kill('SIGKILL')
  await exited
}

/** Waits for the process to exit on its own (after SHUTDOWN), bounded. */
export async function waitExit(node: Node, timeoutMs = 10_000): Promise<void> {
  const child = node.server.process
  if (child.exitCode !== null || child.signalCode !== null) return
  await withTimeout(new Promise((res) => child.once('exit', res)), timeoutMs, `${node.impl} on ${node.port} did not exit`)
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`${what} (after ${ms} ms)`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

// ---------------------------------------------------------------------------
// INFO and bounded waits

export type Info = Record<string, string>

export async function info(c: Redis, section = 'everything'): Promise<Info> {
  const text = await withTimeout(c.info(section), 5_000, `INFO ${section} did not answer`)
  const out: Info = {}
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':')
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1)
  }
  return out
}

export async function infoNumber(c: Redis, field: string, section = 'everything'): Promise<number> {
  const v = (await info(c, section))[field]
  if (v === undefined) throw new Error(`INFO has no ${field}`)
  return Number(v)
}

/**
 * Polls `check` until it returns true; on timeout fails with the last state
 * `describe` gives, so a failing test says what it was waiting on.
 */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000, describe?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError = ''
  for (;;) {
    try {
      if (await check()) return
      lastError = ''
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e)
    }
    if (Date.now() > deadline) {
      let state = ''
      try {
        state = describe ? await describe() : ''
      } catch (e) {
        state = `(state unavailable: ${e instanceof Error ? e.message : String(e)})`
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `; last error: ${lastError}` : ''}${state ? `\n${state}` : ''}`)
    }
    await sleep(100)
  }
}

async function replicationState(c: Redis): Promise<string> {
  const i = await info(c, 'replication')
  return Object.entries(i)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ')
}

export async function waitForLinkUp(replica: Redis, timeoutMs = 15_000): Promise<void> {
  await waitUntil('master_link_status:up', async () => (await info(replica, 'replication')).master_link_status === 'up', timeoutMs, () => replicationState(replica))
}

/** `count` replicas listed by the master as online. */
export async function waitForOnlineReplicas(master: Redis, count: number, timeoutMs = 15_000): Promise<void> {
  await waitUntil(
    `${count} online replica(s)`,
    async () => {
      const i = await info(master, 'replication')
      return Object.keys(i).filter((k) => /^slave\d+$/.test(k) && i[k].includes('state=online')).length === count
    },
    timeoutMs,
    () => replicationState(master),
  )
}

/** Every replica's link is up and it applied exactly the master's stream so far. */
export async function waitForSameOffset(master: Redis, replicas: Redis[], timeoutMs = 15_000): Promise<void> {
  await waitUntil(
    'replica offsets equal to master_repl_offset',
    async () => {
      const m = await info(master, 'replication')
      for (const r of replicas) {
        const i = await info(r, 'replication')
        if (i.master_link_status !== 'up' || i.master_repl_offset !== m.master_repl_offset || i.slave_repl_offset !== m.master_repl_offset) return false
      }
      return true
    },
    timeoutMs,
    async () => [`master: ${await replicationState(master)}`, ...(await Promise.all(replicas.map(async (r) => `replica: ${await replicationState(r)}`)))].join('\n'),
  )
}

export async function digest(c: Redis): Promise<string> {
  return String(await withTimeout(c.call('DEBUG', 'DIGEST'), 10_000, 'DEBUG DIGEST did not answer'))
}

const EMPTY_DIGEST = '0'.repeat(40)

/** Offsets equal, then the same DEBUG DIGEST (retried: the master may have moved on between the two). */
export async function waitForSameData(master: Redis, replicas: Redis[], timeoutMs = 20_000): Promise<string> {
  let last = ''
  await waitUntil(
    'identical DEBUG DIGEST on master and replicas',
    async () => {
      await waitForSameOffset(master, replicas, timeoutMs)
      const m = await digest(master)
      const rs = await Promise.all(replicas.map(digest))
      last = `master ${m}, replicas ${rs.join(' ')}`
      if (m === EMPTY_DIGEST) throw new Error('the master holds no data: comparing digests would prove nothing')
      return rs.every((d) => d === m)
    },
    timeoutMs,
    async () => last,
  )
  return digest(master)
}

// ---------------------------------------------------------------------------
// Data: every type in every encoding Redis 7.0 has for it

/** key → the encoding OBJECT ENCODING must report on any 7.0-compatible server after `populateEveryType`. */
export const ENCODINGS: Record<string, string> = {
  'str:embstr': 'embstr',
  'str:int': 'int',
  'str:raw': 'raw',
  'str:ttl': 'embstr',
  'list:small': 'quicklist', // 7.0 lists are always quicklists (of listpack nodes); listpack lists came in 7.2
  'list:big': 'quicklist',
  'list:hugeelement': 'quicklist',
  'set:intset': 'intset',
  'set:bigintset': 'hashtable',
  'set:strings': 'hashtable',
  'hash:small': 'listpack',
  'hash:big': 'hashtable',
  'hash:longvalue': 'hashtable',
  'zset:small': 'listpack',
  'zset:big': 'skiplist',
}

/** Fills db 0 (and a little of db 3) with every type in its small and large encoding, TTLs included. */
export async function populateEveryType(c: Redis): Promise<void> {
  const p = c.pipeline()
  p.set('str:embstr', 'hello')
  p.set('str:int', '-12345')
  p.set('str:raw', 'x'.repeat(300) + 'y'.repeat(300))
  p.set('str:ttl', 'v', 'EX', 100_000)
  p.set(Buffer.from([0, 0xff, 13, 10, 0x80]), Buffer.from([1, 0, 2, 0xfe]))
  p.rpush('list:small', 'a', '1', '-70000', 'z'.repeat(40))
  p.rpush('list:big', ...Array.from({ length: 3000 }, (_, i) => `item:${i}:${'p'.repeat(i % 40)}`))
  p.rpush('list:hugeelement', 'q'.repeat(20_000), 'small')
  p.pexpire('list:big', 90_000_000)
  p.sadd('set:intset', '1', '5', '-3', '4000000000')
  p.sadd('set:bigintset', ...Array.from({ length: 600 }, (_, i) => String(i * 3)))
  p.sadd('set:strings', 'a', 'b', 'c', '1')
  p.hset('hash:small', 'f', 'v', 'n', '7')
  p.expire('hash:small', 80_000)
  p.hset('hash:big', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat())
  p.hset('hash:longvalue', 'f', 'w'.repeat(100))
  p.zadd('zset:small', 1, 'a', 2.5, 'b', '-inf', 'c', '1e300', 'd')
  p.zadd('zset:big', ...Array.from({ length: 300 }, (_, i) => [i / 3, `m${i}`]).flat())
  p.pexpire('zset:big', 5_000_000)
  p.select(3)
  p.set('db3:str', 'in db 3')
  p.hset('db3:hash', 'a', '1')
  p.select(0)
  const results = (await p.exec()) ?? []
  for (const [err] of results) if (err) throw err
}

export async function encodings(c: Redis): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const k of Object.keys(ENCODINGS)) out[k] = String(await c.call('OBJECT', 'ENCODING', k))
  return out
}

/** Some MB of string values to make a full sync last (`count` keys of `size` bytes). */
export async function loadBulk(c: Redis, count: number, size: number, prefix = 'bulk'): Promise<void> {
  for (let start = 0; start < count; start += 500) {
    const p = c.pipeline()
    // Random bytes: the RDB's LZF compression must not shrink the transfer.
    for (let i = start; i < Math.min(count, start + 500); i++) p.set(`${prefix}:${i}`, randomBytes(size))
    await p.exec()
  }
}

// ---------------------------------------------------------------------------
// A writer that keeps touching every type and encoding (db 0 and db 3) until stopped

export interface WriterOptions {
  /** Pause between batches, to keep the shared CPU usable (ms). */
  pauseMs?: number
  /** Size of the big string values it writes (bytes). */
  valueSize?: number
  /** Key prefix, so two writers do not collide. */
  prefix?: string
}

export interface Writer {
  /** Batches acknowledged so far. */
  readonly batches: number
  /** Resolves once the writer stopped; rejects with the first error a write got. */
  stop(): Promise<number>
}

function startWriter(fixture: Fixture, port: number, options: WriterOptions): Writer {
  const db0 = fixture.client(port, 0)
  const db3 = fixture.client(port, 3)
  const blocker = fixture.client(port, 0)
  const pauseMs = options.pauseMs ?? 5
  const big = 'v'.repeat(options.valueSize ?? 64)
  const px = options.prefix ?? 'w'
  let running = true
  let batches = 0
  let failure: unknown
  const far = Math.floor(Date.now() / 1000) + 500_000
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const p = db0.pipeline()
      // Strings: plain, TTLs relative (rewritten to absolute on the wire), numbers, floats (→ SET KEEPTTL).
      p.set(`${px}:s:${i % 200}`, `${i}:${big}`)
      p.set(`${px}:ttl:${i % 50}`, String(i), 'EX', 100_000 + i)
      p.setex(`${px}:setex`, 100_000, String(i))
      p.incr(`${px}:counter`)
      if (i % 2 === 0) p.expireat(`${px}:counter`, far)
      else p.persist(`${px}:counter`)
      p.incrbyfloat(`${px}:float`, '0.5')
      p.append(`${px}:append`, 'ab')
      p.setrange(`${px}:append`, 0, String(i % 10))
      p.set(`${px}:gd`, String(i))
      p.getdel(`${px}:gd`)
      if (i % 3 === 0) p.call('GETEX', `${px}:s:${i % 200}`, 'PX', '80000000')
      // Keys that expire at once: the master's expiries must reach the replica as DEL.
      p.set(`${px}:short:${i % 20}`, String(i), 'PX', 20)
      p.get(`${px}:short:${(i + 10) % 20}`)
      p.set(`${px}:ren:a`, String(i))
      p.rename(`${px}:ren:a`, `${px}:ren:b`)
      // Lists: small and big (quicklist), moves, and a queue a blocked client pops (propagated as its effect).
      p.rpush(`${px}:list:small`, String(i))
      p.ltrim(`${px}:list:small`, -20, -1)
      p.lpush(`${px}:list:big`, `${i}:${big}`)
      p.ltrim(`${px}:list:big`, 0, 999)
      p.lmove(`${px}:list:small`, `${px}:list:moved`, 'LEFT', 'RIGHT')
      p.ltrim(`${px}:list:moved`, -10, -1)
      p.rpush(`${px}:queue`, String(i))
      // Sets: intset, hashtable, SPOP (→ SREM), a store.
      p.sadd(`${px}:set:int`, String(i % 100))
      p.sadd(`${px}:set:int2`, String(i % 150))
      p.sadd(`${px}:set:big`, `m${i % 700}`)
      if (i % 5 === 0) p.spop(`${px}:set:big`)
      if (i % 4 === 0) p.sinterstore(`${px}:set:inter`, `${px}:set:int`, `${px}:set:int2`)
      // Hashes: listpack and hashtable, float increments.
      p.hset(`${px}:hash:small`, `f${i % 10}`, String(i))
      p.hincrbyfloat(`${px}:hash:small`, 'float', '0.25')
      p.hset(`${px}:hash:big`, `f${i % 700}`, `${i}`)
      p.hincrby(`${px}:hash:big`, 'n', 1)
      if (i % 3 === 0) p.hdel(`${px}:hash:big`, `f${(i + 3) % 700}`)
      p.expire(`${px}:hash:small`, 100_000)
      if (i % 10 === 0) p.copy(`${px}:hash:small`, `${px}:copy`, 'REPLACE')
      // Sorted sets: listpack and skiplist, pops.
      p.zadd(`${px}:zset:small`, i % 50, `m${i % 20}`)
      p.zadd(`${px}:zset:big`, i, `m${i % 300}`)
      p.zincrby(`${px}:zset:big`, 1.5, 'm0')
      if (i % 4 === 0) p.zpopmin(`${px}:zset:small`)
      p.pexpire(`${px}:zset:small`, 90_000_000)
      if (i % 7 === 0) p.del(`${px}:s:${(i + 100) % 200}`)
      // A transaction with several writes (MULTI/EXEC kept together on the wire).
      const tx = db0.multi().incr(`${px}:tx:a`).lpush(`${px}:tx:list`, String(i)).ltrim(`${px}:tx:list`, 0, 9)
      // Another database (SELECT on the wire) and MOVE across databases.
      const q = db3.pipeline()
      q.set(`${px}:db3:${i % 30}`, String(i))
      q.hset(`${px}:db3:hash`, `f${i % 30}`, String(i))
      q.set(`${px}:db3:mv`, String(i))
      q.move(`${px}:db3:mv`, 4)
      try {
        const [r0, r3, rt] = await Promise.all([p.exec(), q.exec(), tx.exec()])
        for (const [err] of [...(r0 ?? []), ...(r3 ?? []), ...(rt ?? [])]) if (err) throw err
      } catch (e) {
        failure = e
        return
      }
      batches++
      await sleep(pauseMs)
    }
  })()
  // A client blocked on the queue: each element it gets reaches the replica as a pop.
  const blocking = (async () => {
    while (running && failure === undefined) {
      try {
        await blocker.blpop(`${px}:queue`, 0.05)
      } catch (e) {
        failure = e
        return
      }
    }
  })()
  return {
    get batches() {
      return batches
    },
    async stop() {
      running = false
      await Promise.all([loop, blocking])
      if (failure) throw failure
      return batches
    },
  }
}

// ---------------------------------------------------------------------------
// A proxy standing between a replica and its master

export interface ProxyOptions {
  /** Limit master → replica bytes per second (default: unlimited). */
  bytesPerSecond?: number
}

export interface ProxySession {
  /** Bytes master → replica. */
  down: number
  /** Bytes replica → master. */
  up: number
  /** Everything the master sent on this connection (only its first 64 KiB, for text checks). */
  head: Buffer
}

export interface Proxy {
  readonly port: number
  readonly sessions: ProxySession[]
  /** Cuts every current connection and refuses (resets) new ones until `allow()`. */
  cut(): void
  allow(): void
  setRate(bytesPerSecond: number | undefined): void
  close(): void
}

async function startProxy(targetPort: number, options: ProxyOptions): Promise<Proxy> {
  const sessions: ProxySession[] = []
  const open = new Set<Socket>()
  let refusing = false
  let rate = options.bytesPerSecond
  const TICK_MS = 50
  let budget = rate === undefined ? Infinity : 0
  const paused = new Set<Socket>()
  const ticker = setInterval(() => {
    // A chunk may overshoot the budget: the debt is paid off by the next ticks before reading resumes.
    if (rate === undefined) budget = Infinity
    else {
      const perTick = (rate * TICK_MS) / 1000
      budget = budget === Infinity ? perTick : Math.min(budget + perTick, perTick)
    }
    if (budget <= 0) return
    for (const s of paused) s.resume()
    paused.clear()
  }, TICK_MS)
  ticker.unref()

  const server: Server = createServer((downstream) => {
    if (refusing) {
      downstream.resetAndDestroy()
      return
    }
    const session: ProxySession = { down: 0, up: 0, head: Buffer.alloc(0) }
    sessions.push(session)
    const upstream = connect(targetPort, '127.0.0.1')
    open.add(downstream)
    open.add(upstream)
    const closeBoth = (): void => {
      downstream.destroy()
      upstream.destroy()
      open.delete(downstream)
      open.delete(upstream)
      paused.delete(upstream)
    }
    downstream.on('error', closeBoth)
    upstream.on('error', closeBoth)
    downstream.on('close', closeBoth)
    upstream.on('close', closeBoth)
    downstream.on('data', (chunk: Buffer) => {
      session.up += chunk.length
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      session.down += chunk.length
      if (session.head.length < 65_536) session.head = Buffer.concat([session.head, chunk.subarray(0, 65_536 - session.head.length)])
      downstream.write(chunk)
      if (rate !== undefined) {
        budget -= chunk.length
        if (budget <= 0) {
          upstream.pause()
          paused.add(upstream)
        }
      }
    })
  })
  await new Promise<void>((res, rej) => {
    server.once('error', rej)
    server.listen(0, '127.0.0.1', () => res())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    sessions,
    cut() {
      refusing = true
      for (const s of open) s.resetAndDestroy()
      open.clear()
    },
    allow() {
      refusing = false
    },
    setRate(bytesPerSecond) {
      rate = bytesPerSecond
    },
    close() {
      clearInterval(ticker)
      refusing = true
      for (const s of open) s.destroy()
      server.close()
    },
  }
}
