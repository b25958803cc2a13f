import { describe, expect, it } from 'vitest'
import { Crc64, crc64 } from '../../main/server/persistence/crc64'
import { lzfCompress, lzfDecompress } from '../../main/server/persistence/lzf'
import { createDumpPayload, parseDumpPayload, verifyDumpPayload } from '../../main/server/persistence/dump-payload'
import { decodeListpack, encodeListpack } from '../../main/server/persistence/listpack'
import { decodeIntset, encodeIntset } from '../../main/server/persistence/intset'
import { formatDouble17g } from '../../main/server/persistence/double-format'
import { fromPortable, toPortable } from '../../main/server/persistence/value-bridge'
import { createDatabases } from '../../main/server/store/database'
import { datasetDigest, valueDigest } from '../../main/server/digest'
import { REDIS_DATASET_DIGEST, REDIS_DUMPS } from './rdb-fixtures'

const texts = (bufs: readonly Buffer[]) => bufs.map((b) => b.toString('latin1'))

describe('crc64 (Jones, reflected, init 0)', () => {
  it('gives crc64.c check value for "123456789"', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can)
  })
  it('is 0 for no data', () => {
    expect(crc64(Buffer.alloc(0))).toBe(0n)
  })
})

describe('lzf', () => {
  it('compresses 56 x "a" to the 9 bytes real Redis stores', () => {
    const packed = lzfCompress(Buffer.alloc(56, 'a'), 52)
    expect(packed?.toString('hex')).toBe('016161e02b00016161')
  })
  it('round-trips text and refuses output that does not fit', () => {
    const input = Buffer.from('the quick brown fox jumps over the lazy dog '.repeat(20))
    const packed = lzfCompress(input, input.length - 4)
    expect(packed).not.toBeNull()
    expect(lzfDecompress(packed as Buffer, input.length)?.equals(input)).toBe(true)
    expect(lzfCompress(Buffer.from('abcdefghijklmnopqrstuvwxyz'), 22)).toBeNull()
  })
  it('rejects a back reference before the start', () => {
    expect(lzfDecompress(Buffer.from([0x20, 0x05]), 3)).toBeNull()
  })
})

describe('listpack and intset', () => {
  it('encodes integers in their smallest forms and decodes them back', () => {
    const items = ['a', '0', '127', '128', '-4096', '4095', '32767', '-8388608', '2147483647', '9223372036854775807', 'x'.repeat(70), '007']
    const blob = encodeListpack(items.map((s) => Buffer.from(s)))
    expect(texts(decodeListpack(blob))).toEqual(items)
  })
  it('reads the listpack of a real Redis list node', () => {
    const blob = Buffer.from('2400000008008161028162020101020' + '1c12c02f178ec03f2701101048568656c6c6f06ff', 'hex')
    expect(texts(decodeListpack(blob))).toEqual(['a', 'b', '1', '2', '300', '-5000', '70000', 'hello'])
  })
  it('widens an intset to fit every member, sorted', () => {
    const blob = encodeIntset([3n, -100000n, 1n, 2n])
    expect(blob.readUInt32LE(0)).toBe(4)
    expect(texts(decodeIntset(blob))).toEqual(['-100000', '1', '2', '3'])
  })
})

describe('%.17g', () => {
  it('prints as glibc does', () => {
    expect(formatDouble17g(2.5)).toBe('2.5')
    expect(formatDouble17g(0.1)).toBe('0.10000000000000001')
    expect(formatDouble17g(1e300)).toBe('1.0000000000000001e+300')
    expect(formatDouble17g(1e-5)).toBe('1.0000000000000001e-05')
    expect(formatDouble17g(-Infinity)).toBe('-inf')
    expect(formatDouble17g(123456)).toBe('123456')
  })
})

describe('DUMP payloads recorded from real Redis 7.0.15', () => {
  const host = { now: () => 1_700_000_000_000, stats: { keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0 } }

  for (const [key, { dump, digest }] of Object.entries(REDIS_DUMPS)) {
    it(`${key}: loads, digests like Redis, and dumps back to a payload Redis would load the same`, () => {
      const payload = Buffer.from(dump, 'hex')
      expect(verifyDumpPayload(payload)).toBe(true)
      const portable = parseDumpPayload(payload)
      expect(portable).not.toBeNull()
      const value = fromPortable(portable!)
      expect(value).not.toBeNull()
      const [db] = createDatabases(1, host)
      db.set(key, value!)
      if (key === 's1') db.setExpire(key, host.now() + 1000)
      expect(valueDigest(db, Buffer.from(key))).toBe(digest)
      const again = createDumpPayload(toPortable(value!)!)
      // Same encoding as Redis holds it → byte-identical; h2/z2 were forced to hashtable/skiplist by a lowered limit in Redis.
      if (key !== 'h2' && key !== 'z2') expect(again.toString('hex')).toBe(dump)
      expect(toPortable(fromPortable(parseDumpPayload(again)!)!)).toEqual(toPortable(value!))
    })
  }

  it('DEBUG DIGEST of the whole dataset equals Redis', () => {
    const [db] = createDatabases(1, host)
    for (const [key, { dump }] of Object.entries(REDIS_DUMPS)) db.set(key, fromPortable(parseDumpPayload(Buffer.from(dump, 'hex'))!)!)
    db.setExpire('s1', host.now() + 1000)
    expect(datasetDigest([db])).toBe(REDIS_DATASET_DIGEST)
  })

  it('rejects a flipped byte, a newer RDB version and a truncated payload', () => {
    const payload = Buffer.from(REDIS_DUMPS.s1.dump, 'hex')
    const flipped = Buffer.from(payload)
    flipped[2] ^= 1
    expect(verifyDumpPayload(flipped)).toBe(false)
    const newer = Buffer.from(payload)
    newer[payload.length - 10] = 11
    expect(verifyDumpPayload(newer)).toBe(false)
    expect(verifyDumpPayload(payload.subarray(0, 9))).toBe(false)
  })

  it('reports bad data inside a payload with a valid checksum', () => {
    // A one-entry listpack relabelled as a hash (type 16) has an odd number of elements: not a hash.
    const bad = createDumpPayload({ type: 'list', items: [Buffer.from('a')] })
    const body = Buffer.from(bad.subarray(0, bad.length - 10))
    body[0] = 16
    const withFooter = Buffer.concat([body, bad.subarray(bad.length - 10, bad.length - 8)])
    const forged = Buffer.concat([withFooter, new Crc64().update(withFooter).bytesLE()])
    expect(verifyDumpPayload(forged)).toBe(true)
    expect(parseDumpPayload(forged)).toBeNull()
  })
})
