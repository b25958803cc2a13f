/**
 * The values a key can hold. A tagged union so each data type (list, hash,
 * set, zset) is one more member here plus its commands: TYPE and the WRONGTYPE
 * checks read only `type`, never the payload.
 */

/** A string value: raw bytes. Redis's int/embstr encodings are invisible on the wire, so one form suffices. */
export interface StringValue {
  readonly type: 'string'
  value: Buffer
}

/**
 * Every value type the keyspace can hold. Add `ListValue`, `HashValue`, … here;
 * `RedisValue['type']` then names them for TYPE and SCAN … TYPE.
 */
export type RedisValue = StringValue

/** The name TYPE prints ("string", "list", "set", "zset", "hash", "stream"). */
export type ValueType = RedisValue['type']

export function stringValue(value: Buffer): StringValue {
  return { type: 'string', value }
}
