/**
 * The bulk-load path of loadRdbInto (key text straight from the image,
 * Database.loadKey, shared access state for loaded keys) must leave a database
 * exactly as the generic path did: readRdb's onKey + set() + setExpire() per key.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { RdbFileWriter, RdbLoadError, readRdb, standardAuxFields } from '../../main/server/persistence/rdb-file'
import { loadRdbInto } from '../../main/server/persistence/rdb-load'
import type { PortableValue } from '../../main/server/persistence/rdb-value'
import { fromPortable, toPortable } from '../../main/server/persistence/value-bridge'
import { createDatabases, type Database, type RedisValue } from '../../main/server/store/database'
import { stringValue } from '../../main/server/store/values'
import { stringObjectSize } from '../../main/server/store/memory-size'

const NOW = 1_700_000_000_000
const b = (s: string): Buffer => Buffer.from(s, 'latin1')

function host(): { now(): number; stats: { keyspaceHits: number; keyspaceMisses: number; expiredKeys: number } } {
  return { now: () => NOW, stats: { keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0 } }
}

interface Entry {
  key: Buffer
  value: PortableValue
  expireAt?: number
}

/** Keys and values in every string encoding the reader distinguishes (6/14/32-bit lengths, integers, LZF, binary). */
function entries(): Entry[] {
  const out: Entry[] = []
  for (let i = 0; i < 300; i++) out.push({ key: b(`key:${i}`), value: { type: 'string', value: b(`value:${i}`) } })
  out.push({ key: b('12'), value: { type: 'string', value: b('-7') } })
  out.push({ key: b('-32768'), value: { type: 'string', value: b('2147483647') } })
  out.push({ key: b('9223372036854775807'), value: { type: 'string', value: b('-9223372036854775808') } })
  out.push({ key: b('0'), value: { type: 'string', value: b('00') } })
  out.push({ key: b(''), value: { type: 'string', value: b('') } })
  out.push({ key: b('x'.repeat(63)), value: { type: 'string', value: b('y'.repeat(63)) } })
  out.push({ key: b('x'.repeat(64)), value: { type: 'string', value: b('y'.repeat(64)) } })
  out.push({ key: b(`long-compressible-${'ab'.repeat(100)}`), value: { type: 'string', value: b('cd'.repeat(3000)) } })
  out.push({ key: randomBytes(200), value: { type: 'string', value: randomBytes(16383) } })
  out.push({ key: randomBytes(17000), value: { type: 'string', value: randomBytes(70000) } })
  out.push({ key: Buffer.from([0, 0x80, 0xff, 10, 13]), value: { type: 'string', value: Buffer.from([0xff, 0, 0x7f]) } })
  out.push({ key: b('ttl-future'), value: { type: 'string', value: b('a') }, expireAt: NOW + 60_000 })
  out.push({ key: b('ttl-past'), value: { type: 'string', value: b('b') }, expireAt: NOW - 60_000 })
  out.push({ key: b('ttl-negative'), value: { type: 'string', value: b('c') }, expireAt: -5_000 })
  out.push({ key: b('ttl-huge'), value: { type: 'string', value: b('d') }, expireAt: 2 ** 60 + 2 ** 12 })
  out.push({ key: b('list'), value: { type: 'list', items: [b('1'), b('two')] }, expireAt: NOW + 1 })
  out.push({ key: b('hash'), value: { type: 'hash', fields: [[b('f'), b('v')]] } })
  out.push({ key: b('set'), value: { type: 'set', members: [b('1'), b('2'), b('x')] } })
  out.push({ key: b('zset'), value: { type: 'zset', entries: [[b('m'), 1.5]] } })
  return out
}

function fileOf(dbs: Entry[][], compression = true): Buffer {
  const chunks: Buffer[] = []
  const w = new RdbFileWriter((c) => chunks.push(Buffer.from(c)), { compression, checksum: true })
  w.header(standardAuxFields({ nowMs: NOW, usedMemory: 0 }))
  dbs.forEach((list, index) => {
    if (list.length === 0) return
    w.selectDb(index, list.length, list.filter((e) => e.expireAt !== undefined).length)
    for (const e of list) {
      const value = fromPortable(e.value)
      if (value === null) throw new Error('unstorable')
      w.key(e.key, value, e.expireAt)
    }
  })
  w.finish()
  return Buffer.concat(chunks)
}

/** The generic path loadRdbInto used before the bulk path: onKey + set + setExpire. */
function referenceLoad(bytes: Buffer, dbs: Database[], dropExpired: boolean): void {
  readRdb(
    bytes,
    {
      onKey(index, key, portable, expireAt) {
        if (dropExpired && expireAt !== undefined && expireAt < NOW) return
        const db = dbs[index]
        const k = key.toString('latin1')
        if (db.peek(k) !== undefined) throw new Error(`duplicate key '${k}' in database ${index}`)
        const value = fromPortable(portable)
        if (value === null) throw new Error('unstorable')
        db.set(k, value)
        if (expireAt !== undefined) db.setExpire(k, expireAt)
      },
    },
    { fileName: 'ref.rdb' },
  )
}

/** Everything a client or INFO can observe about a database. */
function accessOf(db: Database, key: string): unknown {
  const state = db.memory.access(key)
  return state && { lastAccess: state.lastAccess, counter: state.counter, decrementMinute: state.decrementMinute }
}

function observe(db: Database, withAccess = true): unknown {
  const keys: string[] = []
  let cursor = 0
  do {
    const step = db.scan(cursor, 100)
    keys.push(...step.keys)
    cursor = step.cursor
  } while (cursor !== 0)
  const sorted = [...db.entries()].map(([k]) => k).sort()
  return {
    scanned: [...new Set(keys)].sort(),
    keys: sorted.map((k) => {
      const v = db.peek(k)
      const p = v === undefined ? null : toPortable(v)
      return {
        k: Buffer.from(k, 'latin1').toString('hex'),
        type: v?.type,
        value: p?.type === 'string' ? p.value.toString('hex') : JSON.stringify(p, (_n, x: unknown) => (Buffer.isBuffer(x) ? x.toString('hex') : x)),
        expire: db.getExpire(k),
        bytes: db.memory.bytesOf(k),
        // Access state only where the caller compares loads made at the same clock.
        access: withAccess ? accessOf(db, k) : undefined,
      }
    }),
    stored: db.storedKeyCount,
    volatile: db.volatileCount,
    dataset: db.memory.datasetBytes,
    count: db.memory.count,
    table: db.memory.tableBytes,
    avgTtl: db.avgTtl(),
  }
}

describe('RDB bulk load', () => {
  it('leaves every database as set() + setExpire() per key did, for each string encoding and TTL', () => {
    for (const compression of [true, false]) {
      for (const dropExpired of [true, false]) {
        const all = entries()
        const file = fileOf([all.slice(0, 200), [], all.slice(200), [{ key: b('other'), value: { type: 'string', value: b('db3') } }]], compression)
        const expected = createDatabases(4, host())
        referenceLoad(file, expected, dropExpired)
        const actual = createDatabases(4, host())
        const stats = loadRdbInto(file, actual, { fileName: 'x.rdb', now: NOW, dropExpired })
        expect(stats.keysLoaded).toBe(expected.reduce((n, db) => n + db.storedKeyCount, 0))
        for (let i = 0; i < 4; i++) expect(observe(actual[i])).toEqual(observe(expected[i]))
        // The reference shares the reader: check the values and TTLs against what was written, too.
        all.forEach((e, i) => {
          const db = actual[i < 200 ? 0 : 2]
          const k = e.key.toString('latin1')
          if (dropExpired && e.expireAt !== undefined && e.expireAt < NOW) return expect(db.peek(k)).toBeUndefined()
          const stored = db.peek(k)
          expect(stored === undefined ? null : toPortable(stored)?.type).toBe(e.value.type)
          if (e.value.type === 'string' && stored?.type === 'string') expect(stored.value.equals(e.value.value)).toBe(true)
          expect(db.getExpire(k)).toBe(e.expireAt)
        })
      }
    }
  })

  it('signals each loaded key to the modification listeners before its TTL is set, and passes the snapshot guard', () => {
    const dbs = createDatabases(1, host())
    const heard: [string, number | undefined][] = []
    const guarded: string[] = []
    dbs[0].modifiedListeners.push((db, key) => heard.push([key, db.getExpire(key)]))
    dbs[0].writeGuards.push((_db, key) => guarded.push(key))
    loadRdbInto(fileOf([[{ key: b('a'), value: { type: 'string', value: b('1') }, expireAt: NOW + 5 }, { key: b('b'), value: { type: 'list', items: [b('x')] } }]]), dbs, { fileName: 'x.rdb', now: NOW, dropExpired: true })
    expect(heard).toEqual([['a', undefined], ['b', undefined]])
    expect(guarded).toEqual(['a', 'b'])
    expect(dbs[0].getExpire('a')).toBe(NOW + 5)
  })

  it('refuses a duplicate key with the same error as before, whatever its type', () => {
    for (const second of [{ type: 'string', value: b('2') }, { type: 'list', items: [b('2')] }] as PortableValue[]) {
      const file = fileOf([[{ key: b('dup'), value: { type: 'string', value: b('1') } }, { key: b('dup'), value: second }]])
      const error = (() => {
        try {
          loadRdbInto(file, createDatabases(1, host()), { fileName: 'x.rdb', now: NOW, dropExpired: true })
        } catch (e) {
          return e
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(RdbLoadError)
      expect((error as RdbLoadError).reason).toBe("duplicate key 'dup' in database 0")
    }
  })

  it('reports a truncation anywhere at the same offset and reason as the generic reader', () => {
    const file = fileOf([[
      { key: b('k1'), value: { type: 'string', value: b('v'.repeat(70)) } },
      { key: b('k'.repeat(70)), value: { type: 'string', value: b('42') }, expireAt: NOW + 9 },
      { key: b('12345'), value: { type: 'string', value: randomBytes(30) } },
    ]], false)
    const failure = (run: () => void): string => {
      try {
        run()
      } catch (e) {
        if (e instanceof RdbLoadError) return `${e.offset} ${e.reason}`
        throw e
      }
      return 'ok'
    }
    for (let cut = 9; cut < file.length; cut++) {
      const bytes = file.subarray(0, cut)
      const generic = failure(() => readRdb(bytes, { onKey: () => undefined }, { fileName: 'x.rdb' }))
      expect(failure(() => loadRdbInto(bytes, createDatabases(1, host()), { fileName: 'x.rdb', now: NOW, dropExpired: true }))).toBe(generic)
    }
  })
})

describe('memory accounting of bulk-loaded keys', () => {
  it('charges integers as Redis encodes them, decided byte by byte', () => {
    const reference = (s: string): boolean => /^(0|-?[1-9][0-9]*)$/.test(s) && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n
    const samples = ['0', '-0', '00', '-', '', '7', '-7', '123abc', ' 1', '1 ', '+1', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '99999999999999999999', '999999999999999999', '-999999999999999999', '1'.repeat(21)]
    for (let i = 0; i < 500; i++) samples.push(String(Math.floor((Math.random() - 0.5) * 2 ** (Math.random() * 70))))
    for (const s of samples) {
      // An int-encoded string costs the robj alone (16 bytes); any other at least an embstr's 32.
      expect(stringObjectSize(b(s)) === 16, s).toBe(reference(s))
    }
  })

  it('gives every loaded key an access state of its own and keeps the total exact', () => {
    let now = NOW
    const clock = { now: () => now, stats: { keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0 } }
    const [db] = createDatabases(1, clock)
    const list = (): RedisValue => {
      const value = fromPortable({ type: 'list', items: [b('some value')] })
      if (value === null) throw new Error('unstorable')
      return value
    }
    db.beginBulkLoad(3, 0)
    for (const key of ['a', 'b', 'c']) db.loadKey(key, list(), undefined)
    const each = db.memory.bytesOf('a')
    expect(each).toBeGreaterThan(0)
    expect(db.memory.datasetBytes).toBe(3 * each)
    now += 5000
    db.lookupRead('a')
    expect(db.memory.access('a')?.lastAccess).toBe(now)
    expect(db.memory.access('b')?.lastAccess).toBe(NOW)
    // RESTORE's IDLETIME hint writes through access(): it must not reach the other loaded keys.
    ;(db.memory.access('b') as { lastAccess: number }).lastAccess = 1
    expect(db.memory.access('c')?.lastAccess).toBe(NOW)
    db.set('c', stringValue(b('x'.repeat(100))))
    expect(db.memory.bytesOf('c')).toBeGreaterThan(each)
    expect(db.memory.access('c')?.counter).toBe(5)
    db.delete('a')
    expect(db.memory.datasetBytes).toBe(each + db.memory.bytesOf('c'))
    expect(db.memory.count).toBe(2)
    // A second load starts its keys at its own moment.
    now += 1000
    db.beginBulkLoad(1, 0)
    db.loadKey('d', list(), undefined)
    expect(db.memory.access('d')?.lastAccess).toBe(now)
    expect(db.memory.access('b')?.lastAccess).toBe(1)
    db.flush()
    expect(db.memory.datasetBytes).toBe(0)
    expect(db.memory.access('d')).toBeUndefined()
  })

  it('keeps the charges of bulk-loaded keys exact through every kind of write, access, swap and flush', () => {
    let now = NOW
    const clock = { now: () => now, stats: { keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0 } }
    const file = fileOf([
      Array.from({ length: 60 }, (_, i): Entry => ({ key: b(`s${i}`), value: { type: 'string', value: b(i % 3 ? `v${i}` : String(i * 1000)) }, expireAt: i % 7 ? undefined : NOW + 100_000 })),
      [{ key: b('h'), value: { type: 'hash', fields: [[b('f'), b('v')]] } }, { key: b('t'), value: { type: 'string', value: b('in db 1') } }],
    ])
    const expected = createDatabases(2, clock)
    referenceLoad(file, expected, true)
    const actual = createDatabases(2, clock)
    loadRdbInto(file, actual, { fileName: 'x.rdb', now: NOW, dropExpired: true })
    for (const db of [...expected, ...actual]) db.memory.tuning = { logFactor: 10, decayMinutes: 1, random: () => 0.3 }
    const check = (withAccess = false): void => {
      for (let i = 0; i < 2; i++) expect(observe(actual[i], withAccess)).toEqual(observe(expected[i], withAccess))
    }
    check()
    let seed = 7
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    for (let step = 0; step < 400; step++) {
      now += random(3) * 1000
      const k = `s${random(70)}`
      const op = random(9)
      const length = random(3) * 30
      for (const dbs of [expected, actual]) {
        const db = dbs[0]
        if (op === 0) db.set(k, stringValue(b('x'.repeat(length))))
        else if (op === 1 && db.peek(k) !== undefined) {
          db.setExpire(k, now + 5000)
          db.signalModified(k)
        } else if (op === 2) db.delete(k)
        else if (op === 3) db.lookupWrite(k)
        else if (op === 4) db.memory.access(k)
        else if (op === 5 && db.peek(k) !== undefined) {
          db.overwrite(k, stringValue(b('over')))
          db.signalModified(k)
        } else if (op === 6) {
          const list = fromPortable({ type: 'list', items: [b('a'), b('b')] })
          if (list) db.set(k, list)
        } else if (op === 7 && step % 50 === 0) db.swapContents(dbs[1])
        else if (op === 8 && db.peek(k) !== undefined && db.peek(`${k}-moved`) === undefined) {
          // RENAME: the same value object under a new key, then the old key deleted.
          db.set(`${k}-moved`, db.peek(k) as NonNullable<ReturnType<Database['peek']>>)
          db.delete(k)
        }
      }
      check()
    }
    check(true)
    for (const db of [...expected, ...actual]) db.flush()
    check(true)
  })
})
