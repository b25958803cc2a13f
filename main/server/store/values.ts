/**
 * The values a key can hold. A tagged union so each data type (list, hash,
 * set, zset) is one more member here plus its commands: TYPE and the WRONGTYPE
 * checks read only `type`, never the payload.
 */

import type { ZSet } from './zset'
import type { HashObject } from './hash'
import type { SetObject } from './set'
import type { ListValue } from './list'

/** A sorted set (store/zset.ts): member→score map plus a span skiplist. */
export type ZsetValue = ZSet

/** A hash (store/hash.ts): field→value map, listpack or hashtable encoding. */
export type HashValue = HashObject

/** A set (store/set.ts): intset or hashtable encoding. */
export type SetValue = SetObject

/** A string value: raw bytes. Redis's int/embstr encodings are invisible on the wire, so one form suffices. */
export interface StringValue {
  readonly type: 'string'
  value: Buffer
}

/**
 * Every value type the keyspace can hold. Add `ListValue`, `HashValue`, … here;
 * `RedisValue['type']` then names them for TYPE and SCAN … TYPE.
 */
export type RedisValue = StringValue | ZsetValue | ListValue | HashValue | SetValue

/** The name TYPE prints ("string", "list", "set", "zset", "hash", "stream"). */
export type ValueType = RedisValue['type']

export function stringValue(value: Buffer): StringValue {
  return { type: 'string', value }
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
  const oldLength = v.value.length
  const newLength = offset + tail.length
  let room = roomOf.get(v)
  const inPlace =
    room !== undefined &&
    room.length >= newLength &&
    v.value.buffer === room.buffer &&
    v.value.byteOffset === room.byteOffset
  if (!inPlace || room === undefined) {
    room = Buffer.allocUnsafeSlow(grownSize(newLength))
    v.value.copy(room, 0)
  }
  // The room now belongs to the new value only: extending the old one again must not write into it.
  roomOf.delete(v)
  room.fill(0, oldLength, offset)
  tail.copy(room, offset)
  const next: StringValue = { type: 'string', value: room.subarray(0, newLength) }
  roomOf.set(next, room)
  return next
}
