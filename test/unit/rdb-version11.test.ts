/**
 * Redis 7.2 files (RDB version 11) load here, so a 7.2 dump can be migrated:
 * version 11 adds listpack-encoded sets (type 20), which load as a set in
 * 7.0's encodings, and stream v3 (type 21), which is refused like every
 * stream. Files we write stay version 10 (Redis 7.0 refuses 11), and RESTORE
 * answers as Redis 7.0 does: a version-11 payload is refused by its footer, a
 * type-20 value inside a version-10 payload is bad data.
 */
import { describe, expect, it } from 'vitest'
import { Crc64 } from '../../main/server/persistence/crc64'
import { encodeListpack } from '../../main/server/persistence/listpack'
import { RdbWriter } from '../../main/server/persistence/rdb-format'
import { RDB_OPCODE, RdbFileWriter, RdbLoadError, readRdb } from '../../main/server/persistence/rdb-file'
import { loadRdbInto } from '../../main/server/persistence/rdb-load'
import { createDumpPayload } from '../../main/server/persistence/dump-payload'
import { createDatabases } from '../../main/server/store/database'
import type { SetObject } from '../../main/server/store/set'
import { dumpCommands } from '../../main/server/commands/dump'
import type { CommandContext } from '../../main/server/context'
import { encodeReply } from '../../main/server/protocol/writer'
import { fakeServer, resp } from './helpers/fake-context'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')
const TYPE_SET_LISTPACK = 20
const TYPE_STREAM_LISTPACKS_3 = 21

/** A whole RDB file: header with `version`, db 0, the given records, EOF and a real CRC64. */
function rdbFile(version: string, records: (w: RdbWriter) => void): Buffer {
  const w = new RdbWriter(false)
  w.raw(b(`REDIS${version}`))
  w.byte(RDB_OPCODE.AUX).string(b('redis-ver')).string(b('7.2.4'))
  w.byte(RDB_OPCODE.SELECTDB).length(0)
  records(w)
  w.byte(RDB_OPCODE.EOF)
  const body = w.toBuffer()
  return Buffer.concat([body, new Crc64().update(body).bytesLE()])
}

const listpackSet = (key: string, members: string[]) => (w: RdbWriter) =>
  w.byte(TYPE_SET_LISTPACK).string(b(key)).string(encodeListpack(members.map(b)))

const host = { now: () => 1_700_000_000_000, stats: { keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0 } }

function load(bytes: Buffer) {
  const dbs = createDatabases(1, host)
  const stats = loadRdbInto(bytes, dbs, { fileName: 'dump-7.2.rdb', now: host.now(), dropExpired: true })
  return { db: dbs[0], stats }
}

function loadError(bytes: Buffer): RdbLoadError {
  try {
    readRdb(bytes, { onKey: () => undefined }, { fileName: 'dump-7.2.rdb' })
  } catch (e) {
    if (e instanceof RdbLoadError) return e
    throw e
  }
  throw new Error('the file loaded')
}

function members(value: unknown): { encoding: string; members: string[] } {
  const set = value as SetObject
  expect(set.type).toBe('set')
  return { encoding: set.encoding, members: [...set.members()] }
}

describe('RDB version 11 (Redis 7.2) files', () => {
  it('load listpack sets (type 20) as sets in the encoding set.ts picks', () => {
    const bytes = rdbFile('0011', (w) => {
      listpackSet('words', ['banana', 'apple', 'cherry'])(w)
      // Integers stored as listpack integer entries, unsorted: an intset, which Redis keeps sorted.
      listpackSet('numbers', ['30', '-7', '1000000', '5'])(w)
      listpackSet('mixed', ['1', 'two', '3'])(w)
    })
    const { db, stats } = load(bytes)
    expect(stats.version).toBe(11)
    expect(stats.checksumVerified).toBe(true)
    expect(stats.keysLoaded).toBe(3)
    expect(stats.aux.get('redis-ver')).toBe('7.2.4')
    expect(members(db.peek('words'))).toEqual({ encoding: 'hashtable', members: ['banana', 'apple', 'cherry'] })
    expect(members(db.peek('numbers'))).toEqual({ encoding: 'intset', members: ['-7', '5', '30', '1000000'] })
    expect(members(db.peek('mixed')).encoding).toBe('hashtable')
    expect(members(db.peek('mixed')).members.sort()).toEqual(['1', '3', 'two'])
  })

  it('an all-integer listpack set over set-max-intset-entries becomes a hashtable', () => {
    const many = Array.from({ length: 20 }, (_, i) => String(i))
    const dbs = createDatabases(1, host)
    loadRdbInto(rdbFile('0011', listpackSet('big', many)), dbs, {
      fileName: 'dump-7.2.rdb',
      now: host.now(),
      dropExpired: true,
      limits: { hashMaxListpackEntries: 128, hashMaxListpackValue: 64, zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64, setMaxIntsetEntries: 10, listMaxListpackSize: -2 },
    })
    const set = members(dbs[0].peek('big'))
    expect(set.encoding).toBe('hashtable')
    expect(set.members.sort()).toEqual([...many].sort())
  })

  it('refuses a listpack set with a duplicate member, and an empty one is skipped', () => {
    const dup = rdbFile('0011', listpackSet('dup', ['a', 'b', 'a']))
    const e = loadError(dup)
    expect(e.message).toMatch(/^Bad RDB file dump-7\.2\.rdb at byte offset \d+: duplicate set member$/)
    const empty: Buffer[] = []
    readRdb(rdbFile('0011', listpackSet('none', [])), { onKey: () => expect.unreachable(), onEmptyKey: (_db, k) => empty.push(k) }, { fileName: 'x.rdb' })
    expect(empty).toEqual([b('none')])
  })

  it('refuses what 7.2 adds but tandem cannot hold, by name, and newer versions', () => {
    const stream = rdbFile('0011', (w) => w.byte(TYPE_STREAM_LISTPACKS_3).string(b('events')).string(b('whatever')))
    expect(loadError(stream).reason).toBe("key 'events' holds a stream, which tandem-server does not support yet")
    // Type 22 is Redis 7.4's (RDB 12) hash with field expiries: not a 7.2 type.
    const t22 = rdbFile('0011', (w) => w.byte(22).string(b('h')))
    expect(loadError(t22).reason).toBe('unknown RDB object type 22')
    expect(loadError(rdbFile('0012', () => undefined)).reason).toBe("can't handle RDB format version 0012")
  })

  it('files we write still say version 10, which Redis 7.0 loads', () => {
    const chunks: Buffer[] = []
    const w = new RdbFileWriter((c) => chunks.push(Buffer.from(c)), { compression: true, checksum: true })
    w.header([])
    w.finish()
    expect(Buffer.concat(chunks).subarray(0, 9).toString('latin1')).toBe('REDIS0010')
  })
})

describe('RESTORE of Redis 7.2 payloads (answers as Redis 7.0)', () => {
  const restore = dumpCommands.find((c) => c.name === 'restore')!

  function callRestore(payload: Buffer): string {
    const server = fakeServer()
    const argv = [b('RESTORE'), b('k'), b('0'), payload]
    const ctx: CommandContext = { argv, client: server.client, server, db: server.db() }
    return encodeReply(restore.handler!(ctx), 2).toString('latin1')
  }

  /** A payload with `version` in its footer and a valid CRC64. */
  function payload(body: Buffer, version: number): Buffer {
    const withVersion = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])])
    return Buffer.concat([withVersion, new Crc64().update(withVersion).bytesLE()])
  }

  const setBody = new RdbWriter(false).byte(TYPE_SET_LISTPACK).string(encodeListpack([b('a'), b('b')])).toBuffer()

  it('refuses a version-11 footer even though the checksum is right', () => {
    expect(callRestore(payload(setBody, 11))).toBe(resp.err('ERR DUMP payload version or checksum are wrong'))
    const stringBody = createDumpPayload({ type: 'string', value: b('v') }).subarray(0, -10)
    expect(callRestore(payload(stringBody, 11))).toBe(resp.err('ERR DUMP payload version or checksum are wrong'))
  })

  it('a type-20 value under a version-10 footer is bad data (7.0 does not know the type)', () => {
    expect(callRestore(payload(setBody, 10))).toBe(resp.err('ERR Bad data format'))
  })
})
