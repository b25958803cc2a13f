/**
 * One value in RDB form (rdbSaveObject / rdbLoadObject of Redis 7.0), as
 * used inside DUMP payloads and RDB files. Values cross this boundary in a
 * store-independent "portable" shape; value-bridge.ts converts to and from
 * the keyspace's own types.
 */
import { decodeIntset, encodeIntset } from './intset'
import { decodeListpack, encodeListpack } from './listpack'
import { RDB_TYPE, RdbFormatError, RdbReader, RdbWriter, canonicalInt64 } from './rdb-format'
import { decodeZiplist, decodeZipmap } from './ziplist'
import { d2string } from './double-format'

/**
 * A value with its elements in order. `compact` says whether the source used
 * a compact encoding (listpack/ziplist/intset), which decides the in-memory
 * encoding a loader picks, as in Redis.
 */
export type PortableValue =
  | { readonly type: 'string'; readonly value: Buffer }
  | { readonly type: 'list'; readonly items: readonly Buffer[] }
  | { readonly type: 'set'; readonly members: readonly Buffer[]; readonly compact?: boolean }
  | { readonly type: 'hash'; readonly fields: readonly (readonly [Buffer, Buffer])[]; readonly compact?: boolean }
  | { readonly type: 'zset'; readonly entries: readonly (readonly [Buffer, number])[]; readonly compact?: boolean }

/** The *-max-* directives that decide which RDB type a value is written as. */
export interface EncodingLimits {
  readonly hashMaxListpackEntries: number
  readonly hashMaxListpackValue: number
  readonly zsetMaxListpackEntries: number
  readonly zsetMaxListpackValue: number
  readonly setMaxIntsetEntries: number
  /** list-max-listpack-size: negative = node byte limit class (-2 = 8 KB), positive = entries per node. */
  readonly listMaxListpackSize: number
}

export const DEFAULT_LIMITS: EncodingLimits = {
  hashMaxListpackEntries: 128,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  listMaxListpackSize: -2,
}

const QUICKLIST_NODE_PLAIN = 1
const QUICKLIST_NODE_PACKED = 2

// ---- loading -----------------------------------------------------------------

function pairs<T>(flat: readonly T[]): [T, T][] {
  if (flat.length % 2 !== 0) throw new RdbFormatError('odd number of elements in a pair encoding')
  const out: [T, T][] = []
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]])
  return out
}

/** strtod over a score stored as listpack/ziplist text (or an integer entry's text). */
function parseScore(text: Buffer): number {
  const s = text.toString('latin1')
  if (/^[+]?inf(inity)?$/i.test(s)) return Infinity
  if (/^-inf(inity)?$/i.test(s)) return -Infinity
  const v = Number(s)
  if (s.trim() === '' || Number.isNaN(v)) throw new RdbFormatError('invalid score')
  return v
}

function uniqueOrThrow(keys: Iterable<Buffer>, what: string): void {
  const seen = new Set<string>()
  for (const k of keys) {
    const s = k.toString('latin1')
    if (seen.has(s)) throw new RdbFormatError(`duplicate ${what}`)
    seen.add(s)
  }
}

function nonEmpty<T>(items: readonly T[]): readonly T[] {
  if (items.length === 0) throw new RdbFormatError('empty key')
  return items
}

function zsetFrom(entries: [Buffer, number][], compact: boolean): PortableValue {
  uniqueOrThrow(
    entries.map((e) => e[0]),
    'zset member',
  )
  if (entries.some((e) => Number.isNaN(e[1]))) throw new RdbFormatError('zset score is NaN')
  return { type: 'zset', entries: nonEmpty(entries), compact }
}

function hashFrom(fields: [Buffer, Buffer][], compact: boolean): PortableValue {
  uniqueOrThrow(
    fields.map((f) => f[0]),
    'hash field',
  )
  return { type: 'hash', fields: nonEmpty(fields), compact }
}

/** rdbLoadObject for every type Redis 7.0 loads except streams and modules, plus 7.2's listpack sets. */
export function readValue(type: number, r: RdbReader): PortableValue {
  switch (type) {
    case RDB_TYPE.STRING:
      return { type: 'string', value: r.string() }
    case RDB_TYPE.LIST: {
      const n = r.length()
      const items: Buffer[] = []
      for (let i = 0; i < n; i++) items.push(r.string())
      return { type: 'list', items: nonEmpty(items) }
    }
    case RDB_TYPE.SET: {
      const n = r.length()
      const members: Buffer[] = []
      for (let i = 0; i < n; i++) members.push(r.string())
      uniqueOrThrow(members, 'set member')
      return { type: 'set', members: nonEmpty(members), compact: false }
    }
    case RDB_TYPE.ZSET:
    case RDB_TYPE.ZSET_2: {
      const n = r.length()
      const entries: [Buffer, number][] = []
      for (let i = 0; i < n; i++) {
        const member = r.string()
        const score = type === RDB_TYPE.ZSET_2 ? r.doubleBinary() : r.doubleText()
        entries.push([member, score])
      }
      // Written from the highest score down; order does not matter to a sorted set.
      return zsetFrom(entries, false)
    }
    case RDB_TYPE.HASH: {
      const n = r.length()
      const fields: [Buffer, Buffer][] = []
      for (let i = 0; i < n; i++) fields.push([r.string(), r.string()])
      return hashFrom(fields, false)
    }
    case RDB_TYPE.HASH_ZIPMAP:
      return hashFrom(decodeZipmap(r.string()), true)
    case RDB_TYPE.LIST_ZIPLIST:
      return { type: 'list', items: nonEmpty(decodeZiplist(r.string())) }
    case RDB_TYPE.SET_INTSET:
      return { type: 'set', members: nonEmpty(decodeIntset(r.string())), compact: true }
    case RDB_TYPE.SET_LISTPACK: {
      // Redis 7.2 only: the store (7.0's encodings) re-derives intset or hashtable from the members.
      const members = decodeListpack(r.string())
      uniqueOrThrow(members, 'set member')
      return { type: 'set', members: nonEmpty(members), compact: true }
    }
    case RDB_TYPE.ZSET_ZIPLIST:
    case RDB_TYPE.ZSET_LISTPACK: {
      const blob = r.string()
      const flat = type === RDB_TYPE.ZSET_LISTPACK ? decodeListpack(blob) : decodeZiplist(blob)
      return zsetFrom(
        pairs(flat).map(([m, s]) => [m, parseScore(s)]),
        true,
      )
    }
    case RDB_TYPE.HASH_ZIPLIST:
    case RDB_TYPE.HASH_LISTPACK: {
      const blob = r.string()
      const flat = type === RDB_TYPE.HASH_LISTPACK ? decodeListpack(blob) : decodeZiplist(blob)
      return hashFrom(pairs(flat), true)
    }
    case RDB_TYPE.LIST_QUICKLIST:
    case RDB_TYPE.LIST_QUICKLIST_2: {
      const nodes = r.length()
      const items: Buffer[] = []
      for (let i = 0; i < nodes; i++) {
        let container = QUICKLIST_NODE_PACKED
        if (type === RDB_TYPE.LIST_QUICKLIST_2) {
          container = r.length()
          if (container !== QUICKLIST_NODE_PACKED && container !== QUICKLIST_NODE_PLAIN) {
            throw new RdbFormatError('bad quicklist container')
          }
        }
        const blob = r.string()
        if (container === QUICKLIST_NODE_PLAIN) items.push(blob)
        else if (type === RDB_TYPE.LIST_QUICKLIST_2) items.push(...decodeListpack(blob))
        else items.push(...decodeZiplist(blob))
      }
      return { type: 'list', items: nonEmpty(items) }
    }
    default:
      throw new RdbFormatError(`unsupported object type ${type}`)
  }
}

// ---- saving ------------------------------------------------------------------

/** The estimated listpack size of one entry (for quicklist node filling). */
function entryCost(item: Buffer): number {
  return item.length + 11
}

/** quicklist's node limit for list-max-listpack-size: bytes for negative classes, entries otherwise. */
function splitListNodes(items: readonly Buffer[], fill: number): Buffer[][] {
  const sizeLimit = fill < 0 ? [4096, 8192, 16384, 32768, 65536][Math.min(-fill, 5) - 1] : Infinity
  const countLimit = fill > 0 ? fill : 65535
  const nodes: Buffer[][] = []
  let current: Buffer[] = []
  let bytes = 7
  for (const item of items) {
    const cost = entryCost(item)
    if (current.length > 0 && (bytes + cost > sizeLimit || current.length >= countLimit)) {
      nodes.push(current)
      current = []
      bytes = 7
    }
    current.push(item)
    bytes += cost
  }
  if (current.length > 0) nodes.push(current)
  return nodes
}

/** Whether a compact (listpack) encoding holds these elements within the limits. */
function fitsListpack(count: number, elements: Iterable<Buffer>, maxEntries: number, maxValue: number): boolean {
  if (count > maxEntries) return false
  for (const e of elements) if (e.length > maxValue) return false
  return true
}

/**
 * rdbSaveObjectType + rdbSaveObject: the type byte and value bytes. Compact
 * encodings are chosen as Redis 7.0 would hold the value in memory.
 */
export function writeValue(value: PortableValue, w: RdbWriter, limits: EncodingLimits = DEFAULT_LIMITS): void {
  switch (value.type) {
    case 'string':
      w.byte(RDB_TYPE.STRING).string(value.value)
      return
    case 'list': {
      const nodes = splitListNodes(value.items, limits.listMaxListpackSize)
      w.byte(RDB_TYPE.LIST_QUICKLIST_2).length(nodes.length)
      for (const node of nodes) w.length(QUICKLIST_NODE_PACKED).string(encodeListpack(node))
      return
    }
    case 'set': {
      const ints = value.members.map(canonicalInt64)
      if (value.members.length <= limits.setMaxIntsetEntries && ints.every((v) => v !== null)) {
        w.byte(RDB_TYPE.SET_INTSET).string(encodeIntset(ints as bigint[]))
        return
      }
      w.byte(RDB_TYPE.SET).length(value.members.length)
      for (const m of value.members) w.string(m)
      return
    }
    case 'hash': {
      const all = value.fields.flatMap(([f, v]) => [f, v])
      if (
        value.compact !== false &&
        fitsListpack(value.fields.length, all, limits.hashMaxListpackEntries, limits.hashMaxListpackValue)
      ) {
        w.byte(RDB_TYPE.HASH_LISTPACK).string(encodeListpack(all))
        return
      }
      w.byte(RDB_TYPE.HASH).length(value.fields.length)
      for (const [f, v] of value.fields) w.string(f).string(v)
      return
    }
    case 'zset': {
      const sorted = [...value.entries].sort((a, b) => a[1] - b[1] || Buffer.compare(a[0], b[0]))
      if (
        value.compact !== false &&
        fitsListpack(
          sorted.length,
          sorted.map((e) => e[0]),
          limits.zsetMaxListpackEntries,
          limits.zsetMaxListpackValue,
        )
      ) {
        const flat = sorted.flatMap(([m, s]) => [m, Buffer.from(d2string(s), 'latin1')])
        w.byte(RDB_TYPE.ZSET_LISTPACK).string(encodeListpack(flat))
        return
      }
      w.byte(RDB_TYPE.ZSET_2).length(sorted.length)
      for (let i = sorted.length - 1; i >= 0; i--) w.string(sorted[i][0]).doubleBinary(sorted[i][1])
      return
    }
  }
}
