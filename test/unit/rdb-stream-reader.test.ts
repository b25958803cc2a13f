/**
 * RdbStreamReader / RdbStreamLoad (a replica parsing its full sync while the
 * bytes arrive): whatever the chunking, the same records, the same verdict
 * (CRC64, truncation, corruption, same error text and offset) as readRdb /
 * loadRdbInto over the whole image.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { RdbFileWriter, RdbLoadError, RdbStreamReader, readRdb, standardAuxFields, type RdbReadHandlers } from '../../main/server/persistence/rdb-file'
import { RdbStreamLoad, loadRdbInto } from '../../main/server/persistence/rdb-load'
import type { PortableValue } from '../../main/server/persistence/rdb-value'
import { fromPortable } from '../../main/server/persistence/value-bridge'
import { createDatabases } from '../../main/server/store/database'
import type { RedisValue } from '../../main/server/store/values'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')
const NOW = 1_700_000_000_000
const host = { now: () => NOW, stats: { keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0 } }

function str(text: string): RedisValue {
  const v = fromPortable({ type: 'string', value: b(text) })
  if (v === null) throw new Error('unstorable')
  return v
}

function image(checksum = true): Buffer {
  const chunks: Buffer[] = []
  const w = new RdbFileWriter((c) => chunks.push(Buffer.from(c)), { compression: true, checksum, chunkSize: 512 })
  w.header(standardAuxFields({ nowMs: NOW, usedMemory: 1024, replication: { streamDb: 3, replId: 'c'.repeat(40), offset: 99 } }))
  w.selectDb(0, 60, 1)
  for (let i = 0; i < 50; i++) w.key(b(`key:${i}`), str(`value:${i}`), i === 7 ? NOW + 60_000 : undefined)
  const values: [string, PortableValue][] = [
    ['long', { type: 'string', value: Buffer.alloc(9000, 'xy') }],
    ['list', { type: 'list', items: Array.from({ length: 400 }, (_, i) => b(`item-${i}`)) }],
    ['hash', { type: 'hash', fields: [[b('f'), b('v')]] }],
    ['zset', { type: 'zset', entries: Array.from({ length: 200 }, (_, i) => [b(`m${i}`), i / 3] as const) }],
  ]
  for (const [k, v] of values) {
    const stored = fromPortable(v)
    if (stored === null) throw new Error('unstorable')
    w.key(b(k), stored, undefined)
  }
  w.selectDb(3, 1, 0)
  w.key(b('in3'), str('three'), undefined)
  w.finish()
  return Buffer.concat(chunks)
}

function recorder(): { log: string[]; handlers: RdbReadHandlers } {
  const log: string[] = []
  return {
    log,
    handlers: {
      onAux: (k, v) => log.push(`aux ${k}=${v.toString('latin1')}`),
      onSelectDb: (i) => log.push(`select ${i}`),
      onResizeDb: (s, e) => log.push(`resize ${s} ${e}`),
      onKey: (db, k, v, at) => log.push(`key ${db} ${k.toString('hex')} ${JSON.stringify(v)} ${at}`),
    },
  }
}

function splitAt(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = []
  let at = 0
  let i = 0
  while (at < bytes.length) {
    const n = Math.max(1, sizes[i++ % sizes.length])
    out.push(bytes.subarray(at, at + n))
    at += n
  }
  return out
}

function outcome(run: () => unknown): string {
  try {
    return `ok ${JSON.stringify(run())}`
  } catch (e) {
    if (e instanceof RdbLoadError) return `error ${e.message}`
    throw e
  }
}

function streamed(bytes: Buffer, sizes: number[]): { log: string[]; result: string } {
  const { log, handlers } = recorder()
  const reader = new RdbStreamReader(handlers, { fileName: 'sync.rdb' })
  const result = outcome(() => {
    for (const c of splitAt(bytes, sizes)) reader.push(c)
    return reader.end()
  })
  return { log, result }
}

function whole(bytes: Buffer): { log: string[]; result: string } {
  const { log, handlers } = recorder()
  return { log, result: outcome(() => readRdb(bytes, handlers, { fileName: 'sync.rdb' })) }
}

describe('RdbStreamReader', () => {
  it('reads the same records and verifies the CRC64 whatever the chunk sizes (1 byte, odd sizes, one chunk)', () => {
    const bytes = image()
    const expected = whole(bytes)
    expect(expected.result).toContain('"checksumVerified":true')
    for (const sizes of [[1], [7, 3, 1000], [bytes.length], [64 * 1024]]) expect(streamed(bytes, sizes)).toEqual(expected)
  })

  it('matches readRdb on random chunkings of intact, truncated and corrupted images', () => {
    const bytes = image()
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: bytes.length }),
        fc.option(fc.integer({ min: 0, max: bytes.length - 1 })),
        (sizes, cut, flip) => {
          const damaged = Buffer.from(bytes.subarray(0, cut))
          if (flip !== null && flip < damaged.length) damaged[flip] ^= 0x5a
          const { result } = streamed(damaged, sizes)
          expect(result).toBe(whole(damaged).result)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('refuses a wrong checksum with readRdb error text, and accepts an unchecked one (rdbchecksum no)', () => {
    const bytes = image()
    bytes[bytes.length - 1] ^= 1
    expect(streamed(bytes, [100]).result).toMatch(/^error Bad RDB file sync\.rdb at byte offset \d+: wrong RDB checksum/)
    expect(streamed(image(false), [5]).result).toContain('"checksumVerified":false')
  })
})

describe('RdbStreamLoad', () => {
  it('loads what loadRdbInto loads, and reports a truncated payload only at finish()', () => {
    const bytes = image()
    const expected = createDatabases(4, host)
    const stats = loadRdbInto(bytes, expected, { fileName: 'x', now: NOW, dropExpired: false })
    const staging = createDatabases(4, host)
    const load = new RdbStreamLoad(staging, { fileName: 'x', now: NOW, dropExpired: false }, () => bytes.length)
    for (const c of splitAt(bytes, [333])) load.push(c)
    const got = load.finish()
    expect(got.keysLoaded).toBe(stats.keysLoaded)
    expect(got.aux.get('repl-stream-db')).toBe('3')
    expect(staging.map((db) => db.storedKeyCount)).toEqual(expected.map((db) => db.storedKeyCount))
    expect(staging[3].storedKeyCount).toBe(1)

    const short = new RdbStreamLoad(createDatabases(4, host), { fileName: 'x', now: NOW, dropExpired: false }, () => bytes.length)
    expect(() => short.push(bytes.subarray(0, bytes.length - 3))).not.toThrow()
    expect(() => short.finish()).toThrow(/unexpected end of file \(truncated\) in the checksum after EOF/)
  })
})
