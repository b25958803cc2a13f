/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE with Redis's exact algorithm (debug.c
 * xorObjectDigest / computeDatasetDigest, 7.0): SHA1-based mix (order
 * matters: strings, list elements) and xor (order free: set members, hash
 * fields, zset entries), the score printed with %.17g, plus a marker when the
 * key has a TTL. A Tandem node and a real Redis holding the same data print
 * the same 40 hex digits, which is how replicas are compared with masters.
 */
import { createHash } from 'node:crypto'
import type { Database } from './store/database'
import { keyBuffer } from './store/database'
import type { RedisValue } from './store/values'
import { formatDouble17g } from './persistence/double-format'
import { toPortable } from './persistence/value-bridge'

const OBJ_TYPE: Record<string, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 }
const EXPIRE_MARK = Buffer.from('!!expire!!')

function sha1(data: Uint8Array): Buffer {
  return createHash('sha1').update(data).digest()
}

/** xorDigest: digest ^= SHA1(data). */
function xorDigest(digest: Buffer, data: Uint8Array): void {
  const h = sha1(data)
  for (let j = 0; j < 20; j++) digest[j] ^= h[j]
}

/** mixDigest: digest = SHA1(digest ^ SHA1(data)). */
function mixDigest(digest: Buffer, data: Uint8Array): void {
  xorDigest(digest, data)
  sha1(digest).copy(digest)
}

function typeWord(type: string): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(OBJ_TYPE[type] ?? 0xff, 0)
  return b
}

/** xorObjectDigest: fold one value (and whether it has a TTL) into `digest`. */
export function xorObjectDigest(digest: Buffer, value: RedisValue, hasExpire: boolean): void {
  mixDigest(digest, typeWord(value.type))
  const portable = toPortable(value)
  if (portable === null) throw new Error(`DEBUG DIGEST: no digest rule for type ${value.type}`)
  switch (portable.type) {
    case 'string':
      mixDigest(digest, portable.value)
      break
    case 'list':
      for (const item of portable.items) mixDigest(digest, item)
      break
    case 'set':
      for (const member of portable.members) xorDigest(digest, member)
      break
    case 'zset':
      for (const [member, score] of portable.entries) {
        const element = Buffer.alloc(20)
        mixDigest(element, member)
        mixDigest(element, Buffer.from(formatDouble17g(score), 'latin1'))
        xorDigest(digest, element)
      }
      break
    case 'hash':
      for (const [field, v] of portable.fields) {
        const element = Buffer.alloc(20)
        mixDigest(element, field)
        mixDigest(element, v)
        xorDigest(digest, element)
      }
      break
  }
  if (hasExpire) xorDigest(digest, EXPIRE_MARK)
}

/** DEBUG DIGEST-VALUE of one key, logically expired or not; 40 zeros when it does not exist. */
export function valueDigest(db: Database, key: Buffer): string {
  const digest = Buffer.alloc(20)
  const value = db.peek(key)
  if (value !== undefined) xorObjectDigest(digest, value, db.getExpire(key) !== undefined)
  return digest.toString('hex')
}

/** computeDatasetDigest over every database; 40 zeros for an empty dataset. */
export function datasetDigest(databases: readonly Database[]): string {
  const final = Buffer.alloc(20)
  for (const db of databases) {
    let first = true
    for (const [key, value] of db.entries()) {
      if (first) {
        const id = Buffer.alloc(4)
        id.writeUInt32BE(db.index, 0)
        mixDigest(final, id)
        first = false
      }
      const digest = Buffer.alloc(20)
      mixDigest(digest, keyBuffer(key))
      xorObjectDigest(digest, value, db.getExpire(key) !== undefined)
      xorDigest(final, digest)
    }
  }
  return final.toString('hex')
}
