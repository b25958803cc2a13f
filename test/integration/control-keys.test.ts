/**
 * The key browser's API against attached servers — tandem-server and Debian's
 * redis-server 7 — over the wire: SCAN pages with MATCH/TYPE and DBSIZE,
 * values by pages, edits seen by a plain client, and bad input refused
 * before anything reaches the server.
 */
import { existsSync } from 'node:fs'
import { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createControlPlane, type ControlPlane } from '../../main/control/control-plane'
import { forkLauncher } from '../../main/control/server-launcher'
import type { KeyItem, KeyItemsPage } from '../../shared/types'
import { TANDEM_SERVER_JS, hasRealRedis, startRedis, startTandem, tempDir, type RunningServer } from '../helpers/processes'

const kinds: [string, () => Promise<RunningServer>, boolean][] = [
  ['tandem-server', () => startTandem(['--save', '']), existsSync(TANDEM_SERVER_JS)],
  ['redis-server', () => startRedis(), hasRealRedis()],
]

describe.each(kinds)('key browser on an attached %s', (_name, start, available) => {
  let server: RunningServer
  let plane: ControlPlane
  let client: Redis
  let id: string

  beforeEach(async () => {
    if (!available) return
    server = await start()
    plane = createControlPlane({ dataDir: tempDir('tandem-keys-'), launch: forkLauncher(TANDEM_SERVER_JS), resumeRunning: false })
    await plane.ready
    id = (await plane.call('node.attachExternal', { host: '127.0.0.1', port: server.port })).spec.id
    client = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, protocol: 2 })
    await client.connect()
  })

  afterEach(async () => {
    if (!available) return
    client.disconnect()
    await plane.close()
    await server.stop()
  })

  it.skipIf(!available)('lists every key once by SCAN pages, filters by pattern and type, and reports DBSIZE', async () => {
    const pipeline = client.pipeline()
    for (let i = 0; i < 5000; i++) pipeline.set(`k:${i}`, 'v')
    pipeline.hset('h:1', 'f', 'v')
    pipeline.rpush('l:1', 'a')
    await pipeline.exec()

    const seen = new Set<string>()
    let cursor = '0'
    let pages = 0
    do {
      const page = await plane.call('keys.scan', { id, cursor, pageSize: 500 })
      expect(page.dbsize).toBe(5002)
      // A page is a page: never the whole keyspace at once.
      expect(page.keys.length).toBeLessThanOrEqual(1500)
      for (const k of page.keys) seen.add(k.key)
      cursor = page.cursor
      pages++
    } while (cursor !== '0')
    expect(seen.size).toBe(5002)
    expect(pages).toBeGreaterThan(3)

    const hashes = await plane.call('keys.scan', { id, cursor: '0', type: 'hash', pageSize: 1000 })
    expect(hashes.keys.map((k) => [k.key, k.type])).toEqual([['h:1', 'hash']])
    const first = await plane.call('keys.scan', { id, cursor: '0', pageSize: 50 })
    const types = new Map(first.keys.map((k) => [k.key, k.type]))
    for (const [key, type] of types) expect(type).toBe(key.startsWith('h:') ? 'hash' : key.startsWith('l:') ? 'list' : 'string')

    const matched = new Set<string>()
    cursor = '0'
    do {
      const page = await plane.call('keys.scan', { id, cursor, match: 'k:123*' })
      for (const k of page.keys) matched.add(k.key)
      cursor = page.cursor
    } while (cursor !== '0')
    expect([...matched].sort()).toEqual(['k:123', ...Array.from({ length: 10 }, (_, i) => `k:123${i}`)].sort())
  })

  it.skipIf(!available)('loads a list, hash, set and zset by pages until none is left', async () => {
    const values = Array.from({ length: 1234 }, (_, i) => `e${i}`)
    await client.rpush('big', ...values)
    const hashArgs: string[] = []
    for (let i = 0; i < 700; i++) hashArgs.push(`f${i}`, `v${i}`)
    await client.hset('hash', ...hashArgs)
    await client.sadd('set', ...values.slice(0, 600))
    await client.zadd('zset', '1.5', 'a', '-2', 'b', 'inf', 'c')

    async function all(key: string, type: 'list' | 'hash' | 'set' | 'zset', count: number): Promise<{ items: KeyItem[]; pages: number }> {
      const items: KeyItem[] = []
      let cursor: string | null = '0'
      let pages = 0
      while (cursor !== null) {
        const page: KeyItemsPage = await plane.call('keys.items', { id, key, type, cursor, count })
        items.push(...page.items)
        cursor = page.next
        pages++
      }
      return { items, pages }
    }
    const list = await all('big', 'list', 500)
    expect(list.pages).toBe(3)
    expect(list.items.map((i) => i.value)).toEqual(values)
    expect(list.items[1000].index).toBe(1000)
    const hash = await all('hash', 'hash', 100)
    expect(new Set(hash.items.map((i) => `${i.field}=${i.value}`)).size).toBe(700)
    const set = await all('set', 'set', 100)
    expect(new Set(set.items.map((i) => i.value)).size).toBe(600)
    const zset = await all('zset', 'zset', 2)
    expect(zset.items).toEqual([
      { value: 'b', score: '-2' },
      { value: 'a', score: '1.5' },
      { value: 'c', score: 'inf' },
    ])

    const detail = await plane.call('keys.get', { id, key: 'big' })
    expect(detail).toMatchObject({ type: 'list', length: 1234, ttlMs: -1 })
    expect((await plane.call('keys.get', { id, key: 'nothing' })).type).toBe('none')
  })

  it.skipIf(!available)('edits each type, keeps a TTL across a string edit, and deletes', async () => {
    await client.set('s', 'old', 'EX', 1000)
    const edited = await plane.call('keys.edit', { id, key: 's', edit: { op: 'string.set', value: 'new' } })
    expect(edited.detail).toMatchObject({ type: 'string', value: 'new', length: 3 })
    expect(await client.get('s')).toBe('new')
    expect(await client.ttl('s')).toBeGreaterThan(900)
    await plane.call('keys.edit', { id, key: 's', edit: { op: 'ttl.persist' } })
    expect(await client.ttl('s')).toBe(-1)
    await plane.call('keys.edit', { id, key: 's', edit: { op: 'ttl.set', seconds: 60 } })
    expect(await client.ttl('s')).toBeGreaterThan(50)

    await client.rpush('l', 'a', 'b', 'c')
    await plane.call('keys.edit', { id, key: 'l', edit: { op: 'list.remove', index: 1 } })
    await plane.call('keys.edit', { id, key: 'l', edit: { op: 'list.set', index: 0, value: 'A' } })
    await plane.call('keys.edit', { id, key: 'l', edit: { op: 'list.push', end: 'head', value: 'z' } })
    expect(await client.lrange('l', 0, -1)).toEqual(['z', 'A', 'c'])

    await plane.call('keys.edit', { id, key: 'h', edit: { op: 'hash.set', field: 'f', value: '1' } })
    await plane.call('keys.edit', { id, key: 'h', edit: { op: 'hash.set', field: 'g', value: '2' } })
    await plane.call('keys.edit', { id, key: 'h', edit: { op: 'hash.delete', field: 'f' } })
    expect(await client.hgetall('h')).toEqual({ g: '2' })

    await plane.call('keys.edit', { id, key: 'z', edit: { op: 'zset.add', member: 'm', score: '2.5' } })
    await plane.call('keys.edit', { id, key: 'z', edit: { op: 'zset.add', member: 'n', score: '-inf' } })
    await plane.call('keys.edit', { id, key: 'z', edit: { op: 'zset.remove', member: 'n' } })
    expect(await client.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['m', '2.5'])

    await plane.call('keys.edit', { id, key: 'st', edit: { op: 'set.add', member: 'x' } })
    await plane.call('keys.edit', { id, key: 'st', edit: { op: 'set.add', member: 'y' } })
    await plane.call('keys.edit', { id, key: 'st', edit: { op: 'set.remove', member: 'x' } })
    expect(await client.smembers('st')).toEqual(['y'])

    const gone = await plane.call('keys.edit', { id, key: 'st', edit: { op: 'key.delete' } })
    expect(gone.detail).toBeNull()
    expect(await client.exists('st')).toBe(0)
  })

  it.skipIf(!available)('refuses bad input before sending, and reports the server refusing the rest', async () => {
    await client.zadd('z', '1', 'a')
    await expect(plane.call('keys.edit', { id, key: 'z', edit: { op: 'zset.add', member: 'b', score: 'abc' } })).rejects.toThrow(/not a number/)
    await expect(plane.call('keys.edit', { id, key: 'z', edit: { op: 'ttl.set', seconds: -5 } })).rejects.toThrow(/at least 1 second/)
    await expect(plane.call('keys.edit', { id, key: 'z', edit: { op: 'ttl.set', seconds: 0 } })).rejects.toThrow(/at least 1 second/)
    expect(await client.zcard('z')).toBe(1)
    expect(await client.ttl('z')).toBe(-1)
    // Creating over an existing key is refused; the server's WRONGTYPE comes back as the error.
    await expect(plane.call('keys.edit', { id, key: 'z', create: true, edit: { op: 'string.set', value: 'x' } })).rejects.toThrow(/already exists/)
    await expect(plane.call('keys.edit', { id, key: 'z', edit: { op: 'hash.set', field: 'f', value: 'v' } })).rejects.toThrow(/WRONGTYPE/)
    await client.rpush('l', 'a')
    await expect(plane.call('keys.edit', { id, key: 'l', edit: { op: 'list.remove', index: 5 } })).rejects.toThrow(/out of range/)
    expect(await client.lrange('l', 0, -1)).toEqual(['a'])
    await expect(plane.call('keys.scan', { id, cursor: 'x' })).rejects.toThrow(/cursor/)
  })
})
