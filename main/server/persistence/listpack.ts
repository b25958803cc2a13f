/**
 * Redis's listpack (listpack.c): the compact sequence 7.0 uses for small
 * hashes, zsets and list nodes, and that DUMP/RDB carry verbatim. Entries
 * come back as Buffers; integers as their decimal text, as Redis returns
 * them to clients.
 */
import { RdbFormatError, canonicalInt64 } from './rdb-format'

const HEADER_SIZE = 6
const EOF = 0xff

function backlenSize(l: number): number {
  if (l <= 127) return 1
  if (l < 16383) return 2
  if (l < 2097151) return 3
  if (l < 268435455) return 4
  return 5
}

/** Every entry of a listpack blob, validated the way lpValidateIntegrity does (sizes, terminator, count). */
export function decodeListpack(blob: Buffer): Buffer[] {
  if (blob.length < HEADER_SIZE + 1) throw new RdbFormatError('listpack too short')
  const total = blob.readUInt32LE(0)
  const count = blob.readUInt16LE(4)
  if (total !== blob.length) throw new RdbFormatError('listpack size mismatch')
  const out: Buffer[] = []
  let p = HEADER_SIZE
  const end = blob.length - 1
  while (p < end) {
    const start = p
    const b = blob[p]
    let value: Buffer
    const need = (n: number) => {
      if (p + n > end) throw new RdbFormatError('listpack entry overflows')
    }
    if ((b & 0x80) === 0) {
      value = Buffer.from(String(b & 0x7f))
      p += 1
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f
      need(1 + len)
      value = Buffer.from(blob.subarray(p + 1, p + 1 + len))
      p += 1 + len
    } else if ((b & 0xe0) === 0xc0) {
      need(2)
      let v = ((b & 0x1f) << 8) | blob[p + 1]
      if (v >= 1 << 12) v -= 1 << 13
      value = Buffer.from(String(v))
      p += 2
    } else if ((b & 0xf0) === 0xe0) {
      need(2)
      const len = ((b & 0x0f) << 8) | blob[p + 1]
      need(2 + len)
      value = Buffer.from(blob.subarray(p + 2, p + 2 + len))
      p += 2 + len
    } else if (b === 0xf0) {
      need(5)
      const len = blob.readUInt32LE(p + 1)
      need(5 + len)
      value = Buffer.from(blob.subarray(p + 5, p + 5 + len))
      p += 5 + len
    } else if (b === 0xf1) {
      need(3)
      value = Buffer.from(String(blob.readInt16LE(p + 1)))
      p += 3
    } else if (b === 0xf2) {
      need(4)
      value = Buffer.from(String(blob.readIntLE(p + 1, 3)))
      p += 4
    } else if (b === 0xf3) {
      need(5)
      value = Buffer.from(String(blob.readInt32LE(p + 1)))
      p += 5
    } else if (b === 0xf4) {
      need(9)
      value = Buffer.from(String(blob.readBigInt64LE(p + 1)))
      p += 9
    } else {
      throw new RdbFormatError(`bad listpack encoding ${b}`)
    }
    const entryLength = p - start
    const back = backlenSize(entryLength)
    need(back)
    if (decodeBacklen(blob, p + back - 1) !== entryLength) throw new RdbFormatError('listpack backlen mismatch')
    p += back
    out.push(value)
  }
  if (p !== end || blob[end] !== EOF) throw new RdbFormatError('listpack not terminated')
  if (count !== 0xffff && count !== out.length) throw new RdbFormatError('listpack count mismatch')
  return out
}

/** lpDecodeBacklen: read the reversed variable-length integer ending at `p`. */
function decodeBacklen(blob: Buffer, p: number): number {
  let value = 0
  let shift = 0
  for (;;) {
    const b = blob[p]
    value += (b & 127) * 2 ** shift
    if (!(b & 128)) break
    shift += 7
    p--
    if (shift > 28) return -1
  }
  return value
}

function encodeBacklen(l: number): Buffer {
  if (l <= 127) return Buffer.from([l])
  if (l < 16383) return Buffer.from([l >> 7, (l & 127) | 128])
  if (l < 2097151) return Buffer.from([l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128])
  if (l < 268435455) return Buffer.from([l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128])
  return Buffer.from([
    Math.floor(l / 2 ** 28),
    ((l >> 21) & 127) | 128,
    ((l >> 14) & 127) | 128,
    ((l >> 7) & 127) | 128,
    (l & 127) | 128,
  ])
}

/** lpEncodeGetType + lpEncode*: integers in their smallest form, strings with a 6/12/32-bit length. */
function encodeEntry(element: Buffer): Buffer {
  const v = canonicalInt64(element)
  let head: Buffer
  if (v !== null) {
    if (v >= 0n && v <= 127n) head = Buffer.from([Number(v)])
    else if (v >= -4096n && v <= 4095n) {
      const u = v < 0n ? Number(v) + (1 << 13) : Number(v)
      head = Buffer.from([(u >> 8) | 0xc0, u & 0xff])
    } else if (v >= -32768n && v <= 32767n) {
      head = Buffer.alloc(3)
      head[0] = 0xf1
      head.writeInt16LE(Number(v), 1)
    } else if (v >= -8388608n && v <= 8388607n) {
      head = Buffer.alloc(4)
      head[0] = 0xf2
      head.writeIntLE(Number(v), 1, 3)
    } else if (v >= -2147483648n && v <= 2147483647n) {
      head = Buffer.alloc(5)
      head[0] = 0xf3
      head.writeInt32LE(Number(v), 1)
    } else {
      head = Buffer.alloc(9)
      head[0] = 0xf4
      head.writeBigInt64LE(v, 1)
    }
  } else if (element.length < 64) {
    head = Buffer.concat([Buffer.from([0x80 | element.length]), element])
  } else if (element.length < 4096) {
    head = Buffer.concat([Buffer.from([0xe0 | (element.length >> 8), element.length & 0xff]), element])
  } else {
    const len = Buffer.alloc(5)
    len[0] = 0xf0
    len.writeUInt32LE(element.length, 1)
    head = Buffer.concat([len, element])
  }
  return Buffer.concat([head, encodeBacklen(head.length)])
}

/** A listpack blob holding `elements` in order, as lpNew + lpAppend would build it. */
export function encodeListpack(elements: readonly Buffer[]): Buffer {
  const entries = elements.map(encodeEntry)
  const bodySize = entries.reduce((n, e) => n + e.length, 0)
  const header = Buffer.alloc(HEADER_SIZE)
  header.writeUInt32LE(HEADER_SIZE + bodySize + 1, 0)
  header.writeUInt16LE(elements.length < 0xffff ? elements.length : 0xffff, 4)
  return Buffer.concat([header, ...entries, Buffer.from([EOF])])
}
