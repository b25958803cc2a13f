/**
 * Decoders for the pre-7.0 compact encodings a Redis 7.0 still loads:
 * ziplist (ziplist.c; RDB types 10, 12, 13, 14) and zipmap (zipmap.c; type 9).
 */
import { RdbFormatError } from './rdb-format'

/** Every entry of a ziplist, integers as decimal text. */
export function decodeZiplist(blob: Buffer): Buffer[] {
  if (blob.length < 11) throw new RdbFormatError('ziplist too short')
  if (blob.readUInt32LE(0) !== blob.length) throw new RdbFormatError('ziplist size mismatch')
  const count = blob.readUInt16LE(8)
  const end = blob.length - 1
  if (blob[end] !== 0xff) throw new RdbFormatError('ziplist not terminated')
  const out: Buffer[] = []
  let p = 10
  const need = (n: number) => {
    if (p + n > end) throw new RdbFormatError('ziplist entry overflows')
  }
  while (p < end) {
    // prevlen: one byte, or 0xFE and four more.
    need(1)
    p += blob[p] === 0xfe ? 5 : 1
    need(1)
    const b = blob[p]
    const kind = b >> 6
    if (kind === 0) {
      const len = b & 0x3f
      need(1 + len)
      out.push(Buffer.from(blob.subarray(p + 1, p + 1 + len)))
      p += 1 + len
    } else if (kind === 1) {
      need(2)
      const len = ((b & 0x3f) << 8) | blob[p + 1]
      need(2 + len)
      out.push(Buffer.from(blob.subarray(p + 2, p + 2 + len)))
      p += 2 + len
    } else if (b === 0x80) {
      need(5)
      const len = blob.readUInt32BE(p + 1)
      need(5 + len)
      out.push(Buffer.from(blob.subarray(p + 5, p + 5 + len)))
      p += 5 + len
    } else if (b === 0xc0) {
      need(3)
      out.push(Buffer.from(String(blob.readInt16LE(p + 1))))
      p += 3
    } else if (b === 0xd0) {
      need(5)
      out.push(Buffer.from(String(blob.readInt32LE(p + 1))))
      p += 5
    } else if (b === 0xe0) {
      need(9)
      out.push(Buffer.from(String(blob.readBigInt64LE(p + 1))))
      p += 9
    } else if (b === 0xf0) {
      need(4)
      out.push(Buffer.from(String(blob.readIntLE(p + 1, 3))))
      p += 4
    } else if (b === 0xfe) {
      need(2)
      out.push(Buffer.from(String(blob.readInt8(p + 1))))
      p += 2
    } else if (b >= 0xf1 && b <= 0xfd) {
      out.push(Buffer.from(String((b & 0x0f) - 1)))
      p += 1
    } else {
      throw new RdbFormatError(`bad ziplist encoding ${b}`)
    }
  }
  if (count !== 0xffff && count !== out.length) throw new RdbFormatError('ziplist count mismatch')
  return out
}

/** A zipmap's field/value pairs, in order. */
export function decodeZipmap(blob: Buffer): [Buffer, Buffer][] {
  let p = 1
  const end = blob.length
  const need = (n: number) => {
    if (p + n > end) throw new RdbFormatError('zipmap entry overflows')
  }
  const readLength = (): number | null => {
    need(1)
    const b = blob[p]
    if (b === 0xff) return null
    if (b < 254) {
      p += 1
      return b
    }
    need(5)
    const len = blob.readUInt32LE(p + 1)
    p += 5
    return len
  }
  const out: [Buffer, Buffer][] = []
  for (;;) {
    const keyLength = readLength()
    if (keyLength === null) break
    need(keyLength)
    const key = Buffer.from(blob.subarray(p, p + keyLength))
    p += keyLength
    const valueLength = readLength()
    if (valueLength === null) throw new RdbFormatError('zipmap key without value')
    need(1)
    const free = blob[p++]
    need(valueLength + free)
    const value = Buffer.from(blob.subarray(p, p + valueLength))
    p += valueLength + free
    out.push([key, value])
  }
  if (p !== end - 1) throw new RdbFormatError('zipmap trailing bytes')
  return out
}
