import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { lzfCompress, lzfDecompress } from '../../main/server/persistence/lzf'
import { Crc64 } from '../../main/server/persistence/crc64'
import { RDB_OPCODE, RdbFileWriter, RdbLoadError, readRdb, standardAuxFields } from '../../main/server/persistence/rdb-file'
import type { PortableValue } from '../../main/server/persistence/rdb-value'
import { fromPortable } from '../../main/server/persistence/value-bridge'
import type { RedisValue, StringValue } from '../../main/server/store/values'
import { createDatabases } from '../../main/server/store/database'
import { loadRdbInto } from '../../main/server/persistence/rdb-load'

interface KeyRecord {
  db: number
  key: Buffer
  value: PortableValue
  expireAt: number | undefined
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1')
const many = (n: number, f: (i: number) => string): Buffer[] => Array.from({ length: n }, (_, i) => b(f(i)))

/** Every type in its compact and its large encoding. */
const DATASET: [string, PortableValue][] = [
  ['str', { type: 'string', value: b('hello') }],
  ['int', { type: 'string', value: b('-2147483648') }],
  ['bigint', { type: 'string', value: b('9223372036854775807') }],
  ['long', { type: 'string', value: Buffer.alloc(5000, 'ab') }],
  ['binary', { type: 'string', value: Buffer.from([0, 255, 13, 10, 0]) }],
  ['list-small', { type: 'list', items: many(5, (i) => (i % 2 ? `x${i}` : String(i * 1000))) }],
  ['list-large', { type: 'list', items: many(3000, (i) => `element-${i}-${'z'.repeat(i % 50)}`) }],
  ['set-intset', { type: 'set', members: many(10, (i) => String(i - 5)) }],
  ['set-table', { type: 'set', members: many(700, (i) => `m${i}`) }],
  ['hash-small', { type: 'hash', fields: [[b('f1'), b('v1')], [b('f2'), b('2')]] }],
  ['hash-large', { type: 'hash', fields: many(300, (i) => `field${i}`).map((f, i) => [f, b(`value ${i}`)] as const) }],
  ['zset-small', { type: 'zset', entries: [[b('a'), 1], [b('b'), 2.5], [b('c'), -Infinity]] }],
  ['zset-large', { type: 'zset', entries: many(200, (i) => `member${i}`).map((m, i) => [m, i / 7] as const) }],
]

function storeValue(p: PortableValue): RedisValue {
  const v = fromPortable(p)
  if (v === null) throw new Error('unstorable')
  return v
}

function writeFile(options: { compression: boolean; checksum: boolean; chunkSize?: number }, build: (w: RdbFileWriter) => void): { bytes: Buffer; chunks: number } {
  const chunks: Buffer[] = []
  const w = new RdbFileWriter((c) => chunks.push(Buffer.from(c)), options)
  build(w)
  w.finish()
  const bytes = Buffer.concat(chunks)
  expect(w.bytesWritten).toBe(bytes.length)
  return { bytes, chunks: chunks.length }
}

function datasetFile(options: { compression: boolean; checksum: boolean; chunkSize?: number }): { bytes: Buffer; chunks: number } {
  return writeFile(options, (w) => {
    w.header(standardAuxFields({ nowMs: 1_700_000_000_000, usedMemory: 1048576, replication: { streamDb: 0, replId: 'a'.repeat(40), offset: 1234 } }))
    w.selectDb(0, DATASET.length, 1)
    DATASET.forEach(([k, v], i) => w.key(b(k), storeValue(v), i === 0 ? 1_800_000_000_123 : undefined))
    w.selectDb(5, 1, 0)
    w.key(Buffer.from([0, 1, 2, 0xff]), storeValue({ type: 'string', value: b('in db 5') }), undefined)
  })
}

function readAll(bytes: Buffer, fileName = 'dump.rdb'): { keys: KeyRecord[]; aux: Map<string, string>; checksumVerified: boolean } {
  const keys: KeyRecord[] = []
  const aux = new Map<string, string>()
  const result = readRdb(bytes, { onKey: (db, key, value, expireAt) => keys.push({ db, key, value, expireAt }), onAux: (k, v) => aux.set(k, v.toString('latin1')) }, { fileName })
  return { keys, aux, checksumVerified: result.checksumVerified }
}

function normalized(v: PortableValue): unknown {
  switch (v.type) {
    case 'string':
      return v.value.toString('hex')
    case 'list':
      return v.items.map((x) => x.toString('hex'))
    case 'set':
      return v.members.map((x) => x.toString('hex')).sort()
    case 'hash':
      return v.fields.map(([f, x]) => `${f.toString('hex')}=${x.toString('hex')}`).sort()
    case 'zset':
      return v.entries.map(([m, s]) => `${m.toString('hex')}=${s}`).sort()
  }
}

function loadError(bytes: Buffer): RdbLoadError {
  try {
    readAll(bytes, '/data/dump.rdb')
  } catch (e) {
    if (e instanceof RdbLoadError) return e
    throw e
  }
  throw new Error('the file loaded')
}

describe('RdbFileWriter + readRdb', () => {
  it('round-trips every type and encoding, binary keys, expiry and databases', () => {
    for (const compression of [true, false]) {
      const { bytes } = datasetFile({ compression, checksum: true })
      const { keys, aux, checksumVerified } = readAll(bytes)
      expect(checksumVerified).toBe(true)
      expect(keys).toHaveLength(DATASET.length + 1)
      DATASET.forEach(([k, v], i) => {
        expect(keys[i].key.toString('latin1')).toBe(k)
        expect(keys[i].db).toBe(0)
        expect(normalized(keys[i].value)).toEqual(normalized(v))
        expect(keys[i].expireAt).toBe(i === 0 ? 1_800_000_000_123 : undefined)
      })
      expect(keys[DATASET.length]).toMatchObject({ db: 5, key: Buffer.from([0, 1, 2, 0xff]) })
      expect([...aux.keys()]).toEqual(['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'repl-stream-db', 'repl-id', 'repl-offset', 'aof-base'])
      expect(aux.get('redis-ver')).toBe('7.0.15')
      expect(aux.get('ctime')).toBe('1700000000')
      expect(aux.get('repl-offset')).toBe('1234')
    }
  })

  it('writes REDIS0010, EOF and the CRC64 of everything before it', () => {
    const { bytes } = datasetFile({ compression: true, checksum: true })
    expect(bytes.subarray(0, 9).toString()).toBe('REDIS0010')
    expect(bytes[bytes.length - 9]).toBe(RDB_OPCODE.EOF)
    expect(bytes.subarray(bytes.length - 8)).toEqual(new Crc64().update(bytes.subarray(0, bytes.length - 8)).bytesLE())
  })

  it('stores a zero checksum with rdbchecksum no, and the reader then skips the check', () => {
    const { bytes } = datasetFile({ compression: true, checksum: false })
    expect(bytes.subarray(bytes.length - 8)).toEqual(Buffer.alloc(8))
    expect(readAll(bytes).checksumVerified).toBe(false)
  })

  it('compresses long strings with LZF only when rdbcompression is on', () => {
    const on = datasetFile({ compression: true, checksum: true }).bytes
    const off = datasetFile({ compression: false, checksum: true }).bytes
    expect(on.length).toBeLessThan(off.length - 5000)
    // The 5000-byte 'abab…' string: LZF marker 0xC3 right after its key.
    const at = on.indexOf(Buffer.concat([Buffer.from([4]), b('long')]))
    expect(on[at + 5]).toBe(0xc3)
    expect(off[off.indexOf(Buffer.concat([Buffer.from([4]), b('long')])) + 5]).not.toBe(0xc3)
  })

  it('hands chunks to the sink as they fill instead of one buffer at the end', () => {
    const smallKeys = (chunkSize?: number) =>
      writeFile({ compression: true, checksum: true, chunkSize }, (w) => {
        w.header([])
        w.selectDb(0, 1000, 0)
        for (let i = 0; i < 1000; i++) w.key(b(`key:${i}`), storeValue({ type: 'string', value: b(`value:${i}`) }), undefined)
      })
    const whole = smallKeys()
    const chunked = smallKeys(256)
    expect(whole.chunks).toBe(2) // the body, then the checksum
    expect(chunked.chunks).toBeGreaterThanOrEqual(Math.floor(whole.bytes.length / 256))
    expect(chunked.bytes).toEqual(whole.bytes)
    // The two ways are the same file, and it reads back.
    expect(readAll(chunked.bytes).keys).toHaveLength(1000)
  })

  it('reads old files: version 8 with EXPIRETIME in seconds, and drops nothing itself', () => {
    const body = Buffer.concat([
      b('REDIS0008'),
      Buffer.from([RDB_OPCODE.SELECTDB, 0, RDB_OPCODE.EXPIRETIME]),
      Buffer.alloc(4), // the expiry in seconds, written below
      Buffer.from([0, 1]),
      b('k'),
      Buffer.from([1]),
      b('v'),
      Buffer.from([RDB_OPCODE.EOF]),
    ])
    body.writeInt32LE(2_000_000_000, 12)
    const file = Buffer.concat([body, new Crc64().update(body).bytesLE()])
    const { keys } = readAll(file)
    expect(keys).toEqual([{ db: 0, key: b('k'), value: { type: 'string', value: b('v') }, expireAt: 2_000_000_000_000 }])
  })
})

/** Bit-at-a-time reference of Redis's CRC-64 (reflected Jones polynomial, init 0, no final xor). */
function referenceCrc64(data: Uint8Array): bigint {
  const poly = 0x95ac9329ac4bc9b5n
  let crc = 0n
  for (const byte of data) {
    crc ^= BigInt(byte)
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n
  }
  return crc
}

describe('CRC-64 (slicing-by-8)', () => {
  it('equals the bit-at-a-time definition for every length and split point', () => {
    expect(new Crc64().update(b('123456789')).value()).toBe(0xe9c6d914c4b8d9can)
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(100), (data, cut) => {
        const at = Math.min(cut, data.length)
        const split = new Crc64().update(data.subarray(0, at)).update(data.subarray(at)).value()
        expect(split).toBe(referenceCrc64(data))
      }),
      { numRuns: 300 },
    )
  })
})

describe('LZF across many calls (shared hash table, unzeroed output buffers)', () => {
  it('every compressed string decompresses to itself, whatever was compressed before', () => {
    const texty = fc.array(fc.constantFrom(...'abcab  xyz0123'.split('')), { minLength: 21, maxLength: 400 }).map((a) => Buffer.from(a.join('')))
    fc.assert(
      fc.property(fc.array(fc.oneof(texty, fc.uint8Array({ minLength: 21, maxLength: 300 }).map((u) => Buffer.from(u))), { minLength: 1, maxLength: 20 }), (inputs) => {
        for (const input of inputs) {
          const packed = lzfCompress(input, input.length - 4)
          if (packed !== null) expect(lzfDecompress(packed, input.length)).toEqual(input)
        }
      }),
      { numRuns: 200 },
    )
  })
})

describe('readRdb refuses bad files with the file, the byte offset and the reason', () => {
  const good = datasetFile({ compression: true, checksum: true }).bytes

  it('a truncated file names where the data ran out', () => {
    for (const cut of [5, 30, Math.floor(good.length / 2), good.length - 3]) {
      const e = loadError(good.subarray(0, cut))
      expect(e.fileName).toBe('/data/dump.rdb')
      expect(e.message).toContain('/data/dump.rdb')
      expect(e.offset).toBeLessThanOrEqual(cut)
      expect(e.reason).toMatch(/truncated|too short/)
    }
  })

  it('a wrong checksum names the checksum offset and both values', () => {
    const bad = Buffer.from(good)
    bad[bad.length - 1] ^= 0x55
    const e = loadError(bad)
    expect(e.offset).toBe(good.length - 8)
    expect(e.reason).toMatch(/^wrong RDB checksum expected: \([0-9a-f]+\) got \([0-9a-f]+\)$/)
  })

  it('a flipped byte inside a value is caught by the checksum or the parser', () => {
    for (const at of [40, 200, Math.floor(good.length / 3), good.length - 20]) {
      const bad = Buffer.from(good)
      bad[at] ^= 0xff
      const e = loadError(bad)
      expect(e.message).toMatch(/^Bad RDB file \/data\/dump\.rdb at byte offset \d+: /)
    }
  })

  it('an unknown type byte names the record that holds it', () => {
    const body = Buffer.concat([b('REDIS0010'), Buffer.from([RDB_OPCODE.SELECTDB, 0, 42, 1]), b('k')])
    const e = loadError(body)
    expect(e.offset).toBe(11)
    expect(e.reason).toBe('unknown RDB object type 42')
  })

  it('refuses a wrong signature, a newer version, functions and modules', () => {
    expect(loadError(b('RDIS0010\xff')).reason).toMatch(/signature/)
    expect(loadError(b('REDIS0012\xff00000000')).reason).toBe("can't handle RDB format version 0012")
    const fn = loadError(Buffer.concat([b('REDIS0010'), Buffer.from([RDB_OPCODE.FUNCTION2, 1]), b('x')]))
    expect(fn.offset).toBe(9)
    expect(fn.reason).toMatch(/function/)
    expect(loadError(Buffer.concat([b('REDIS0010'), Buffer.from([RDB_OPCODE.MODULE_AUX])])).reason).toMatch(/module/)
    expect(loadError(Buffer.concat([b('REDIS0010'), Buffer.from([7, 1]), b('k')])).reason).toMatch(/module value/)
  })
})

describe('loadRdbInto', () => {
  const NOW = 1_700_000_000_000
  const host = { now: () => NOW, stats: { keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0 } }
  const file = (keys: [string, number | undefined][]): Buffer =>
    writeFile({ compression: true, checksum: true }, (w) => {
      w.header([['redis-ver', '7.0.15']])
      w.selectDb(1, keys.length, 0)
      for (const [k, at] of keys) w.key(b(k), storeValue({ type: 'string', value: b(`v-${k}`) }), at)
    }).bytes

  it('fills the databases, dropping expired keys as a master and keeping them as a replica', () => {
    const bytes = file([['live', NOW + 5000], ['dead', NOW - 1], ['plain', undefined]])
    const master = createDatabases(4, host)
    const stats = loadRdbInto(bytes, master, { fileName: 'dump.rdb', now: NOW, dropExpired: true })
    expect([stats.keysLoaded, stats.keysExpired]).toEqual([2, 1])
    expect(stats.aux.get('redis-ver')).toBe('7.0.15')
    expect(master[1].peek('live')?.type).toBe('string')
    expect((master[1].peek('live') as StringValue).value).toEqual(b('v-live'))
    expect(master[1].getExpire('live')).toBe(NOW + 5000)
    expect(master[1].peek('dead')).toBeUndefined()
    expect(master[0].peek('live')).toBeUndefined()
    const replica = createDatabases(4, { ...host, expiryPolicy: () => 'keep' as const })
    expect(loadRdbInto(bytes, replica, { fileName: 'dump.rdb', now: NOW, dropExpired: false }).keysLoaded).toBe(3)
    expect(replica[1].getExpire('dead')).toBe(NOW - 1)
  })

  it('refuses a duplicate key and a database the server does not have', () => {
    const dup = file([['same', undefined], ['same', undefined]])
    expect(() => loadRdbInto(dup, createDatabases(4, host), { fileName: 'dup.rdb', now: NOW, dropExpired: true })).toThrow(
      /^Bad RDB file dup\.rdb at byte offset \d+: duplicate key 'same' in database 1$/,
    )
    expect(() => loadRdbInto(file([['k', undefined]]), createDatabases(1, host), { fileName: 'db.rdb', now: NOW, dropExpired: true })).toThrow(
      /more than 1 databases/,
    )
  })
})
