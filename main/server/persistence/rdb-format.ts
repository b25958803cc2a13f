/**
 * The RDB encodings shared by DUMP payloads and RDB files (rdb.h, rdb.c of
 * Redis 7.0): length prefixes, the three integer string encodings, LZF
 * strings, and both double formats. RdbReader throws RdbFormatError on any
 * malformed or truncated input so callers can map it to "Bad data format".
 */
import { lzfCompress, lzfDecompress } from './lzf'
import { formatDouble17g } from './double-format'

export class RdbFormatError extends Error {}

/** Object type bytes (rdb.h). */
export const RDB_TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  /** Redis 7.2 (RDB 11): a small set of strings as one listpack. */
  SET_LISTPACK: 20,
  /** Redis 7.2 (RDB 11): streams with consumer active-time. */
  STREAM_LISTPACKS_3: 21,
} as const

/**
 * The RDB version Redis 7.0 writes and the newest its DUMP/RESTORE accepts.
 * Files stay at 10 because Redis 7.0 refuses to load anything newer.
 */
export const RDB_VERSION = 10

/**
 * The newest RDB file version we read: 11 (Redis 7.2), whose only additions
 * are object types 20 (set as listpack) and 21 (stream v3), so a 7.2 dump
 * can be migrated here.
 */
export const RDB_MAX_READ_VERSION = 11

const ENC_INT8 = 0
const ENC_INT16 = 1
const ENC_INT32 = 2
const ENC_LZF = 3

/** Canonical decimal integer text (what string2ll + ll2string round-trip): no '+', no leading zeros, no "-0". */
const CANONICAL_INT = /^(0|-?[1-9][0-9]*)$/

/** The value of `s` when it is a canonical integer within int64, else null. */
export function canonicalInt64(s: Uint8Array): bigint | null {
  if (s.length === 0 || s.length > 20) return null
  const text = Buffer.from(s.buffer, s.byteOffset, s.length).toString('latin1')
  if (!CANONICAL_INT.test(text)) return null
  const v = BigInt(text)
  if (v < -(1n << 63n) || v > (1n << 63n) - 1n) return null
  return v
}

export class RdbReader {
  pos = 0
  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new RdbFormatError('unexpected end of data')
  }

  byte(): number {
    this.need(1)
    return this.buf[this.pos++]
  }

  bytes(n: number): Buffer {
    this.need(n)
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /** rdbLoadLenByRef: a plain length, or the special string encoding when `encoded` is set. */
  lengthOrEncoding(): { encoded: boolean; value: number } {
    const first = this.byte()
    const kind = (first & 0xc0) >> 6
    if (kind === 3) return { encoded: true, value: first & 0x3f }
    if (kind === 0) return { encoded: false, value: first & 0x3f }
    if (kind === 1) return { encoded: false, value: ((first & 0x3f) << 8) | this.byte() }
    if (first === 0x80) {
      this.need(4)
      const v = this.buf.readUInt32BE(this.pos)
      this.pos += 4
      return { encoded: false, value: v }
    }
    if (first === 0x81) {
      this.need(8)
      const v = this.buf.readBigUInt64BE(this.pos)
      this.pos += 8
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbFormatError('length too large')
      return { encoded: false, value: Number(v) }
    }
    throw new RdbFormatError(`unknown length encoding ${first}`)
  }

  length(): number {
    const l = this.lengthOrEncoding()
    if (l.encoded) throw new RdbFormatError('encoded value where a length was expected')
    return l.value
  }

  /** rdbGenericLoadStringObject. */
  string(): Buffer {
    const l = this.lengthOrEncoding()
    if (!l.encoded) return Buffer.from(this.bytes(l.value))
    switch (l.value) {
      case ENC_INT8:
        return Buffer.from(String(this.bytes(1).readInt8(0)))
      case ENC_INT16:
        return Buffer.from(String(this.bytes(2).readInt16LE(0)))
      case ENC_INT32:
        return Buffer.from(String(this.bytes(4).readInt32LE(0)))
      case ENC_LZF: {
        const compressedLength = this.length()
        const originalLength = this.length()
        const data = lzfDecompress(this.bytes(compressedLength), originalLength)
        if (data === null) throw new RdbFormatError('invalid LZF data')
        return data
      }
      default:
        throw new RdbFormatError(`unknown string encoding ${l.value}`)
    }
  }

  /** rdbLoadDoubleValue: the old text form (type ZSET) with its 253/254/255 markers. */
  doubleText(): number {
    const len = this.byte()
    if (len === 253) return NaN
    if (len === 254) return Infinity
    if (len === 255) return -Infinity
    const text = this.bytes(len).toString('latin1')
    const v = Number(text)
    if (Number.isNaN(v) && !/^[+-]?nan$/i.test(text)) throw new RdbFormatError('invalid double text')
    return v
  }

  /** rdbLoadBinaryDoubleValue: 8 bytes little-endian IEEE 754. */
  doubleBinary(): number {
    const v = this.bytes(8).readDoubleLE(0)
    return v
  }
}

export class RdbWriter {
  private chunks: Buffer[] = []
  private size = 0

  constructor(private readonly compress = true) {}

  raw(data: Buffer): this {
    this.chunks.push(data)
    this.size += data.length
    return this
  }

  byte(b: number): this {
    return this.raw(Buffer.from([b]))
  }

  /** rdbSaveLen. */
  length(n: number): this {
    if (n < 1 << 6) return this.byte(n)
    if (n < 1 << 14) return this.raw(Buffer.from([0x40 | (n >> 8), n & 0xff]))
    if (n <= 0xffffffff) {
      const b = Buffer.alloc(5)
      b[0] = 0x80
      b.writeUInt32BE(n, 1)
      return this.raw(b)
    }
    const b = Buffer.alloc(9)
    b[0] = 0x81
    b.writeBigUInt64BE(BigInt(n), 1)
    return this.raw(b)
  }

  /**
   * rdbSaveRawString: int encoding for short canonical integers that fit in
   * 32 bits, LZF for strings over 20 bytes when it saves at least 4 bytes,
   * else the bytes themselves.
   */
  string(s: Buffer): this {
    if (s.length <= 11) {
      const v = canonicalInt64(s)
      if (v !== null && this.integer(v)) return this
    }
    if (this.compress && s.length > 20) {
      const packed = lzfCompress(s, s.length - 4)
      if (packed !== null) {
        this.byte(0xc0 | ENC_LZF)
        this.length(packed.length)
        this.length(s.length)
        return this.raw(packed)
      }
    }
    this.length(s.length)
    return this.raw(s)
  }

  /** rdbEncodeInteger: false when the value needs more than 32 bits. */
  private integer(v: bigint): boolean {
    if (v >= -128n && v <= 127n) {
      const b = Buffer.alloc(2)
      b[0] = 0xc0 | ENC_INT8
      b.writeInt8(Number(v), 1)
      this.raw(b)
      return true
    }
    if (v >= -32768n && v <= 32767n) {
      const b = Buffer.alloc(3)
      b[0] = 0xc0 | ENC_INT16
      b.writeInt16LE(Number(v), 1)
      this.raw(b)
      return true
    }
    if (v >= -2147483648n && v <= 2147483647n) {
      const b = Buffer.alloc(5)
      b[0] = 0xc0 | ENC_INT32
      b.writeInt32LE(Number(v), 1)
      this.raw(b)
      return true
    }
    return false
  }

  doubleBinary(v: number): this {
    const b = Buffer.alloc(8)
    b.writeDoubleLE(v, 0)
    return this.raw(b)
  }

  /** rdbSaveDoubleValue (old text form), for completeness of the writer. */
  doubleText(v: number): this {
    if (Number.isNaN(v)) return this.byte(253)
    if (v === Infinity) return this.byte(254)
    if (v === -Infinity) return this.byte(255)
    const text = Buffer.from(formatDouble17g(v), 'latin1')
    this.byte(text.length)
    return this.raw(text)
  }

  get length_(): number {
    return this.size
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size)
  }
}
