/**
 * RDB files on real processes: SAVE + restart round trips, interop with a
 * real Redis 7.0.15 in both directions (DEBUG DIGEST, per-key contents and
 * encodings, redis-check-rdb), SHUTDOWN [SAVE|NOSAVE], refusal of corrupt
 * files (the server exits, names file and offset, leaves the bytes alone) and
 * SIGKILL during SAVE leaving a loadable dump.
 */
import { spawn, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { TANDEM_SERVER_JS, freePort, hasRealRedis, startRedis, startTandem, tempDir, type RunningServer } from '../helpers/processes'

const DEBUG = ['--enable-debug-command', 'yes']
const CHECK_RDB = '/usr/bin/redis-check-rdb'

const running: RunningServer[] = []
const clients: Redis[] = []
const dirs: string[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
  await Promise.all(running.splice(0).map((s) => s.stop()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function newDir(): string {
  const d = tempDir('tandem-rdb-')
  dirs.push(d)
  return d
}

async function tandemIn(dir: string, extra: string[] = []): Promise<{ server: RunningServer; client: Redis }> {
  const server = await startTandem(['--dir', dir, ...DEBUG, ...extra])
  running.push(server)
  const client = new Redis({ port: server.port, maxRetriesPerRequest: 0, retryStrategy: () => null })
  clients.push(client)
  return { server, client }
}

async function redisIn(dir: string | undefined, extra: string[] = []): Promise<{ server: RunningServer; client: Redis }> {
  const server = await startRedis([...(dir ? ['--dir', dir] : []), ...DEBUG, ...extra])
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

/** Every type in its small (listpack/intset) and large encoding, binary keys, TTLs, two databases. */
async function populate(c: Redis): Promise<void> {
  await c.flushall()
  await c.set('str', 'hello')
  await c.set('int', '-12345')
  await c.set('bigint', '9223372036854775807')
  await c.set('lzf', 'x'.repeat(300) + 'y'.repeat(300))
  await c.set(Buffer.from([0, 0xff, 13, 10, 0x80]), Buffer.from([1, 0, 2, 0xfe]))
  await c.set('ttl', 'v', 'EX', 100000)
  await c.rpush('list', 'a', '1', '-70000', 'z'.repeat(100))
  await c.rpush('biglist', ...Array.from({ length: 3000 }, (_, i) => `item:${i}:${'p'.repeat(i % 40)}`))
  await c.rpush('hugeelement', 'q'.repeat(20000), 'small')
  await c.sadd('intset', '1', '5', '-3', '4000000000')
  await c.sadd('bigintset', ...Array.from({ length: 600 }, (_, i) => String(i * 3)))
  await c.sadd('set', 'a', 'b', 'c', '1')
  await c.hset('hash', 'f', 'v', 'n', '7')
  await c.hset('bighash', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat())
  await c.hset('longvaluehash', 'f', 'w'.repeat(100))
  await c.zadd('zset', 1, 'a', 2.5, 'b', '-inf', 'c', '1e300', 'd')
  await c.zadd('bigzset', ...Array.from({ length: 300 }, (_, i) => [i / 3, `m${i}`]).flat())
  await c.pexpire('bigzset', 5_000_000)
  await c.select(2)
  await c.set('in-db-2', 'yes')
  await c.hset('hash-db-2', 'a', '1')
  await c.select(0)
}

/** A canonical dump of every key of every database: type, encoding, contents, whether it has a TTL. */
async function contents(c: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (let db = 0; db < 16; db++) {
    await c.select(db)
    const keys = (await c.keysBuffer('*')).sort(Buffer.compare)
    for (const k of keys) {
      const type = await c.type(k)
      let value: unknown
      if (type === 'string') value = (await c.getBuffer(k))?.toString('hex')
      else if (type === 'list') value = (await c.lrangeBuffer(k, 0, -1)).map((x) => x.toString('hex'))
      else if (type === 'set') value = (await c.smembers(k)).sort()
      else if (type === 'hash') value = Object.entries(await c.hgetall(k)).sort()
      else if (type === 'zset') value = await c.call('ZRANGE', k, '0', '-1', 'WITHSCORES')
      const encoding = await c.call('OBJECT', 'ENCODING', k)
      out[`${db}:${k.toString('hex')}`] = { type, encoding, value, ttl: (await c.pttl(k)) > 0 }
    }
  }
  await c.select(0)
  return out
}

const digest = (c: Redis): Promise<unknown> => c.call('DEBUG', 'DIGEST')

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/** Runs tandem-server until it exits on its own (or 10 s pass). */
async function runToExit(dir: string): Promise<{ code: number | null; output: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, [TANDEM_SERVER_JS, '--port', String(port), '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)))
  clearTimeout(timer)
  return { code, output }
}

describe('SAVE and load on start (tandem-server alone)', () => {
  it('round-trips every type and encoding through SAVE + SIGKILL + restart, TTLs included', async () => {
    const dir = newDir()
    const first = await tandemIn(dir)
    await populate(first.client)
    const before = await contents(first.client)
    const beforeDigest = await digest(first.client)
    expect(await first.client.call('INFO', 'persistence')).toMatch(/rdb_changes_since_last_save:[1-9]/)
    expect(await first.client.save()).toBe('OK')
    expect(await first.client.call('INFO', 'persistence')).toMatch(/rdb_changes_since_last_save:0\r\n[\s\S]*rdb_saves:1\r\n/)
    expect(Math.abs(Number(await first.client.lastsave()) - Date.now() / 1000)).toBeLessThan(5)
    expect(readdirSync(dir)).toEqual(['dump.rdb'])
    await kill9(first.server)

    const second = await tandemIn(dir)
    expect(await digest(second.client)).toBe(beforeDigest)
    expect(await contents(second.client)).toEqual(before)
    const ttl = await second.client.pttl('ttl')
    expect(ttl).toBeGreaterThan(90_000_000)
    expect(second.server.output()).toMatch(/Loading RDB produced by version 7\.0\.15/)
    expect(second.server.output()).toMatch(/Done loading RDB, keys loaded: 19, keys expired: 0\./)
    expect(second.server.output()).toMatch(/DB loaded from disk: \d+\.\d{3} seconds/)
    expect(await second.client.call('INFO', 'persistence')).toMatch(/rdb_last_load_keys_loaded:19/)
  })

  it('writes uncompressed and checksum-free files when told to, and still loads them', async () => {
    const dir = newDir()
    const first = await tandemIn(dir, ['--rdbcompression', 'no', '--rdbchecksum', 'no'])
    await populate(first.client)
    const beforeDigest = await digest(first.client)
    await first.client.save()
    const bytes = readFileSync(join(dir, 'dump.rdb'))
    expect(bytes.subarray(bytes.length - 8)).toEqual(Buffer.alloc(8))
    expect(bytes.includes(Buffer.from('x'.repeat(300)))).toBe(true)
    await kill9(first.server)
    const second = await tandemIn(dir)
    expect(await digest(second.client)).toBe(beforeDigest)
  })

  it('drops keys that expired while the server was down, as a master does', async () => {
    const dir = newDir()
    const first = await tandemIn(dir)
    await first.client.set('short', 'v', 'PX', 300)
    await first.client.set('kept', 'v')
    await first.client.save()
    await kill9(first.server)
    await new Promise((r) => setTimeout(r, 400))
    const second = await tandemIn(dir)
    expect(second.server.output()).toMatch(/Done loading RDB, keys loaded: 1, keys expired: 1\./)
    expect(await second.client.keys('*')).toEqual(['kept'])
  })

  it('SHUTDOWN saves when save points are set, NOSAVE does not, SAVE forces it', async () => {
    const dir = newDir()
    const withPoints = await tandemIn(dir, ['--save', '3600', '1'])
    await withPoints.client.set('a', '1')
    await withPoints.client.call('SHUTDOWN').catch(() => undefined)
    await new Promise((r) => withPoints.server.process.once('exit', r))
    expect(withPoints.server.output()).toMatch(/Saving the final RDB snapshot before exiting\.[\s\S]*DB saved on disk/)
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true)

    const noSave = await tandemIn(dir, ['--save', '3600', '1'])
    expect(await noSave.client.get('a')).toBe('1')
    await noSave.client.set('a', '2')
    await noSave.client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined)
    await new Promise((r) => noSave.server.process.once('exit', r))

    const forced = await tandemIn(dir, ['--save', ''])
    expect(await forced.client.get('a')).toBe('1')
    await forced.client.set('a', '3')
    await forced.client.call('SHUTDOWN', 'SAVE').catch(() => undefined)
    await new Promise((r) => forced.server.process.once('exit', r))

    const last = await tandemIn(dir, ['--save', ''])
    expect(await last.client.get('a')).toBe('3')
  })

  it('SAVE refuses while a BGSAVE runs, as Redis does', async () => {
    const dir = newDir()
    const { client } = await tandemIn(dir)
    for (let batch = 0; batch < 100; batch++) {
      const args: string[] = []
      for (let i = 0; i < 1000; i++) args.push(`key:${batch}:${i}`, `v${i}`)
      await client.mset(...args)
    }
    // One pipeline: the SAVE arrives in the same event-loop turn, while the BGSAVE has only just begun.
    const [bg, save] = (await client.pipeline().bgsave().save().exec()) ?? []
    expect(bg?.[1]).toBe('Background saving started')
    expect(String(save?.[0])).toMatch(/ERR Background save already in progress/)
  })

  it('SIGTERM saves before exiting when save points are set', async () => {
    const dir = newDir()
    const first = await tandemIn(dir, ['--save', '3600', '1'])
    await first.client.set('survives', 'sigterm')
    const exited = new Promise<number | null>((r) => first.server.process.once('exit', (code) => r(code)))
    first.server.process.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(first.server.output()).toMatch(/Received SIGTERM scheduling shutdown[\s\S]*Saving the final RDB snapshot before exiting\.[\s\S]*DB saved on disk/)
    const second = await tandemIn(dir)
    expect(await second.client.get('survives')).toBe('sigterm')
  })

  it('a save that cannot be written fails, the server keeps running and the old path is untouched', async () => {
    const dir = newDir()
    const { client } = await tandemIn(dir, ['--save', '3600', '1'])
    // A directory where the dump should go: the final rename fails (at start it would have refused to load it).
    mkdirSync(join(dir, 'dump.rdb'))
    await client.set('a', '1')
    await expect(client.save()).rejects.toThrow(/^ERR$/)
    await expect(client.call('SHUTDOWN')).rejects.toThrow('ERR Errors trying to SHUTDOWN. Check logs.')
    expect(await client.get('a')).toBe('1')
    expect(statSync(join(dir, 'dump.rdb')).isDirectory()).toBe(true)
    expect(readdirSync(dir)).toEqual(['dump.rdb'])
    expect(await client.call('INFO', 'persistence')).toMatch(/rdb_changes_since_last_save:1\r\n/)
  })
})

describe('corrupt files are refused: exit 1, file and offset named, bytes untouched', () => {
  async function goodDump(): Promise<Buffer> {
    const dir = newDir()
    const { server, client } = await tandemIn(dir)
    await populate(client)
    await client.save()
    await kill9(server)
    return readFileSync(join(dir, 'dump.rdb'))
  }

  it('flipped byte, truncated file, wrong checksum, unknown type byte', async () => {
    const good = await goodDump()
    const selectAt = good.indexOf(Buffer.from([0xfe, 0x00, 0xfb]))
    expect(selectAt).toBeGreaterThan(0)
    const cases: [string, Buffer, RegExp][] = [
      ['flipped byte', Buffer.from(good).fill(0x5a, 300, 301), /checksum|offset/],
      ['truncated', good.subarray(0, Math.floor(good.length * 0.6)), /truncated/],
      ['wrong checksum', Buffer.concat([good.subarray(0, good.length - 8), Buffer.from('deadbeefdeadbeef', 'hex')]), /wrong RDB checksum/],
      // The first key record after SELECTDB 0 + RESIZEDB: its type byte replaced by 42.
      ['unknown type', (() => {
        const b = Buffer.from(good)
        // SELECTDB 0, RESIZEDB <size> <expires> (one byte each below 64), then the first key's type byte (a string: 0).
        expect([b[selectAt + 3] < 64, b[selectAt + 4] < 64, b[selectAt + 5]]).toEqual([true, true, 0])
        b[selectAt + 5] = 42
        return b
      })(), /unknown RDB object type 42/],
    ]
    for (const [name, bytes, reason] of cases) {
      const dir = newDir()
      const file = join(dir, 'dump.rdb')
      writeFileSync(file, bytes)
      const before = sha(file)
      const { code, output } = await runToExit(dir)
      expect(code, name).toBe(1)
      expect(output, name).toContain(file)
      expect(output, name).toMatch(/offset \d+/)
      expect(output, name).toMatch(reason)
      expect(output, name).toContain('Short read or OOM loading DB. Unrecoverable error, aborting now.')
      expect(output, name).not.toContain('Ready to accept connections')
      expect(sha(file), name).toBe(before)
      expect(readdirSync(dir), name).toEqual(['dump.rdb'])
    }
  })
})

describe('SIGKILL during SAVE leaves the previous dump intact', () => {
  it('after a kill at any moment the server restarts with the last complete data set', async () => {
    const dir = newDir()
    const first = await tandemIn(dir)
    for (let batch = 0; batch < 100; batch++) {
      const args: string[] = []
      for (let i = 0; i < 1000; i++) args.push(`key:${batch}:${i}`, `value-${i}-${'v'.repeat(i % 30)}`)
      await first.client.mset(...args)
    }
    await first.client.set('generation', '0')
    expect(await first.client.save()).toBe('OK')
    await kill9(first.server)

    let complete = 0
    let killedMidSave = 0
    for (const [round, delayMs] of [[1, 5], [2, 40], [3, 120], [4, 250], [5, 600]]) {
      const { server, client } = await tandemIn(dir)
      expect(await client.get('generation')).toBe(String(complete))
      expect(await client.dbsize()).toBe(100_001)
      await client.set('generation', String(round))
      void client.save().catch(() => undefined)
      await new Promise((r) => setTimeout(r, delayMs))
      const pid = server.process.pid
      await kill9(server)
      if (existsSync(join(dir, `temp-${pid}.rdb`))) killedMidSave++
      // Whatever the moment, dump.rdb is one complete image: the old or the new generation.
      const check = execFileSync(CHECK_RDB, [join(dir, 'dump.rdb')], { encoding: 'utf8' })
      expect(check).toContain('RDB looks OK!')
      const hasNew = /100001 keys read/.test(check) && readFileSync(join(dir, 'dump.rdb')).includes(Buffer.from(`generation\xc0${String.fromCharCode(round)}`, 'latin1'))
      if (hasNew) complete = round
    }
    expect(killedMidSave).toBeGreaterThanOrEqual(1)
    const last = await tandemIn(dir)
    expect(await last.client.get('generation')).toBe(String(complete))
    expect(await last.client.dbsize()).toBe(100_001)
  })
})

describe.runIf(hasRealRedis())('interop with real Redis 7.0.15', () => {
  it('an RDB written by redis-server (SAVE) loads into tandem-server with identical digest and contents', async () => {
    const redisDir = newDir()
    const r = await redisIn(redisDir)
    await populate(r.client)
    const expected = await contents(r.client)
    const expectedDigest = await digest(r.client)
    expect(await r.client.save()).toBe('OK')
    const tandemDir = newDir()
    copyFileSync(join(redisDir, 'dump.rdb'), join(tandemDir, 'dump.rdb'))
    const t = await tandemIn(tandemDir, ['--save', ''])
    expect(await digest(t.client)).toBe(expectedDigest)
    expect(await contents(t.client)).toEqual(expected)
    expect(t.server.output()).toMatch(/Done loading RDB, keys loaded: 19, keys expired: 0\./)
  })

  it('an RDB written by tandem-server passes redis-check-rdb and loads into redis-server identically', async () => {
    for (const compression of ['yes', 'no']) {
      const tandemDir = newDir()
      const t = await tandemIn(tandemDir, ['--save', '', '--rdbcompression', compression])
      await populate(t.client)
      const expected = await contents(t.client)
      const expectedDigest = await digest(t.client)
      expect(await t.client.save()).toBe('OK')
      const file = join(tandemDir, 'dump.rdb')
      const check = execFileSync(CHECK_RDB, [file], { encoding: 'utf8' })
      expect(check).toContain('RDB looks OK!')
      expect(check).toMatch(/19 keys read/)
      const redisDir = newDir()
      copyFileSync(file, join(redisDir, 'dump.rdb'))
      const r = await redisIn(redisDir)
      expect(r.server.output()).toMatch(/Done loading RDB, keys loaded: 19, keys expired: 0\./)
      expect(await digest(r.client)).toBe(expectedDigest)
      expect(await contents(r.client)).toEqual(expected)
      // The replication id and offset travel in the AUX fields, as a restarted replica needs them.
      const bytes = readFileSync(file)
      expect(bytes.includes(Buffer.from('repl-id'))).toBe(true)
      expect(bytes.includes(Buffer.from('aof-base'))).toBe(true)
    }
  })
})
