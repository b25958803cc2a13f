/**
 * The snapshot engine at unit level: real databases and command handlers
 * (fake server), the real streaming RDB writer, and the file read back with
 * readRdb. Each test writes to keys while a snapshot is in progress and checks
 * the file holds the data as it was when the snapshot began.
 */
import { describe, expect, it } from 'vitest'
import { fakeServer, type FakeServer } from './helpers/fake-context'
import { allCommands } from '../../main/server/commands/index'
import type { CommandContext } from '../../main/server/context'
import { encodeReply } from '../../main/server/protocol/writer'
import { RdbFileWriter, readRdb } from '../../main/server/persistence/rdb-file'
import { runSnapshotSync, startSnapshot, type SnapshotHandle } from '../../main/server/persistence/snapshot'
import type { PortableValue } from '../../main/server/persistence/rdb-value'

const TABLE = new Map(allCommands().map((c) => [c.name, c]))

/** Runs any command through its real handler in the client's selected db. */
function call(server: FakeServer, ...args: string[]): string {
  const argv = args.map((a) => Buffer.from(a, 'latin1'))
  const spec = TABLE.get(args[0].toLowerCase())
  if (!spec?.handler) throw new Error(`no handler for ${args[0]}`)
  const ctx: CommandContext = { argv, client: server.client, server, db: server.db() }
  return encodeReply(spec.handler(ctx), 2).toString('latin1')
}

/** A canonical, order-free text for a portable value. */
function canonical(v: PortableValue): string {
  switch (v.type) {
    case 'string':
      return `string:${v.value.toString('latin1')}`
    case 'list':
      return `list:${v.items.map((b) => b.toString('latin1')).join(',')}`
    case 'set':
      return `set:${v.members.map((b) => b.toString('latin1')).sort().join(',')}`
    case 'hash':
      return `hash:${v.fields.map(([f, x]) => `${f.toString('latin1')}=${x.toString('latin1')}`).sort().join(',')}`
    case 'zset':
      return `zset:${v.entries.map(([m, s]) => `${m.toString('latin1')}=${s}`).sort().join(',')}`
  }
}

/** db → key → "value [ttl]" as read back from the file; also counts duplicates. */
function readBack(file: Buffer): { dbs: Map<number, Map<string, string>>; duplicates: number } {
  const dbs = new Map<number, Map<string, string>>()
  let duplicates = 0
  readRdb(
    file,
    {
      onKey(db, key, value, expireAt) {
        const keys = dbs.get(db) ?? new Map<string, string>()
        dbs.set(db, keys)
        const k = key.toString('latin1')
        if (keys.has(k)) duplicates++
        keys.set(k, canonical(value) + (expireAt === undefined ? '' : ` @${expireAt}`))
      },
    },
    { fileName: 'test.rdb' },
  )
  return { dbs, duplicates }
}

/** The image of the whole keyspace right now, taken synchronously (the reference). */
function imageNow(server: FakeServer): Map<number, Map<string, string>> {
  const chunks: Buffer[] = []
  runSnapshotSync(server.databases, {
    writer: new RdbFileWriter((c) => chunks.push(c), { compression: true, checksum: true }),
    aux: [],
  })
  return readBack(Buffer.concat(chunks)).dbs
}

/** Starts a background snapshot; `finished` resolves with the file bytes. */
function background(server: FakeServer, sliceMs = 0): { handle: SnapshotHandle; finished: Promise<Buffer> } {
  const chunks: Buffer[] = []
  let handle!: SnapshotHandle
  const finished = new Promise<Buffer>((resolve, reject) => {
    handle = startSnapshot(server.databases, {
      writer: new RdbFileWriter((c) => chunks.push(c), { compression: true, checksum: true, chunkSize: 4096 }),
      aux: [['redis-ver', '7.0.15']],
      sliceMs,
      onDone: (err) => (err ? reject(err) : resolve(Buffer.concat(chunks))),
    })
  })
  return { handle, finished }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Fills db 0 with `n` filler strings, then the keys under test at the end (so slices reach them last). */
function fill(server: FakeServer, n: number): void {
  for (let i = 0; i < n; i++) call(server, 'SET', `filler:${i}`, `v${i}`)
}

describe('snapshot engine', () => {
  it('a background snapshot equals the synchronous image when nothing writes', async () => {
    const server = fakeServer()
    fill(server, 500)
    call(server, 'RPUSH', 'l', 'a', 'b')
    call(server, 'PEXPIRE', 'l', '100000')
    server.client.db = 3
    call(server, 'SADD', 's', '1', '2', 'x')
    const expected = imageNow(server)
    const { finished } = background(server)
    const file = await finished
    const { dbs, duplicates } = readBack(file)
    expect(duplicates).toBe(0)
    expect(dbs).toEqual(expected)
    expect([...dbs.keys()]).toEqual([0, 3])
  })

  it('walks in slices: clients get turns before the walk ends', async () => {
    const server = fakeServer()
    fill(server, 2000)
    const { handle, finished } = background(server, 0)
    await turn()
    await turn()
    expect(handle.inProgress).toBe(true)
    expect(handle.keysWritten).toBeGreaterThan(0)
    expect(handle.keysWritten).toBeLessThan(2000)
    await finished
    expect(handle.inProgress).toBe(false)
    expect(server.databases[0].writeGuards).toHaveLength(0)
  })

  // In-place mutation of each type, on a key the walk has not reached yet:
  // both in the database being walked (written at once) and in a later one (copied).
  const mutations: { type: string; create: string[][]; mutate: string[][] }[] = [
    { type: 'string', create: [['SET', 'k', 'old']], mutate: [['APPEND', 'k', '-more'], ['SETRANGE', 'k', '0', 'X']] },
    { type: 'string-int', create: [['SET', 'k', '10']], mutate: [['INCRBY', 'k', '5']] },
    { type: 'list', create: [['RPUSH', 'k', 'a', 'b', 'c']], mutate: [['LPUSH', 'k', 'z'], ['LSET', 'k', '1', 'Q'], ['RPOP', 'k']] },
    { type: 'hash', create: [['HSET', 'k', 'f1', 'v1', 'f2', 'v2']], mutate: [['HSET', 'k', 'f1', 'changed', 'f3', 'new'], ['HDEL', 'k', 'f2'], ['HINCRBY', 'k', 'n', '1']] },
    { type: 'set', create: [['SADD', 'k', '1', '2', '3']], mutate: [['SADD', 'k', 'word'], ['SREM', 'k', '1'], ['SPOP', 'k']] },
    { type: 'zset', create: [['ZADD', 'k', '1', 'a', '2', 'b']], mutate: [['ZADD', 'k', '5', 'a', '7', 'c'], ['ZINCRBY', 'k', '3', 'b'], ['ZREM', 'k', 'c']] },
    { type: 'big zset', create: [['ZADD', 'k', ...Array.from({ length: 300 }, (_, i) => [String(i), `m${i}`]).flat()]], mutate: [['ZADD', 'k', '1000', 'm1'], ['ZPOPMIN', 'k']] },
    { type: 'ttl', create: [['SET', 'k', 'v', 'PX', '500000']], mutate: [['PEXPIRE', 'k', '9000000']] },
    { type: 'persist', create: [['SET', 'k', 'v', 'PX', '500000']], mutate: [['PERSIST', 'k']] },
    { type: 'overwrite', create: [['HSET', 'k', 'a', 'b']], mutate: [['SET', 'k', 'now-a-string']] },
    { type: 'delete', create: [['RPUSH', 'k', 'a']], mutate: [['DEL', 'k']] },
    { type: 'rename', create: [['RPUSH', 'k', 'a'], ['SET', 'other', 'o']], mutate: [['RENAME', 'k', 'other'], ['RPUSH', 'other', 'pushed']] },
  ]

  for (const { type, create, mutate } of mutations) {
    for (const where of ['db being walked', 'later db'] as const) {
      it(`keeps the old value of a ${type} key changed in the ${where}`, async () => {
        const server = fakeServer()
        fill(server, 1000)
        server.client.db = where === 'later db' ? 5 : 0
        if (where === 'later db') call(server, 'SET', 'db5-resident', 'x')
        for (const c of create) call(server, ...c)
        const expected = imageNow(server)
        const { handle, finished } = background(server, 0)
        await turn()
        await turn()
        expect(handle.inProgress).toBe(true)
        for (const c of mutate) call(server, ...c)
        call(server, 'SET', 'created-later', 'must not be in the file')
        const file = await finished
        const { dbs, duplicates } = readBack(file)
        expect(duplicates).toBe(0)
        expect(dbs).toEqual(expected)
        expect(imageNow(server)).not.toEqual(expected)
      })
    }
  }

  it('keeps keys deleted and re-created, and skips keys created after the start', async () => {
    const server = fakeServer()
    fill(server, 1000)
    const expected = imageNow(server)
    const { finished } = background(server, 0)
    await turn()
    for (let i = 999; i >= 900; i--) call(server, 'DEL', `filler:${i}`)
    for (let i = 950; i < 1100; i++) call(server, 'SET', `filler:${i}`, 'new')
    const { dbs, duplicates } = readBack(await finished)
    expect(duplicates).toBe(0)
    expect(dbs).toEqual(expected)
  })

  // Regression (c9514a6): a write to a key the walk already wrote may re-insert it (a new value object at the
  // end of the Map, as INCR and SET do); the walk then met it again and wrote it twice, so the file had
  // duplicate keys and no Redis (nor tandem) would load it.
  it('writes a key changed after the walk passed it exactly once, with its value at the start', async () => {
    const server = fakeServer()
    call(server, 'SET', 'counter', '41')
    call(server, 'SET', 'greeting', 'hello')
    call(server, 'SET', 'counted', '7', 'PX', '500000')
    fill(server, 2000)
    const expected = imageNow(server)
    const { handle, finished } = background(server, 0)
    await turn()
    await turn()
    // The walk is past the three keys (they come first) and not finished.
    expect(handle.inProgress).toBe(true)
    expect(handle.keysWritten).toBeGreaterThan(3)
    for (let i = 0; i < 300; i++) call(server, 'INCR', 'counter')
    call(server, 'SET', 'greeting', 'changed')
    call(server, 'SET', 'greeting', 'changed again', 'KEEPTTL')
    call(server, 'INCRBY', 'counted', '1000')
    call(server, 'SET', 'counted', 'now a word')
    await turn()
    call(server, 'INCR', 'counter')
    const file = await finished
    const { dbs, duplicates } = readBack(file)
    expect(duplicates).toBe(0)
    expect(dbs.get(0)?.size).toBe(2003)
    expect(dbs.get(0)?.get('counter')).toBe('string:41')
    expect(dbs.get(0)?.get('greeting')).toBe('string:hello')
    expect(dbs.get(0)?.get('counted')).toMatch(/^string:7 @\d+$/)
    expect(dbs).toEqual(expected)
    expect(call(server, 'GET', 'counter')).toBe('$3\r\n342\r\n')
  })

  it('FLUSHALL and SWAPDB during the walk do not change the image', async () => {
    const server = fakeServer()
    fill(server, 1000)
    server.client.db = 2
    call(server, 'RPUSH', 'list2', 'a', 'b')
    server.client.db = 0
    const expected = imageNow(server)
    const { finished } = background(server, 0)
    await turn()
    call(server, 'SWAPDB', '0', '2')
    server.client.db = 2
    call(server, 'RPUSH', 'filler:999', 'x') // WRONGTYPE: still a string, nothing changes
    call(server, 'APPEND', 'filler:998', '-changed-after-swap')
    server.client.db = 0
    call(server, 'RPUSH', 'list2', 'changed-after-swap')
    call(server, 'FLUSHALL')
    call(server, 'SET', 'after-flush', '1')
    const { dbs, duplicates } = readBack(await finished)
    expect(duplicates).toBe(0)
    expect(dbs).toEqual(expected)
  })

  it('lazy expiry during the walk keeps the key in the image with its TTL', async () => {
    const server = fakeServer()
    fill(server, 1000)
    call(server, 'SET', 'soon', 'v', 'PX', '10')
    const expected = imageNow(server)
    const { finished } = background(server, 0)
    await turn()
    server.clock += 100
    expect(call(server, 'GET', 'soon')).toBe('$-1\r\n')
    const { dbs } = readBack(await finished)
    expect(dbs).toEqual(expected)
  })

  it('cancel() stops the walk and removes the hooks', async () => {
    const server = fakeServer()
    fill(server, 2000)
    const { handle } = background(server, 0)
    await turn()
    handle.cancel()
    const written = handle.keysWritten
    await turn()
    await turn()
    expect(handle.keysWritten).toBe(written)
    expect(server.databases[0].writeGuards).toHaveLength(0)
    expect(server.databases[0].flushingListeners).toHaveLength(0)
  })
})
