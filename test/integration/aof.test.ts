/**
 * The append-only file on real processes: a data set written with
 * appendonly yes survives SIGKILL + restart; appendonlydirs move between
 * tandem-server and a real Redis 7.0.15 in both directions with equal DEBUG
 * DIGEST; BGREWRITEAOF under concurrent writes loses nothing; a truncated
 * last command is cut back (aof-load-truncated yes) or refused (no); a
 * corrupt file is refused with file and offset and left untouched; SIGKILL at
 * random moments during rewrites always restarts on the last complete data set.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { TANDEM_SERVER_JS, freePort, hasRealRedis, startRedis, startTandem, tempDir, type RunningServer } from '../helpers/processes'

const DEBUG = ['--enable-debug-command', 'yes']
const AOF = ['--appendonly', 'yes', '--save', '']

const running: RunningServer[] = []
const clients: Redis[] = []
const dirs: string[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
  await Promise.all(running.splice(0).map((s) => s.stop()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function newDir(): string {
  const d = tempDir('tandem-aof-')
  dirs.push(d)
  return d
}

async function tandemIn(dir: string, extra: string[] = []): Promise<{ server: RunningServer; client: Redis }> {
  const server = await startTandem(['--dir', dir, ...DEBUG, ...AOF, ...extra])
  running.push(server)
  const client = new Redis({ port: server.port, maxRetriesPerRequest: 0, retryStrategy: () => null })
  clients.push(client)
  return { server, client }
}

async function redisIn(dir: string, extra: string[] = []): Promise<{ server: RunningServer; client: Redis }> {
  const server = await startRedis(['--dir', dir, ...DEBUG, ...AOF, ...extra])
  running.push(server)
  const client = new Redis({ port: server.port, maxRetriesPerRequest: 0, retryStrategy: () => null })
  clients.push(client)
  return { server, client }
}

async function kill9(server: RunningServer): Promise<void> {
  if (server.process.exitCode !== null || server.process.signalCode !== null) return
  const exited = new Promise((res) => server.process.once('exit', res))
  server.process.kill('SIGKILL')
  await exited
}

/** Every type in small and large encodings, binary keys, relative and absolute TTLs, MULTI, two databases. */
async function populate(c: Redis): Promise<void> {
  await c.set('str', 'hello')
  await c.set('int', '-12345')
  await c.append('str', ' world')
  await c.incrbyfloat('float', '1.5')
  await c.set(Buffer.from([0, 0xff, 13, 10, 0x80]), Buffer.from([1, 0, 2, 0xfe]))
  await c.set('ttl', 'v', 'EX', 100000)
  await c.set('pxat', 'v', 'PXAT', Date.now() + 500_000)
  await c.rpush('list', 'a', '1', '-70000', 'z'.repeat(100))
  await c.rpush('biglist', ...Array.from({ length: 1000 }, (_, i) => `item:${i}`))
  await c.lpop('biglist')
  await c.sadd('intset', '1', '5', '-3')
  await c.sadd('bigset', ...Array.from({ length: 600 }, (_, i) => `m${i}`))
  await c.srem('bigset', 'm7')
  await c.hset('hash', 'f', 'v', 'n', '7')
  await c.hincrbyfloat('hash', 'n', '0.25')
  await c.hset('bighash', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat())
  await c.zadd('zset', 1, 'a', 2.5, 'b', '-inf', 'c')
  await c.zadd('bigzset', ...Array.from({ length: 300 }, (_, i) => [i / 3, `m${i}`]).flat())
  await c.expire('bigzset', 5000)
  await c.multi().set('m1', '1').incr('m1').lpush('m2', 'x').exec()
  await c.set('gone', 'x')
  await c.del('gone')
  await c.select(2)
  await c.set('in-db-2', 'yes')
  await c.hset('hash-db-2', 'a', '1')
  await c.select(0)
}

/** Keys, values and TTLs as seconds-rounded absolute times, per database. */
async function contents(c: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const db of [0, 2]) {
    await c.select(db)
    const keys = (await c.keysBuffer('*')).sort(Buffer.compare)
    for (const k of keys) {
      const type = await c.type(k)
      let value: unknown
      if (type === 'string') value = (await c.getBuffer(k))?.toString('hex')
      else if (type === 'list') value = (await c.lrange(k, 0, -1)).join(',')
      else if (type === 'set') value = (await c.smembers(k)).sort().join(',')
      else if (type === 'hash') value = JSON.stringify(Object.entries(await c.hgetall(k)).sort())
      else value = (await c.call('ZRANGE', k, '0', '-1', 'WITHSCORES') as string[]).join(',')
      const expireAt = Number(await c.call('PEXPIRETIME', k))
      out[`${db}:${k.toString('hex')}`] = { type, value, expireAt }
    }
  }
  await c.select(0)
  return out
}

const digest = (c: Redis): Promise<unknown> => c.call('DEBUG', 'DIGEST')

function aofDir(dir: string): string {
  return join(dir, 'appendonlydir')
}

function manifest(dir: string): string {
  return readFileSync(join(aofDir(dir), 'appendonly.aof.manifest'), 'latin1')
}

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/** Runs tandem-server on `dir` until it exits by itself (or 10 s pass): for refusals. */
async function runToExit(dir: string, extra: string[] = []): Promise<{ code: number | null; output: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, [TANDEM_SERVER_JS, '--port', String(port), '--dir', dir, ...AOF, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)))
  clearTimeout(timer)
  return { code, output }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function rewriteDone(c: Redis): Promise<void> {
  await waitFor(async () => /aof_rewrite_in_progress:0/.test(await c.info('persistence')) && !/aof_rewrite_scheduled:1/.test(await c.info('persistence')))
}

describe('appendonly yes on tandem-server', () => {
  it('lays out appendonlydir as Redis 7 and survives SIGKILL + restart with every type and absolute TTLs', async () => {
    const dir = newDir()
    const first = await tandemIn(dir)
    await populate(first.client)
    expect(readdirSync(aofDir(dir)).sort()).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest'])
    expect(manifest(dir)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n')
    const incr = readFileSync(join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1')
    // Relative TTLs are logged as absolute times, INCRBYFLOAT as SET … KEEPTTL, with SELECT before the first effect.
    expect(incr.startsWith('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n')).toBe(true)
    expect(incr).toContain('PEXPIREAT')
    expect(incr).toContain('KEEPTTL')
    expect(incr).toContain('MULTI')
    const before = await contents(first.client)
    const digestBefore = await digest(first.client)
    await kill9(first.server)

    const second = await tandemIn(dir)
    expect(await contents(second.client)).toEqual(before)
    expect(await digest(second.client)).toBe(digestBefore)
    expect(second.server.output()).toContain('DB loaded from append only file')
    // The RDB is ignored when the AOF is on, as in Redis.
    expect(await second.client.dbsize()).toBe(Object.keys(before).filter((k) => k.startsWith('0:')).length)
  })

  it('appendfsync always: every acknowledged write is in the incr file when the reply arrives', async () => {
    const dir = newDir()
    const { client } = await tandemIn(dir, ['--appendfsync', 'always'])
    for (let i = 0; i < 20; i++) {
      await client.set(`k${i}`, `v${i}`)
      expect(readFileSync(join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1')).toContain(`v${i}\r\n`)
    }
  })

  it('BGREWRITEAOF: new base + incr, history removed, nothing lost under concurrent writes', async () => {
    const dir = newDir()
    // 100 µs per key: the rewrite lasts ~0.2 s, so the second BGREWRITEAOF and the writer's commands meet it in progress.
    const { server, client } = await tandemIn(dir, ['--rdb-key-save-delay', '100'])
    const writer = new Redis({ port: server.port })
    clients.push(writer)
    await client.rpush('seed', ...Array.from({ length: 20000 }, (_, i) => `s${i}`))
    for (let i = 0; i < 2000; i++) await client.set(`pre:${i}`, 'x'.repeat(50))
    let stop = false
    let written = 0
    const writes = (async () => {
      while (!stop) {
        await writer.pipeline(Array.from({ length: 20 }, () => ['incr', 'counter'] as [string, string])).exec()
        await writer.rpush('during', String(written))
        written++
      }
    })()
    expect(await client.bgrewriteaof()).toBe('Background append only file rewriting started')
    await expect(client.bgrewriteaof()).rejects.toThrow('ERR Background append only file rewriting already in progress')
    await rewriteDone(client)
    stop = true
    await writes
    expect(manifest(dir)).toBe('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n')
    expect(readdirSync(aofDir(dir)).sort()).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest'])
    const base = readFileSync(join(aofDir(dir), 'appendonly.aof.2.base.rdb'))
    expect(base.subarray(0, 5).toString()).toBe('REDIS')
    expect(base.includes(Buffer.from('aof-base'))).toBe(true)
    const info = await client.info('persistence')
    expect(info).toMatch(/aof_rewrites:1\r\n/)
    expect(info).toMatch(/aof_last_bgrewrite_status:ok/)
    const digestBefore = await digest(client)
    expect(Number(await client.get('counter'))).toBe(written * 20)
    await kill9(server)
    const again = await tandemIn(dir)
    expect(await digest(again.client)).toBe(digestBefore)
    expect(Number(await again.client.get('counter'))).toBe(written * 20)
    expect(await again.client.llen('during')).toBe(written)
  })

  it('aof-use-rdb-preamble no writes the base as commands, which loads back', async () => {
    const dir = newDir()
    const first = await tandemIn(dir, ['--aof-use-rdb-preamble', 'no'])
    await populate(first.client)
    await first.client.bgrewriteaof()
    await rewriteDone(first.client)
    expect(existsSync(join(aofDir(dir), 'appendonly.aof.2.base.aof'))).toBe(true)
    const base = readFileSync(join(aofDir(dir), 'appendonly.aof.2.base.aof'), 'latin1')
    expect(base.startsWith('*2\r\n$6\r\nSELECT\r\n')).toBe(true)
    expect(base).toContain('HMSET')
    const before = await digest(first.client)
    await kill9(first.server)
    const second = await tandemIn(dir)
    expect(await digest(second.client)).toBe(before)
  })

  it('CONFIG SET appendonly yes at runtime writes a base of the current data set; no stops appending', async () => {
    const dir = newDir()
    const first = await tandemIn(dir, ['--appendonly', 'no'])
    await first.client.set('before', '1')
    expect(existsSync(aofDir(dir))).toBe(false)
    expect(await first.client.config('SET', 'appendonly', 'yes')).toBe('OK')
    await first.client.set('during', '2')
    await rewriteDone(first.client)
    await first.client.set('after', '3')
    expect(manifest(dir)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n')
    expect(await first.client.config('SET', 'appendonly', 'no')).toBe('OK')
    await first.client.set('not-logged', '4')
    expect(await first.client.info('persistence')).toMatch(/aof_enabled:0/)
    await kill9(first.server)
    const second = await tandemIn(dir)
    expect((await second.client.keys('*')).sort()).toEqual(['after', 'before', 'during'])
  })
})

describe.skipIf(!hasRealRedis())('appendonlydir interop with Redis 7.0.15', () => {
  it('a directory written by redis-server (base + incr, after a rewrite) loads into tandem-server with the same digest', async () => {
    const dir = newDir()
    const redis = await redisIn(dir)
    await populate(redis.client)
    await redis.client.bgrewriteaof()
    await rewriteDone(redis.client)
    await redis.client.set('after-rewrite', 'yes')
    await redis.client.lpush('list', 'more')
    const expected = await digest(redis.client)
    const expectedContents = await contents(redis.client)
    await kill9(redis.server)

    const tandem = await tandemIn(dir)
    expect(await digest(tandem.client)).toBe(expected)
    expect(await contents(tandem.client)).toEqual(expectedContents)
  })

  it('a directory written by tandem-server (rewritten, then more writes) loads into redis-server with the same digest', async () => {
    const dir = newDir()
    const tandem = await tandemIn(dir)
    await populate(tandem.client)
    await tandem.client.bgrewriteaof()
    await rewriteDone(tandem.client)
    await tandem.client.set('after-rewrite', 'yes')
    await tandem.client.zadd('zset', 9, 'late')
    const expected = await digest(tandem.client)
    const expectedContents = await contents(tandem.client)
    await kill9(tandem.server)

    const redis = await redisIn(dir)
    expect(await digest(redis.client)).toBe(expected)
    expect(await contents(redis.client)).toEqual(expectedContents)
  })
})

describe('damaged files', () => {
  async function writtenDir(extra: string[] = []): Promise<string> {
    const dir = newDir()
    const { server, client } = await tandemIn(dir, extra)
    await client.set('a', '1')
    await client.set('b', '2')
    await client.rpush('l', 'x', 'y')
    await kill9(server)
    return dir
  }

  it('aof-load-truncated yes: a cut last command is logged, cut off, and the rest loads', async () => {
    const dir = await writtenDir()
    const incr = join(aofDir(dir), 'appendonly.aof.1.incr.aof')
    const complete = statSync(incr).size
    appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nabc')
    const { server, client } = await tandemIn(dir)
    expect(server.output()).toContain('!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!')
    expect(server.output()).toContain(`!!! Truncating the AOF appendonly.aof.1.incr.aof at offset ${complete} !!!`)
    expect(await client.mget('a', 'b', 'c')).toEqual(['1', '2', null])
    expect(await client.lrange('l', 0, -1)).toEqual(['x', 'y'])
    await client.set('c', 'new')
    await kill9(server)
    const again = await tandemIn(dir)
    expect(await again.client.get('c')).toBe('new')
  })

  it('aof-load-truncated no: a cut last command refuses to start and the file stays as it was', async () => {
    const dir = await writtenDir()
    const incr = join(aofDir(dir), 'appendonly.aof.1.incr.aof')
    appendFileSync(incr, '*2\r\n$3\r\nDEL\r\n$1\r')
    const bytes = sha(incr)
    const size = statSync(incr).size
    const { code, output } = await runToExit(dir, ['--aof-load-truncated', 'no'])
    expect(code).toBe(1)
    expect(output).toContain('Unexpected end of file reading the append only file appendonly.aof.1.incr.aof')
    expect(output).toMatch(/offset \d+/)
    expect(sha(incr)).toBe(bytes)
    expect(statSync(incr).size).toBe(size)
  })

  it('a flipped byte in the middle of the incr file is refused with file and offset, nothing rewritten', async () => {
    const dir = await writtenDir()
    const incr = join(aofDir(dir), 'appendonly.aof.1.incr.aof')
    const bytes = readFileSync(incr)
    const at = bytes.indexOf('*3', 10)
    bytes[at] = 0x21
    writeFileSync(incr, bytes)
    const before = sha(incr)
    const manifestBefore = manifest(dir)
    const { code, output } = await runToExit(dir)
    expect(code).toBe(1)
    expect(output).toContain(`Bad file format reading the append only file appendonly.aof.1.incr.aof`)
    expect(output).toContain(`offset ${at}`)
    expect(sha(incr)).toBe(before)
    expect(manifest(dir)).toBe(manifestBefore)
  })

  it('a corrupt base RDB and a broken manifest are refused with a clear reason', async () => {
    const dir = await writtenDir()
    const base = join(aofDir(dir), 'appendonly.aof.1.base.rdb')
    const bytes = readFileSync(base)
    bytes[bytes.length - 3] ^= 0xff
    writeFileSync(base, bytes)
    const baseSha = sha(base)
    const refused = await runToExit(dir)
    expect(refused.code).toBe(1)
    expect(refused.output).toContain('appendonly.aof.1.base.rdb')
    expect(refused.output).toMatch(/offset \d+/)
    expect(sha(base)).toBe(baseSha)

    const other = await writtenDir()
    writeFileSync(join(aofDir(other), 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.rdb seq 1 type x\n')
    const badManifest = await runToExit(other)
    expect(badManifest.code).toBe(1)
    expect(badManifest.output).toContain('Unknown AOF file type')
  })
})

describe('crash safety', () => {
  it('SIGKILL at random moments during rewrites: every restart has the last acknowledged data set', async () => {
    const dir = newDir()
    let acknowledged = 0
    let killedMidRewrite = 0
    const rounds = 8
    for (let round = 0; round < rounds; round++) {
      const { server, client } = await tandemIn(dir, ['--appendfsync', 'always'])
      // Everything acknowledged before the kill is there after it.
      expect(Number((await client.get('counter')) ?? 0)).toBe(acknowledged)
      if (round === 0) await client.set('counter', 0)
      // Enough keys that a rewrite spans many event-loop slices, so kills land inside it.
      if (round === 0) {
        for (let i = 0; i < 8; i++) {
          await client.pipeline(Array.from({ length: 5000 }, (_, j) => ['set', `bulk:${i * 5000 + j}`, 'v'.repeat(20)] as string[])).exec()
        }
      }
      expect(await client.dbsize()).toBe(40_001)
      await client.bgrewriteaof()
      const killAt = Date.now() + Math.floor(Math.random() * 400)
      while (Date.now() < killAt) {
        await client.incr('counter')
        acknowledged++
      }
      if (round % 2 === 1) {
        await client.bgrewriteaof().catch(() => undefined)
      }
      if (/aof_rewrite_in_progress:1/.test(await client.info('persistence'))) killedMidRewrite++
      await kill9(server)
      running.splice(running.indexOf(server), 1)
      await server.stop()
    }
    const { client } = await tandemIn(dir)
    expect(Number(await client.get('counter'))).toBe(acknowledged)
    expect(await client.dbsize()).toBe(40_001)
    // The test is only worth something if kills did land while a rewrite was running.
    expect(killedMidRewrite, `${killedMidRewrite} of ${rounds} kills during a rewrite`).toBeGreaterThan(0)
    console.log(`${killedMidRewrite} of ${rounds} kills landed during a rewrite`)
  }, 120_000)
})

describe('automatic rewrite', () => {
  it('auto-aof-rewrite-percentage / -min-size start a rewrite once the AOF grew enough', async () => {
    const dir = newDir()
    const { client } = await tandemIn(dir, ['--auto-aof-rewrite-min-size', '4kb', '--auto-aof-rewrite-percentage', '100'])
    await client.set('small', 'x')
    await new Promise((r) => setTimeout(r, 300))
    expect(await client.info('persistence')).toMatch(/aof_rewrites:0\r\n/)
    for (let i = 0; i < 100; i++) await client.set(`key:${i}`, 'v'.repeat(100))
    await waitFor(async () => /aof_rewrites:1\r\n/.test(await client.info('persistence')))
    await rewriteDone(client)
    expect(manifest(dir)).toContain('appendonly.aof.2.base.rdb')
    expect(await client.dbsize()).toBe(101)
  })
})

describe('BGREWRITEAOF while a BGSAVE runs', () => {
  it('is scheduled, as Redis with a child active, and runs once the BGSAVE ends', async () => {
    const dir = newDir()
    const { client } = await tandemIn(dir)
    for (let i = 0; i < 8; i++) {
      await client.pipeline(Array.from({ length: 5000 }, (_, j) => ['set', `k:${i * 5000 + j}`, 'v'.repeat(20)] as string[])).exec()
    }
    expect(await client.bgsave()).toBe('Background saving started')
    expect(await client.bgrewriteaof()).toBe('Background append only file rewriting scheduled')
    expect(await client.info('persistence')).toMatch(/aof_rewrite_scheduled:1/)
    await waitFor(async () => /aof_rewrites:1\r\n/.test(await client.info('persistence')))
    await rewriteDone(client)
    expect(await client.info('persistence')).toMatch(/rdb_last_bgsave_status:ok/)
    expect(manifest(dir)).toBe('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n')
  })
})

describe.skipIf(!hasRealRedis())('an AOF from before Redis 7', () => {
  it('a single appendonly.aof (RDB preamble + command tail, as Redis 4-6 wrote) is migrated into appendonlydir and loaded', async () => {
    const source = newDir()
    const redis = await startRedis(['--dir', source, ...DEBUG, '--save', ''])
    running.push(redis)
    const rc = new Redis({ port: redis.port, maxRetriesPerRequest: 0, retryStrategy: () => null })
    clients.push(rc)
    await populate(rc)
    await rc.save()
    const tail = Buffer.from('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$4\r\ntail\r\n$3\r\nyes\r\n')
    await rc.set('tail', 'yes')
    const expected = await digest(rc)
    const dir = newDir()
    writeFileSync(join(dir, 'appendonly.aof'), Buffer.concat([readFileSync(join(source, 'dump.rdb')), tail]))

    const { server, client } = await tandemIn(dir)
    expect(await digest(client)).toBe(expected)
    expect(server.output()).toContain('Successfully migrated an old-style AOF into the AOF directory appendonlydir.')
    expect(existsSync(join(dir, 'appendonly.aof'))).toBe(false)
    expect(manifest(dir)).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n')
  })
})

describe('AOF write errors', () => {
  it('a failing write turns writes into MISCONF with the reason, reads keep working, the bytes are kept', async () => {
    const dir = newDir()
    const { client } = await tandemIn(dir)
    await client.set('before', '1')
    // The next incr file is a device that always answers ENOSPC.
    symlinkSync('/dev/full', join(aofDir(dir), 'appendonly.aof.2.incr.aof'))
    await client.bgrewriteaof()
    await rewriteDone(client)
    expect(await client.set('lost?', 'no')).toBe('OK')
    await waitFor(async () => /aof_last_write_status:err/.test(await client.info('persistence')))
    await expect(client.set('refused', '1')).rejects.toThrow('MISCONF Errors writing to the AOF file: No space left on device')
    await expect(client.ping()).rejects.toThrow('MISCONF')
    expect(await client.get('before')).toBe('1')
    expect(await client.info('persistence')).toMatch(/aof_buffer_length:[1-9]/)
  })
})
