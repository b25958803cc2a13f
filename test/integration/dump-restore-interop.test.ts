/**
 * DUMP/RESTORE interop with a real Redis 7.0.15 in both directions for every
 * type: a payload from either server restores into the other with identical
 * contents, proven by DEBUG DIGEST-VALUE per key and DEBUG DIGEST overall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

const DEBUG = ['--enable-debug-command', 'yes']

describe.runIf(hasRealRedis())('DUMP/RESTORE between tandem-server and Redis 7', () => {
  let redis: RunningServer
  let tandem: RunningServer
  let r: Redis
  let t: Redis

  beforeAll(async () => {
    ;[redis, tandem] = await Promise.all([startRedis(DEBUG), startTandem(['--save', '', ...DEBUG])])
    r = new Redis({ port: redis.port, lazyConnect: false })
    t = new Redis({ port: tandem.port, lazyConnect: false })
  })
  afterAll(async () => {
    r?.disconnect()
    t?.disconnect()
    await Promise.all([redis?.stop(), tandem?.stop()])
  })

  /** Builds the same data set through ordinary commands on one server. */
  async function populate(c: Redis): Promise<string[]> {
    await c.flushall()
    await c.set('str', 'hello')
    await c.set('int', '-12345')
    await c.set('lzf', 'x'.repeat(300) + 'y'.repeat(300))
    await c.set('ttl', 'v', 'EX', 1000)
    await c.rpush('list', 'a', '1', '-70000', 'z'.repeat(100))
    await c.rpush('biglist', ...Array.from({ length: 2000 }, (_, i) => `item:${i}`))
    await c.sadd('intset', '1', '5', '-3', '4000000000')
    await c.sadd('set', 'a', 'b', 'c', '1')
    await c.hset('hash', 'f', 'v', 'n', '7')
    await c.hset('bighash', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat())
    await c.zadd('zset', 1, 'a', 2.5, 'b', '-inf', 'c')
    await c.zadd('bigzset', ...Array.from({ length: 300 }, (_, i) => [i / 3, `m${i}`]).flat())
    return ['str', 'int', 'lzf', 'ttl', 'list', 'biglist', 'intset', 'set', 'hash', 'bighash', 'zset', 'bigzset']
  }

  async function transfer(from: Redis, to: Redis, keys: string[]): Promise<void> {
    await to.flushall()
    for (const key of keys) {
      const payload = await from.dumpBuffer(key)
      const pttl = await from.pttl(key)
      expect(await to.restore(key, pttl > 0 ? pttl : 0, payload)).toBe('OK')
    }
  }

  async function digests(c: Redis, keys: string[]): Promise<string[]> {
    return (await c.call('DEBUG', 'DIGEST-VALUE', ...keys)) as string[]
  }

  it('Redis → tandem: every type restores with the same digest', async () => {
    const keys = await populate(r)
    await transfer(r, t, keys)
    expect(await digests(t, keys)).toEqual(await digests(r, keys))
    expect(await t.call('DEBUG', 'DIGEST')).toBe(await r.call('DEBUG', 'DIGEST'))
    expect(await t.lrange('list', 0, -1)).toEqual(await r.lrange('list', 0, -1))
  })

  it('tandem → Redis: every type restores with the same digest', async () => {
    const keys = await populate(t)
    await transfer(t, r, keys)
    expect(await digests(r, keys)).toEqual(await digests(t, keys))
    expect(await r.call('DEBUG', 'DIGEST')).toBe(await t.call('DEBUG', 'DIGEST'))
    for (const key of keys) expect(await r.call('OBJECT', 'ENCODING', key)).toBe(await t.call('OBJECT', 'ENCODING', key))
  })

  it('a string payload is byte-identical on both servers', async () => {
    await Promise.all([populate(r), populate(t)])
    for (const key of ['str', 'int', 'lzf']) expect((await t.dumpBuffer(key)).equals(await r.dumpBuffer(key))).toBe(true)
  })
})
