/**
 * tandem-server as a MASTER: a real redis-server 7 replicates from it (disk
 * and diskless full sync, writes made during the sync, +CONTINUE after a
 * broken link, WAIT, min-replicas-to-write), and a raw-socket fake replica
 * checks the exact bytes (+FULLRESYNC, `$EOF:` framing, `$<len>` framing, the
 * stream held until the first ACK, SYNC without +FULLRESYNC).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import Redis from 'ioredis'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const running: RunningServer[] = []
const clients: Redis[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
  for (const s of running.splice(0)) await s.stop()
})
afterAll(async () => {
  for (const s of running.splice(0)) await s.stop()
})

async function tandem(args: string[] = []): Promise<RunningServer> {
  const s = await startTandem(['--save', '', '--enable-debug-command', 'yes', ...args])
  running.push(s)
  return s
}

async function redisReplicaOf(masterPort: number, args: string[] = []): Promise<RunningServer> {
  const s = await startRedis(['--enable-debug-command', 'yes', ...args, '--replicaof', '127.0.0.1', String(masterPort)])
  running.push(s)
  return s
}

function client(port: number): Redis {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 1 })
  clients.push(c)
  return c
}

async function infoField(c: Redis, field: string, section = 'everything'): Promise<string> {
  const text = await c.info(section)
  const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`))
  return line ? line.slice(field.length + 1) : ''
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** Same offset on both sides and the same DEBUG DIGEST. */
async function waitConverged(master: Redis, replica: Redis): Promise<void> {
  await waitUntil('replica caught up', async () => {
    const link = await infoField(replica, 'master_link_status', 'replication')
    if (link !== 'up') return false
    const [mo, ro] = await Promise.all([infoField(master, 'master_repl_offset', 'replication'), infoField(replica, 'master_repl_offset', 'replication')])
    return mo === ro
  })
  // Compare digests taken while no write runs (the callers stop writing first).
  expect(await replica.call('DEBUG', 'DIGEST')).toBe(await master.call('DEBUG', 'DIGEST'))
}

async function populate(c: Redis, n: number): Promise<void> {
  const pipe = c.pipeline()
  for (let i = 0; i < n; i++) {
    pipe.set(`s:${i}`, `value-${i}-${'x'.repeat(i % 40)}`)
    if (i % 10 === 0) {
      pipe.rpush(`l:${i}`, 'a', 'b', String(i))
      pipe.hset(`h:${i}`, 'f', String(i), 'g', 'long'.repeat(30))
      pipe.sadd(`set:${i}`, '1', '2', 'three')
      pipe.zadd(`z:${i}`, 1.5, 'a', 2, 'b')
      pipe.pexpire(`s:${i}`, 3_600_000)
    }
  }
  await pipe.exec()
}

/** A background writer; returns a stop function that resolves with the number of writes made. */
function writer(c: Redis): () => Promise<number> {
  let stop = false
  let n = 0
  const done = (async () => {
    while (!stop) {
      await c.pipeline().incr('counter').set(`w:${n}`, String(n)).lpush('wl', String(n)).exec()
      n++
      await sleep(2)
    }
  })()
  return async () => {
    stop = true
    await done
    return n
  }
}

describe.skipIf(!hasRealRedis())('tandem master, real redis-server replica', () => {
  for (const diskless of ['yes', 'no']) {
    it(`full sync (repl-diskless-sync ${diskless}) with writes during the sync, then +CONTINUE after the link breaks`, async () => {
      const master = await tandem(['--repl-diskless-sync', diskless, '--repl-diskless-sync-delay', '0'])
      const m = client(master.port)
      await populate(m, 5000)
      const stopWriting = writer(client(master.port))
      const replica = await redisReplicaOf(master.port)
      const r = client(replica.port)
      await waitUntil('link up', async () => (await infoField(r, 'master_link_status', 'replication')) === 'up')
      await sleep(200)
      const writes = await stopWriting()
      expect(writes).toBeGreaterThan(0)
      await waitConverged(m, r)
      expect(Number(await r.get('counter'))).toBe(writes)
      expect(master.output()).toContain(`Starting BGSAVE for SYNC with target: ${diskless === 'yes' ? 'replicas sockets' : 'disk'}`)
      expect(master.output()).toMatch(/Synchronization with replica 127\.0\.0\.1:\d+ succeeded/)
      expect(await infoField(m, 'sync_full', 'stats')).toBe('1')
      expect(await infoField(m, 'slave0', 'replication')).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${replica.port},state=online,offset=\\d+,lag=\\d+$`))

      // Break the link from the master's side: the replica resumes with PSYNC, served from the backlog.
      expect(await m.call('CLIENT', 'KILL', 'TYPE', 'replica')).toBe(1)
      await m.set('after-kill', 'yes')
      await m.incr('counter')
      await waitConverged(m, r)
      expect(await r.get('after-kill')).toBe('yes')
      expect(await infoField(m, 'sync_partial_ok', 'stats')).toBe('1')
      expect(await infoField(m, 'sync_full', 'stats')).toBe('1')
      expect(master.output()).toMatch(/Partial resynchronization request from 127\.0\.0\.1:\d+ accepted\. Sending \d+ bytes of backlog starting from offset \d+\./)
      const role = (await m.call('ROLE')) as [string, number, string[][]]
      expect(role[0]).toBe('master')
      expect(role[2]).toEqual([['127.0.0.1', String(replica.port), expect.stringMatching(/^\d+$/)]])
    })
  }

  it('a stalled replica over client-output-buffer-limit is dropped, the master stays healthy, and the replica resyncs', async () => {
    const master = await tandem(['--repl-diskless-sync-delay', '0', '--client-output-buffer-limit', 'replica 512kb 0 0'])
    const m = client(master.port)
    const replica = await redisReplicaOf(master.port)
    const r = client(replica.port)
    await waitUntil('link up', async () => (await infoField(r, 'master_link_status', 'replication')) === 'up')
    const pid = replica.process.pid as number
    process.kill(pid, 'SIGSTOP')
    try {
      const value = 'x'.repeat(32 * 1024)
      for (let i = 0; i < 150 && (await infoField(m, 'connected_slaves', 'replication')) !== '0'; i++) {
        await m.pipeline().set(`big:${i % 20}`, value).set(`n:${i}`, String(i)).exec()
      }
      await waitUntil('replica dropped', async () => (await infoField(m, 'connected_slaves', 'replication')) === '0')
      expect(master.output()).toMatch(/Client id=\d+ addr=127\.0\.0\.1:\d+ .*scheduled to be closed ASAP for overcoming of output buffer limits\./)
      expect(await m.ping()).toBe('PONG')
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    await waitConverged(m, r)
  })

  it('WAIT counts acknowledging replicas; min-replicas-to-write refuses writes without enough good replicas', async () => {
    const master = await tandem(['--repl-diskless-sync-delay', '0'])
    const m = client(master.port)
    await m.set('k', 'v')
    const replica = await redisReplicaOf(master.port)
    const r = client(replica.port)
    await waitUntil('link up', async () => (await infoField(r, 'master_link_status', 'replication')) === 'up')
    await m.set('k2', 'v2')
    expect(await m.call('WAIT', '1', '2000')).toBe(1)
    const started = Date.now()
    expect(await m.call('WAIT', '2', '300')).toBe(1)
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(await m.call('WAIT', '0', '0')).toBe(1)

    await m.config('SET', 'min-replicas-to-write', '2')
    await expect(m.set('k3', 'v3')).rejects.toThrow('NOREPLICAS Not enough good replicas to write.')
    expect(await m.get('k')).toBe('v')
    expect(await infoField(m, 'min_slaves_good_slaves', 'replication')).toBe('1')
    await m.config('SET', 'min-replicas-to-write', '1')
    expect(await m.set('k3', 'v3')).toBe('OK')
    // A replica ignores the option (and WAIT is refused there).
    await expect(r.call('WAIT', '1', '0')).rejects.toThrow('WAIT cannot be used with replica instances')
  })
})

/** A raw TCP client playing replica: everything the master writes is kept in `data`. */
class FakeReplica {
  data = Buffer.alloc(0)
  private readonly socket: Socket
  private closed = false

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => (this.data = Buffer.concat([this.data, chunk])))
    socket.on('close', () => (this.closed = true))
    socket.on('error', () => {})
  }

  static async open(port: number): Promise<FakeReplica> {
    const socket = connect(port, '127.0.0.1')
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res())
      socket.once('error', rej)
    })
    return new FakeReplica(socket)
  }

  get isClosed(): boolean {
    return this.closed
  }

  send(...args: string[]): void {
    this.socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`)
  }

  pause(): void {
    this.socket.pause()
  }

  /** Waits until `data` satisfies `test`, then returns it. */
  async until(what: string, test: (data: Buffer) => boolean, timeoutMs = 10_000): Promise<Buffer> {
    await waitUntil(what, async () => test(this.data), timeoutMs)
    return this.data
  }

  /** Consumes `n` bytes from the front of `data`. */
  take(n: number): Buffer {
    const head = this.data.subarray(0, n)
    this.data = this.data.subarray(n)
    return head
  }

  /** Drops keepalive newlines at the front. */
  skipNewlines(): void {
    let i = 0
    while (i < this.data.length && this.data[i] === 0x0a) i++
    this.take(i)
  }

  close(): void {
    this.socket.destroy()
  }
}

const fakes: FakeReplica[] = []
afterEach(() => {
  for (const f of fakes.splice(0)) f.close()
})

async function fake(port: number): Promise<FakeReplica> {
  const f = await FakeReplica.open(port)
  fakes.push(f)
  return f
}

/** The stream without the master's periodic pings (their timing is the cron's, not the test's). */
function withoutPings(data: Buffer): string {
  return data.toString('latin1').split('*1\r\n$4\r\nping\r\n').join('')
}

function line(data: Buffer): string | undefined {
  const end = data.indexOf('\r\n')
  return end < 0 ? undefined : data.subarray(0, end).toString('latin1')
}

describe('tandem master, raw fake replica on the wire', () => {
  it('diskless: +FULLRESYNC, $EOF:<mark> RDB <mark>, and the stream only after the first REPLCONF ACK', async () => {
    const master = await tandem(['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '3600'])
    const m = client(master.port)
    await m.set('before', '1')
    const f = await fake(master.port)
    f.send('REPLCONF', 'listening-port', '7777')
    f.send('REPLCONF', 'capa', 'eof', 'capa', 'psync2')
    f.send('PSYNC', '?', '-1')
    await f.until('two +OK', (d) => d.toString('latin1').startsWith('+OK\r\n+OK\r\n'))
    f.take(10)
    await f.until('+FULLRESYNC line', (d) => line(d.subarray(d.findIndex((b) => b !== 0x0a))) !== undefined)
    f.skipNewlines()
    const full = line(f.data) as string
    expect(full).toMatch(/^\+FULLRESYNC [0-9a-f]{40} \d+$/)
    const [, replId, offset] = full.split(' ')
    f.take(full.length + 2)
    expect(replId).toBe(await infoField(m, 'master_replid', 'replication'))
    await f.until('$EOF line', (d) => line(d) !== undefined)
    const eofLine = line(f.data) as string
    expect(eofLine).toMatch(/^\$EOF:[0-9a-f]{40}$/)
    const mark = eofLine.slice(5)
    f.take(eofLine.length + 2)
    const rdb = await f.until('the closing mark', (d) => d.includes(mark))
    const end = rdb.indexOf(mark)
    expect(rdb.subarray(0, 9).toString('latin1')).toBe('REDIS0010')
    expect(rdb.subarray(0, end).includes(Buffer.from('before'))).toBe(true)
    f.take(end + 40)
    expect(await infoField(m, 'slave0', 'replication')).toBe('ip=127.0.0.1,port=7777,state=online,offset=0,lag=0')

    // Written after the snapshot: held until the replica acknowledges the file.
    await m.set('after', '2')
    await sleep(300)
    expect(f.data.length).toBe(0)
    f.send('REPLCONF', 'ACK', offset)
    const stream = await f.until('the held stream', (d) => d.includes('after'))
    expect(withoutPings(stream)).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$5\r\nafter\r\n$1\r\n2\r\n')
    // The offsets line up: the announced offset plus the stream bytes is the master's offset.
    expect(Number(await infoField(m, 'master_repl_offset', 'replication'))).toBe(Number(offset) + stream.length)
  })

  it('disk: $<len> then exactly len RDB bytes (no CRLF), then the stream; SYNC gets no +FULLRESYNC line', async () => {
    const master = await tandem(['--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'])
    const m = client(master.port)
    await m.set('disk', 'yes')
    const f = await fake(master.port)
    f.send('SYNC')
    await f.until('bulk length', (d) => {
      const i = d.findIndex((b) => b !== 0x0a)
      return i >= 0 && line(d.subarray(i)) !== undefined
    })
    f.skipNewlines()
    const head = line(f.data) as string
    expect(head).toMatch(/^\$\d+$/)
    const len = Number(head.slice(1))
    f.take(head.length + 2)
    await f.until('the whole RDB', (d) => d.length >= len)
    const rdb = f.take(len)
    expect(rdb.subarray(0, 9).toString('latin1')).toBe('REDIS0010')
    expect(rdb[rdb.length - 9]).toBe(0xff)
    await m.set('next', '1')
    const stream = await f.until('stream', (d) => d.includes('next'))
    expect(withoutPings(stream)).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$4\r\nnext\r\n$1\r\n1\r\n')
    expect(master.output()).toContain('Starting BGSAVE for SYNC with target: disk')
    expect(await infoField(m, 'sync_full', 'stats')).toBe('1')
  })

  it('PSYNC with the current id and offset gets +CONTINUE and exactly the missed bytes; bad arguments are refused', async () => {
    const master = await tandem(['--repl-diskless-sync-delay', '0'])
    const m = client(master.port)
    const first = await fake(master.port)
    first.send('REPLCONF', 'capa', 'eof', 'capa', 'psync2')
    first.send('PSYNC', '?', '-1')
    const full = await first.until('+FULLRESYNC', (d) => /\+FULLRESYNC [0-9a-f]{40} \d+\r\n/.test(d.toString('latin1')))
    const [, replId, offset] = /\+FULLRESYNC ([0-9a-f]{40}) (\d+)\r\n/.exec(full.toString('latin1')) as RegExpExecArray
    await waitUntil('online', async () => (await infoField(m, 'slave0', 'replication')).includes('state=online'))
    first.close()
    await waitUntil('gone', async () => (await infoField(m, 'connected_slaves', 'replication')) === '0')
    await m.set('missed', 'x')

    const second = await fake(master.port)
    second.send('REPLCONF', 'capa', 'psync2')
    second.send('PSYNC', replId, String(Number(offset) + 1))
    const got = await second.until('+CONTINUE and the backlog', (d) => d.includes('missed'))
    const text = got.toString('latin1')
    expect(text.startsWith(`+OK\r\n+CONTINUE ${replId}\r\n`)).toBe(true)
    const missed = got.subarray(`+OK\r\n+CONTINUE ${replId}\r\n`.length)
    expect(Number(await infoField(m, 'master_repl_offset', 'replication'))).toBe(Number(offset) + missed.length)
    expect(missed.toString('latin1')).toContain('*3\r\n$3\r\nset\r\n$6\r\nmissed\r\n$1\r\nx\r\n')
    expect(await infoField(m, 'sync_partial_ok', 'stats')).toBe('1')

    // An offset the backlog does not hold → full resync, counted as a partial error.
    const third = await fake(master.port)
    third.send('PSYNC', replId, String(Number(offset) + 10_000))
    await third.until('+FULLRESYNC', (d) => d.toString('latin1').includes('+FULLRESYNC'))
    expect(await infoField(m, 'sync_partial_err', 'stats')).toBe('1')

    await expect(m.call('PSYNC', replId, 'abc')).rejects.toThrow('ERR value is not an integer or out of range')
    await expect(m.call('REPLCONF', 'foo', 'bar')).rejects.toThrow('ERR Unrecognized REPLCONF option: foo')
    await expect(m.call('REPLCONF', 'listening-port')).rejects.toThrow('ERR syntax error')
    expect(await m.call('REPLCONF', 'listening-port', '1234', 'capa', 'eof')).toBe('OK')
    await expect(m.call('REPLICAOF', 'localhost', '70000')).rejects.toThrow('ERR Invalid master port')
    await expect(m.call('REPLICAOF', 'localhost', 'x')).rejects.toThrow('ERR Invalid master port')
  })

  it('a replica that does not read is disconnected at the output-buffer hard limit; the master stays healthy', async () => {
    const master = await tandem(['--repl-diskless-sync-delay', '0', '--client-output-buffer-limit', 'replica 1mb 0 0'])
    const m = client(master.port)
    const f = await fake(master.port)
    f.send('REPLCONF', 'capa', 'eof')
    f.send('PSYNC', '?', '-1')
    await waitUntil('online', async () => (await infoField(m, 'slave0', 'replication')).includes('state=online'))
    f.send('REPLCONF', 'ACK', '0')
    await sleep(100)
    f.pause()
    const big = 'v'.repeat(64 * 1024)
    for (let i = 0; i < 200 && !f.isClosed; i++) {
      await m.set(`big:${i % 10}`, big)
    }
    await waitUntil('replica dropped', async () => (await infoField(m, 'connected_slaves', 'replication')) === '0')
    expect(master.output()).toContain('scheduled to be closed ASAP for overcoming of output buffer limits.')
    expect(await m.ping()).toBe('PONG')
  })

  it('replicas arriving together share one diskless snapshot (repl-diskless-sync-delay)', async () => {
    const master = await tandem(['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '1'])
    const m = client(master.port)
    await m.set('shared', '1')
    const a = await fake(master.port)
    const b = await fake(master.port)
    for (const f of [a, b]) {
      f.send('REPLCONF', 'capa', 'eof', 'capa', 'psync2')
      f.send('PSYNC', '?', '-1')
    }
    // Both wait (keepalive newlines meanwhile), then one transfer serves both with the same offset and mark.
    await waitUntil('both attached', async () => (await infoField(m, 'connected_slaves', 'replication')) === '2')
    expect(await infoField(m, 'slave1', 'replication')).toMatch(/state=wait_bgsave/)
    const heads = await Promise.all(
      [a, b].map((f) => f.until('+FULLRESYNC and $EOF', (d) => /\+FULLRESYNC [0-9a-f]{40} \d+\r\n\$EOF:[0-9a-f]{40}\r\n/.test(d.toString('latin1')))),
    )
    const [ha, hb] = heads.map((d) => /\+FULLRESYNC ([0-9a-f]{40} \d+)\r\n\$EOF:([0-9a-f]{40})/.exec(d.toString('latin1'))?.slice(1))
    expect(ha).toEqual(hb)
    expect(master.output().match(/Starting BGSAVE for SYNC/g)).toHaveLength(1)
    expect(master.output()).toContain('Delay next BGSAVE for diskless SYNC')
    expect(await infoField(m, 'sync_full', 'stats')).toBe('2')
  })

  it('repl-diskless-sync-max-replicas starts the transfer as soon as that many replicas wait', async () => {
    const master = await tandem(['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '30', '--repl-diskless-sync-max-replicas', '2'])
    const m = client(master.port)
    const a = await fake(master.port)
    a.send('REPLCONF', 'capa', 'eof')
    a.send('PSYNC', '?', '-1')
    await waitUntil('first attached', async () => (await infoField(m, 'connected_slaves', 'replication')) === '1')
    await sleep(500)
    expect(a.data.toString('latin1')).not.toContain('+FULLRESYNC')
    const started = Date.now()
    const b = await fake(master.port)
    b.send('REPLCONF', 'capa', 'eof')
    b.send('PSYNC', '?', '-1')
    for (const f of [a, b]) await f.until('+FULLRESYNC', (d) => d.toString('latin1').includes('+FULLRESYNC'), 5000)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('repl-timeout drops a PSYNC replica that stops acknowledging, never a SYNC one; the backlog is freed after repl-backlog-ttl', async () => {
    const master = await tandem(['--repl-diskless-sync-delay', '0', '--repl-timeout', '1', '--repl-backlog-ttl', '1'])
    const m = client(master.port)
    const silent = await fake(master.port)
    silent.send('REPLCONF', 'listening-port', '6501')
    silent.send('REPLCONF', 'capa', 'eof')
    silent.send('PSYNC', '?', '-1')
    const legacy = await fake(master.port)
    legacy.send('REPLCONF', 'listening-port', '6502')
    legacy.send('SYNC')
    await waitUntil('silent replica dropped', async () => master.output().includes('Disconnecting timedout replica (streaming sync): 127.0.0.1:6501'), 8000)
    expect(await infoField(m, 'connected_slaves', 'replication')).toBe('1')
    expect(await infoField(m, 'slave0', 'replication')).toMatch(/^ip=127\.0\.0\.1,port=6502,state=online,/)
    // REPLCONF ACK from a client that is not a replica is not answered at all.
    const plain = await fake(master.port)
    plain.send('REPLCONF', 'ACK', '5')
    plain.send('PING')
    expect((await plain.until('PONG', (d) => d.includes('PONG'))).toString('latin1')).toBe('+PONG\r\n')

    const idBefore = await infoField(m, 'master_replid', 'replication')
    legacy.close()
    await waitUntil('backlog freed', async () => (await infoField(m, 'repl_backlog_active', 'replication')) === '0', 8000)
    expect(master.output()).toContain('Replication backlog freed after 1 seconds without connected replicas.')
    expect(await infoField(m, 'master_replid', 'replication')).not.toBe(idBefore)
  })
})
