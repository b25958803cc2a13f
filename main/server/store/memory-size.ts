/**
 * What a key and its value would cost in Redis 7.0 (jemalloc, 64-bit): the
 * figure MEMORY USAGE prints and the unit INFO memory and maxmemory count in.
 * Node's own heap is not a usable measure (it moves with GC, not with writes),
 * so the server charges every key what Redis would, kept up to date per write.
 *
 * Strings are exact (int / embstr / raw encodings, sds headers, allocator size
 * classes; checked against a real redis-server). Collections are estimated the
 * way objectComputeSize does: sample a few elements and extrapolate, so a
 * recomputation after each write costs O(samples), not O(elements).
 */
import { StringValue, type RedisValue } from './values'

/** sizeof(robj), sizeof(dictEntry), a bucket pointer. */
export const ROBJ_SIZE = 16
export const DICT_ENTRY_SIZE = 24
export const POINTER_SIZE = 8
/** objectComputeSize's default sample count (MEMORY USAGE … SAMPLES 5). */
export const DEFAULT_SAMPLES = 5

/** jemalloc 5 size classes on x86-64 (LG_QUANTUM 4): 8, 16, 32, 48 … 128, then four classes per doubling. */
export function allocSize(n: number): number {
  if (n <= 8) return 8
  if (n <= 128) return Math.ceil(n / 16) * 16
  const spacing = 2 ** (Math.ceil(Math.log2(n)) - 3)
  return Math.ceil(n / spacing) * spacing
}

/** sdsReqType's header size for a string of `length` bytes (type 5 only for keys: sdsnewlen). */
function sdsHeader(length: number, allowType5: boolean): number {
  if (length < 32 && allowType5) return 1
  if (length < 256) return 3
  if (length < 65536) return 5
  return 9
}

/** zmalloc_size of an sds holding `length` bytes (plus its terminating NUL). */
export function sdsAllocSize(length: number, allowType5 = false): number {
  return allocSize(sdsHeader(length, allowType5) + length + 1)
}

/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT */
const EMBSTR_LIMIT = 44

/**
 * string2ll's acceptance: what tryObjectEncoding turns into an
 * OBJ_ENCODING_INT, for latin1 text (how the keyspace holds string values).
 */
function isIntEncodableText(text: string): boolean {
  const length = text.length
  if (length === 0 || length > 20) return false
  // Char checks first: every key's value is measured on each write and a whole RDB load, so no regex/BigInt for non-numbers.
  const negative = text.charCodeAt(0) === 0x2d
  const start = negative ? 1 : 0
  if (start === length) return false
  if (text.charCodeAt(start) === 0x30) return length === 1
  for (let i = start; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return false
  }
  // Up to 18 digits always fit in int64; only 19-digit magnitudes need the exact bound.
  if (length - start < 19) return true
  const n = BigInt(text)
  return n >= -(2n ** 63n) && n < 2n ** 63n
}

/** A string object: robj + its bytes in Redis's encoding. */
export function stringObjectSize(bytes: Buffer): number {
  // Only 20 bytes or fewer can be an integer: no text is made of longer ones.
  if (bytes.length <= 20 && isIntEncodableText(bytes.toString('latin1'))) return ROBJ_SIZE
  return stringBytesSize(bytes.length)
}

/** stringObjectSize of a stored value (a value held as a long Buffer is not turned into text). */
function stringValueSize(v: StringValue): number {
  if (v.length <= 20 && isIntEncodableText(v.text)) return ROBJ_SIZE
  return stringBytesSize(v.length)
}

function stringBytesSize(length: number): number {
  if (length <= EMBSTR_LIMIT) return allocSize(ROBJ_SIZE + 3 + length + 1)
  return ROBJ_SIZE + sdsAllocSize(length)
}

/** A key in the main dict: its sds (keys use sdsdup, so type 5 is allowed). */
export function keySize(key: string): number {
  return sdsAllocSize(key.length, true)
}

/**
 * MEMORY USAGE's figure for one key: the value (sampled), the key's sds and
 * its dict entry. The expires entry is not counted, as in Redis.
 */
export function keyUsage(key: string, value: RedisValue, samples = DEFAULT_SAMPLES): number {
  return valueSize(value, samples) + keySize(key) + DICT_ENTRY_SIZE
}

/** objectComputeSize for any value type. */
export function valueSize(value: RedisValue, samples = DEFAULT_SAMPLES): number {
  if (value instanceof StringValue) return stringValueSize(value)
  // Accounting must never break a write: a value not shaped as its type says is measured by shape.
  const v = value as { type: string; value?: unknown; items?: { length?: unknown; at?: unknown }; dict?: unknown }
  if (v.type === 'string' && Buffer.isBuffer(v.value)) return stringObjectSize(v.value)
  if (v.type === 'list' && typeof v.items?.length === 'number' && typeof v.items.at === 'function') {
    return ROBJ_SIZE + quicklistSize(v.items as { length: number; at(i: number): Buffer }, samples)
  }
  if (v.type === 'zset' && v.dict instanceof Map) {
    return ROBJ_SIZE + zsetSize(value as unknown as Parameters<typeof zsetSize>[0], samples)
  }
  return ROBJ_SIZE + structuralSize(value, samples, 0)
}

// ---- listpack-based encodings ----------------------------------------------

/** LP_HDR_SIZE + the end byte. */
const LISTPACK_EMPTY = 7
/** list-max-listpack-size -2: quicklist nodes hold up to 8 KB of listpack. */
const QUICKLIST_NODE_BYTES = 8192
const QUICKLIST_SIZE = 40
const QUICKLIST_NODE_SIZE = 32

/** One listpack string entry: encoding header + bytes + backlen. */
export function listpackEntrySize(length: number): number {
  const header = length < 64 ? 1 : length < 4096 ? 2 : 5
  const body = header + length
  const backlen = body < 128 ? 1 : body < 16384 ? 2 : body < 2097152 ? 3 : 5
  return body + backlen
}

/** Average of `measure` over the first `samples` of `count` elements (all when samples is 0). */
function sampledAverage(count: number, samples: number, measure: (index: number) => number): number {
  const wanted = samples <= 0 ? count : Math.min(count, samples)
  if (wanted === 0) return 0
  let sum = 0
  for (let i = 0; i < wanted; i++) sum += measure(i)
  return sum / wanted
}

/** quicklist: the struct plus nodes of at most 8 KB listpacks each, sized from a sample. */
function quicklistSize(items: { readonly length: number; at(index: number): Buffer }, samples: number): number {
  const count = items.length
  const entry = sampledAverage(count, samples, (i) => listpackEntrySize(items.at(i)?.length ?? 0))
  const listpackBytes = LISTPACK_EMPTY + count * entry
  const nodes = Math.max(1, Math.ceil(listpackBytes / QUICKLIST_NODE_BYTES))
  return QUICKLIST_SIZE + nodes * (QUICKLIST_NODE_SIZE + allocSize(Math.ceil(listpackBytes / nodes)))
}

/** sizeof(zset) + sizeof(zskiplist) + sizeof(dict), and a level-1 skiplist node. */
const ZSET_STRUCTS = 16 + 32 + 56
const SKIPLIST_NODE = 48
/** The skiplist header node (ZSKIPLIST_MAXLEVEL 32 levels). */
const SKIPLIST_HEADER = allocSize(24 + 32 * 16)

/** A score as the listpack stores it: an integer entry when it is one, else its %.17g text. */
function scoreEntrySize(score: number): number {
  if (Number.isInteger(score) && Math.abs(score) < 2 ** 53) return Math.abs(score) < 128 ? 2 : 9
  return listpackEntrySize(String(score).length)
}

function zsetSize(value: { readonly size: number; readonly dict: Map<string, number>; readonly encoding: string }, samples: number): number {
  const count = value.size
  const sampled: [string, number][] = []
  const wanted = samples <= 0 ? count : Math.min(count, samples)
  for (const pair of value.dict) {
    if (sampled.length >= wanted) break
    sampled.push(pair)
  }
  const per = (f: (member: string, score: number) => number): number =>
    sampled.length === 0 ? 0 : sampled.reduce((n, [m, s]) => n + f(m, s), 0) / sampled.length
  if (value.encoding === 'listpack') {
    return allocSize(LISTPACK_EMPTY + Math.round(count * per((m, s) => listpackEntrySize(m.length) + scoreEntrySize(s))))
  }
  const element = per((m) => sdsAllocSize(m.length) + DICT_ENTRY_SIZE + SKIPLIST_NODE)
  return ZSET_STRUCTS + bucketArraySize(count) + SKIPLIST_HEADER + Math.round(count * element)
}

// ---- collections -----------------------------------------------------------

/**
 * The other value types (list, hash, set, zset …) are estimated from their
 * shape rather than their names, so a type added to values.ts is charged for
 * what it holds on the day it lands: Buffers and strings as sds, numbers as
 * 8 bytes, and Arrays/Maps/Sets/iterables as count × the average of the first
 * `samples` elements plus a dict entry each (Redis's hashtable/skiplist
 * overhead; small listpack encodings cost less, which this overstates).
 */
const MAX_DEPTH = 3

function structuralSize(node: unknown, samples: number, depth: number): number {
  if (node === null || node === undefined) return 0
  if (typeof node === 'number' || typeof node === 'bigint') return 8
  if (typeof node === 'boolean') return 1
  if (typeof node === 'string') return sdsAllocSize(node.length)
  if (Buffer.isBuffer(node)) return sdsAllocSize(node.length)
  if (typeof node !== 'object' || depth >= MAX_DEPTH) return 0
  if (node instanceof Map) return collectionSize(node.size, node.entries(), samples, depth)
  if (node instanceof Set || Array.isArray(node)) {
    const count = node instanceof Set ? node.size : node.length
    return collectionSize(count, node.values(), samples, depth)
  }
  let total = 0
  for (const [name, field] of Object.entries(node)) {
    if (name === 'type' && depth === 0) continue
    total += structuralSize(field, samples, depth + 1)
  }
  const sized = node as { size?: unknown; length?: unknown; [Symbol.iterator]?: unknown }
  const count = typeof sized.size === 'number' ? sized.size : typeof sized.length === 'number' ? sized.length : undefined
  if (total === 0 && count !== undefined && typeof sized[Symbol.iterator] === 'function') {
    return collectionSize(count, (node as Iterable<unknown>)[Symbol.iterator](), samples, depth)
  }
  return total
}

/** count × (average sampled element + dict entry) + bucket array, like objectComputeSize's sampling. */
function collectionSize(count: number, elements: Iterator<unknown>, samples: number, depth: number): number {
  if (count === 0) return 0
  const wanted = samples <= 0 ? count : Math.min(count, samples)
  let sampled = 0
  let sum = 0
  while (sampled < wanted) {
    const next = elements.next()
    if (next.done) break
    if (next.value === undefined) continue
    sum += structuralSize(next.value, samples, depth + 1)
    sampled++
  }
  const average = sampled === 0 ? 0 : sum / sampled
  return Math.round(count * (average + DICT_ENTRY_SIZE)) + bucketArraySize(count)
}

/** A dict's bucket array: a power of two at least as large as its entries. */
export function bucketArraySize(entries: number): number {
  if (entries === 0) return 0
  return 2 ** Math.ceil(Math.log2(Math.max(4, entries))) * POINTER_SIZE
}
