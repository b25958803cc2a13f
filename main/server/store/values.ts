/**
 * The values a key can hold. A tagged union so each data type (list, hash,
 * set, zset) is one more member here plus its commands: TYPE and the WRONGTYPE
 * checks read only `type`, never the payload.
 */

import type { ZSet } from './zset'
import type { HashObject } from './hash'
import type { SetObject } from './set'
import type { ListValue } from './list'
import { KeyState } from './key-state'

/** A sorted set (store/zset.ts): member→score map plus a span skiplist. */
export type ZsetValue = ZSet

/** A hash (store/hash.ts): field→value map, listpack or hashtable encoding. */
export type HashValue = HashObject

/** A set (store/set.ts): intset or hashtable encoding. */
export type SetValue = SetObject

/**
 * Values up to this many bytes are held as latin1 JS strings (one char per
 * byte, exact), longer ones as Buffers (V8 caps a string near 512 MiB, which is
 * proto-max-bulk-len's maximum).
 */
export const STRING_TEXT_MAX = 64 * 1024

/**
 * A string value. Redis's int/embstr encodings are invisible on the wire, so
 * one form suffices — but its bytes are usually a latin1 JS string, not a
 * Buffer: a small Buffer is a view of Node's shared 8 KiB allocation pool, so
 * a stored one pinned a whole pool slab (keys overwritten at random left ~8 KiB
 * of RSS per key), and it costs the GC a typed-array object where a string is a
 * single leaf object with its bytes inline. `value` gives the bytes as a Buffer
 * (a fresh copy for text); `length` and `text` avoid that copy.
 */
export class StringValue extends KeyState {
  readonly type = 'string' as const
  private readonly data: string | Buffer

  /** Takes ownership of `bytes` when they stay a Buffer: pass a copy the caller no longer writes. */
  constructor(data: string | Buffer) {
    super()
    this.data = data
  }

  /** The bytes (a new Buffer each call when held as text; the held Buffer otherwise). */
  get value(): Buffer {
    const d = this.data
    return typeof d === 'string' ? Buffer.from(d, 'latin1') : d
  }

  /** STRLEN: the byte count. */
  get length(): number {
    return this.data.length
  }

  /** The bytes as latin1 text (keys, hash fields and set members use the same form). */
  get text(): string {
    const d = this.data
    return typeof d === 'string' ? d : d.toString('latin1')
  }

  /** The held Buffer when not held as text (extendString's spare room lives behind it). */
  get heldBuffer(): Buffer | undefined {
    return typeof this.data === 'string' ? undefined : this.data
  }
}

/**
 * Every value type the keyspace can hold. Add `ListValue`, `HashValue`, … here;
 * `RedisValue['type']` then names them for TYPE and SCAN … TYPE.
 */
export type RedisValue = StringValue | ZsetValue | ListValue | HashValue | SetValue

/** The name TYPE prints ("string", "list", "set", "zset", "hash", "stream"). */
export type ValueType = RedisValue['type']

/**
 * A string value holding a copy of `bytes[start, end)` (the caller keeps
 * `bytes`: a request argument, a file image…).
 */
export function stringValue(bytes: Buffer, start = 0, end = bytes.length): StringValue {
  const length = end - start
  if (length <= STRING_TEXT_MAX) return new StringValue(bytes.toString('latin1', start, end))
  const copy = Buffer.allocUnsafeSlow(length)
  bytes.copy(copy, 0, start, end)
  return new StringValue(copy)
}

/** A string value from latin1 text (one char per byte). */
export function stringValueOfText(text: string): StringValue {
  return text.length <= STRING_TEXT_MAX ? new StringValue(text) : new StringValue(Buffer.from(text, 'latin1'))
}

/**
 * Spare room behind string values that grew by APPEND/SETRANGE, so repeated
 * appends are amortised O(1) like sds. The room is an unpooled allocation the
 * value owns; bytes already visible through `value` are never rewritten (a
 * reply may still be queued holding them), only the tail beyond it.
 */
const roomOf = new WeakMap<StringValue, Buffer>()

/** sdsMakeRoomFor's growth: double below 1 MB, then 1 MB at a time. */
function grownSize(needed: number): number {
  const MB = 1024 * 1024
  return needed < MB ? needed * 2 : needed + MB
}

/**
 * Returns the string with `tail` written at `offset` (>= current length;
 * the gap, if any, zero-filled), reusing spare room when the value has it.
 */
export function extendString(v: StringValue, offset: number, tail: Buffer): StringValue {
  const newLength = offset + tail.length
  const oldLength = v.length
  const held = v.heldBuffer
  let room = roomOf.get(v)
  const inPlace =
    room !== undefined &&
    held !== undefined &&
    room.length >= newLength &&
    held.buffer === room.buffer &&
    held.byteOffset === room.byteOffset
  if (!inPlace || room === undefined) {
    room = Buffer.allocUnsafeSlow(grownSize(newLength))
    if (held !== undefined) held.copy(room, 0)
    else room.write(v.text, 0, 'latin1')
  }
  // The room now belongs to the new value only: extending the old one again must not write into it.
  roomOf.delete(v)
  room.fill(0, oldLength, offset)
  tail.copy(room, offset)
  const next = new StringValue(room.subarray(0, newLength))
  roomOf.set(next, room)
  return next
}
