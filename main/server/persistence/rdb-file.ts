/**
 * Whole RDB files (rdbSaveRio / rdbLoadRio of Redis 7.0.15), built on the
 * value codec in rdb-value.ts.
 *
 * Writing — a STREAMING writer, so a million-key dump never builds one giant
 * buffer:
 *
 *   const w = new RdbFileWriter((chunk) => out.write(chunk), { compression: true, checksum: true })
 *   w.header(auxFields)                 // "REDIS0010" + AUX fields in the order given
 *   w.selectDb(0, db.size(), db.expiresSize())
 *   w.key(keyBuffer, value, expireAtMs) // per key; expireAtMs undefined = no TTL
 *   w.finish()                          // EOF + CRC64 (0 when checksum is off), flushes the rest
 *
 * Chunks (about `chunkSize` bytes, 64 KB by default) are handed to the sink as
 * they fill; the sink must consume or copy the chunk before returning (the
 * writer never reuses a chunk it handed over, so keeping it is also fine).
 * `standardAuxFields()` builds Redis's AUX list (redis-ver … aof-base).
 *
 * Reading:
 *
 *   readRdb(bytes, { onAux, onSelectDb, onResizeDb, onKey }, { fileName: 'dump.rdb' })
 *
 * calls back per AUX field, SELECTDB, RESIZEDB and key (value in the portable
 * shape of rdb-value.ts; value-bridge.ts fromPortable makes a store value;
 * `onKeyText` instead of `onKey` gets the key as latin1 text, decoded from the
 * image without a Buffer per key — the loader's bulk path),
 * checks EOF + CRC64, and throws `RdbLoadError` (file name, byte offset,
 * reason) on anything malformed, truncated or unsupported (modules,
 * functions, streams). Empty keys are skipped, as Redis does.
 */
import { Crc64 } from './crc64'
import { lzfCompress } from './lzf'
import { RDB_MAX_READ_VERSION, RDB_TYPE, RDB_VERSION, RdbFormatError, RdbReader, RdbWriter, canonicalInt64 } from './rdb-format'
import { DEFAULT_LIMITS, readValue, writeValue, type EncodingLimits, type PortableValue } from './rdb-value'
import { toPortable } from './value-bridge'
import type { RedisValue } from '../store/values'

/** rdb.h opcodes. */
export const RDB_OPCODE = {
  FUNCTION2: 245,
  FUNCTION: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const

export interface RdbFileWriterOptions {
  /** rdbcompression: LZF for strings over 20 bytes. */
  readonly compression: boolean
  /** rdbchecksum: CRC64 after EOF; 0 when off. */
  readonly checksum: boolean
  /** *-max-listpack-* directives deciding compact encodings (defaults when absent). */
  readonly limits?: EncodingLimits
  /** Bytes gathered before a chunk goes to the sink. */
  readonly chunkSize?: number
}

/** What Redis knows about replication when it saves (rdbPopulateSaveInfo). */
export interface RdbReplicationInfo {
  readonly streamDb: number
  readonly replId: string
  readonly offset: number
}

/** rdbSaveInfoAuxFields: Redis 7.0.15's AUX fields in its order. */
export function standardAuxFields(options: {
  nowMs: number
  usedMemory: number
  replication?: RdbReplicationInfo
  aofBase?: boolean
}): [string, string][] {
  const aux: [string, string][] = [
    ['redis-ver', '7.0.15'],
    ['redis-bits', '64'],
    ['ctime', String(Math.floor(options.nowMs / 1000))],
    ['used-mem', String(Math.max(0, Math.floor(options.usedMemory)))],
  ]
  if (options.replication) {
    aux.push(['repl-stream-db', String(options.replication.streamDb)])
    aux.push(['repl-id', options.replication.replId])
    aux.push(['repl-offset', String(options.replication.offset)])
  }
  aux.push(['aof-base', options.aofBase ? '1' : '0'])
  return aux
}

const DEFAULT_CHUNK = 64 * 1024

/** A canonical decimal that fits in 32 bits, without BigInt for the common non-numeric case. */
function smallInteger(s: Buffer): number | null {
  if (s.length === 0 || s.length > 11) return null
  const first = s[0]
  if (first !== 0x2d && (first < 0x30 || first > 0x39)) return null
  const v = canonicalInt64(s)
  if (v === null || v < -2147483648n || v > 2147483647n) return null
  return Number(v)
}

export class RdbFileWriter {
  private chunk: Buffer
  private used = 0
  private readonly crc = new Crc64()
  private readonly chunkSize: number
  private readonly limits: EncodingLimits
  private written = 0
  private finished = false

  constructor(
    private readonly sink: (chunk: Buffer) => void,
    private readonly options: RdbFileWriterOptions,
  ) {
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK
    this.limits = options.limits ?? DEFAULT_LIMITS
    this.chunk = Buffer.allocUnsafe(this.chunkSize)
  }

  /** Bytes handed to the sink so far plus those still gathered. */
  get bytesWritten(): number {
    return this.written + this.used
  }

  /** `REDIS0010` then each AUX field. */
  header(aux: readonly (readonly [string, string])[]): void {
    this.raw(Buffer.from(`REDIS${String(RDB_VERSION).padStart(4, '0')}`, 'latin1'))
    for (const [k, v] of aux) {
      this.byte(RDB_OPCODE.AUX)
      this.string(Buffer.from(k, 'latin1'))
      this.string(Buffer.from(v, 'latin1'))
    }
  }

  /** SELECTDB + RESIZEDB before a database's keys. */
  selectDb(index: number, size: number, expiresSize: number): void {
    this.byte(RDB_OPCODE.SELECTDB)
    this.length(index)
    this.byte(RDB_OPCODE.RESIZEDB)
    this.length(size)
    this.length(expiresSize)
  }

  /** rdbSaveKeyValuePair: [EXPIRETIME_MS] type key value. */
  key(key: Buffer, value: RedisValue, expireAtMs: number | undefined): void {
    if (expireAtMs !== undefined) {
      this.ensure(9)
      this.chunk[this.used++] = RDB_OPCODE.EXPIRETIME_MS
      this.chunk.writeBigInt64LE(BigInt(Math.trunc(expireAtMs)), this.used)
      this.used += 8
    }
    if (value.type === 'string') {
      // The hot path of a big dump: no intermediate RdbWriter.
      this.byte(RDB_TYPE.STRING)
      this.string(key)
      this.stringText(value.text)
      return
    }
    const portable = toPortable(value)
    if (portable === null) throw new Error(`RDB writer: cannot save a value of type ${value.type}`)
    this.portableKey(key, portable)
  }

  /** A key whose value is already in portable form (tests, conversions). */
  portableKey(key: Buffer, value: PortableValue): void {
    const w = new RdbWriter(this.options.compression)
    writeValue(value, w, this.limits)
    const body = w.toBuffer()
    // Type byte first, then the key, then the rest of the value.
    this.byte(body[0])
    this.string(key)
    this.raw(body.subarray(1))
  }

  /** EOF + CRC64, then hands over the last chunk. */
  finish(): void {
    if (this.finished) return
    this.byte(RDB_OPCODE.EOF)
    this.flush()
    const crc = this.options.checksum ? this.crc.bytesLE() : Buffer.alloc(8)
    this.written += crc.length
    this.sink(crc)
    this.finished = true
  }

  // ---- primitives ---------------------------------------------------------

  private flush(): void {
    if (this.used === 0) return
    const out = this.chunk.subarray(0, this.used)
    if (this.options.checksum) this.crc.update(out)
    this.written += this.used
    this.chunk = Buffer.allocUnsafe(this.chunkSize)
    this.used = 0
    this.sink(out)
  }

  private ensure(n: number): void {
    if (this.used + n > this.chunk.length) this.flush()
  }

  private byte(b: number): void {
    this.ensure(1)
    this.chunk[this.used++] = b
  }

  private raw(data: Uint8Array): void {
    if (data.length > this.chunkSize) {
      this.flush()
      const copy = Buffer.from(data)
      if (this.options.checksum) this.crc.update(copy)
      this.written += copy.length
      this.sink(copy)
      return
    }
    this.ensure(data.length)
    this.chunk.set(data, this.used)
    this.used += data.length
  }

  /** rdbSaveLen. */
  private length(n: number): void {
    this.ensure(9)
    const c = this.chunk
    if (n < 1 << 6) c[this.used++] = n
    else if (n < 1 << 14) {
      c[this.used++] = 0x40 | (n >> 8)
      c[this.used++] = n & 0xff
    } else if (n <= 0xffffffff) {
      c[this.used++] = 0x80
      c.writeUInt32BE(n, this.used)
      this.used += 4
    } else {
      c[this.used++] = 0x81
      c.writeBigUInt64BE(BigInt(n), this.used)
      this.used += 8
    }
  }

  /**
   * string() of latin1 text (how the keyspace holds string values): a plain
   * string is written straight into the chunk, without a Buffer of its own.
   */
  private stringText(t: string): void {
    const length = t.length
    const first = t.charCodeAt(0)
    const mayBeInteger = length > 0 && length <= 11 && (first === 0x2d || (first >= 0x30 && first <= 0x39))
    if (mayBeInteger || (this.options.compression && length > 20) || length > this.chunkSize) {
      this.string(Buffer.from(t, 'latin1'))
      return
    }
    this.length(length)
    this.ensure(length)
    this.used += this.chunk.write(t, this.used, length, 'latin1')
  }

  /** rdbSaveRawString: integer encodings, then LZF over 20 bytes, else the bytes. */
  private string(s: Buffer): void {
    const int = smallInteger(s)
    if (int !== null) {
      this.ensure(5)
      const c = this.chunk
      if (int >= -128 && int <= 127) {
        c[this.used++] = 0xc0
        c.writeInt8(int, this.used)
        this.used += 1
      } else if (int >= -32768 && int <= 32767) {
        c[this.used++] = 0xc1
        c.writeInt16LE(int, this.used)
        this.used += 2
      } else {
        c[this.used++] = 0xc2
        c.writeInt32LE(int, this.used)
        this.used += 4
      }
      return
    }
    if (this.options.compression && s.length > 20) {
      const packed = lzfCompress(s, s.length - 4)
      if (packed !== null) {
        this.byte(0xc3)
        this.length(packed.length)
        this.length(s.length)
        this.raw(packed)
        return
      }
    }
    this.length(s.length)
    this.raw(s)
  }
}

// ---- reading ------------------------------------------------------------------

/** A file that cannot be loaded: where and why. */
export class RdbLoadError extends Error {
  constructor(
    readonly fileName: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`Bad RDB file ${fileName} at byte offset ${offset}: ${reason}`)
    this.name = 'RdbLoadError'
  }
}

export interface RdbReadHandlers {
  onAux?(key: string, value: Buffer): void
  onSelectDb?(index: number): void
  onResizeDb?(size: number, expiresSize: number): void
  /** One key of the current database; expireAtMs is absolute unix ms, undefined without a TTL. */
  onKey?(db: number, key: Buffer, value: PortableValue, expireAtMs: number | undefined): void
  /**
   * Instead of onKey, for a loader that keys by latin1 text (the keyspace's
   * form): the key is decoded straight from the file bytes, without a Buffer
   * per key. When given, onKey is not called.
   */
  onKeyText?(db: number, key: string, value: PortableValue, expireAtMs: number | undefined): void
  /**
   * With onKeyText: a STRING key's value as latin1 text too (the form the
   * keyspace holds string values in), instead of a PortableValue.
   */
  onStringText?(db: number, key: string, value: string, expireAtMs: number | undefined): void
  /** A key whose value was empty (skipped, as rdbLoadRio does with a warning). */
  onEmptyKey?(db: number, key: Buffer): void
}

export interface RdbReadOptions {
  /** Named in errors. */
  readonly fileName: string
}

export interface RdbReadResult {
  readonly version: number
  /** False when the file stored a zero checksum (rdbchecksum no), so nothing was verified. */
  readonly checksumVerified: boolean
  /** Bytes consumed, EOF and checksum included. */
  readonly length: number
}

const STREAM_TYPES = new Set<number>([RDB_TYPE.STREAM_LISTPACKS, RDB_TYPE.STREAM_LISTPACKS_2, RDB_TYPE.STREAM_LISTPACKS_3])
const MODULE_TYPES = new Set<number>([RDB_TYPE.MODULE, RDB_TYPE.MODULE_2])

/** rdbIsObjectType of Redis 7.2 (0..7 and 9..21): files are read up to RDB 11. */
function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 21)
}

/** rdbLoadRio over a complete file image. */
export function readRdb(bytes: Buffer, handlers: RdbReadHandlers, options: RdbReadOptions): RdbReadResult {
  const file = options.fileName
  const r = new RdbReader(bytes)
  // The start of the record being parsed: errors name it (a truncation names where the data ran out).
  let recordStart = 0
  const fail = (reason: string, at = recordStart): never => {
    throw new RdbLoadError(file, at, reason)
  }

  const header = readHeader(bytes)
  if (typeof header !== 'number') fail(header.reason, header.at)
  const version = header as number
  r.pos = 9

  const parser = new RdbRecordParser(handlers)
  try {
    for (;;) {
      recordStart = r.pos
      if (parser.record(r)) return finishEof(bytes, r, version, file)
    }
  } catch (e) {
    if (e instanceof RdbLoadError) throw e
    if (e instanceof RdbFormatError) {
      if (e.message === TRUNCATED) {
        throw new RdbLoadError(file, bytes.length, `unexpected end of file (truncated) in the record at byte offset ${recordStart}`)
      }
      throw new RdbLoadError(file, recordStart, e.message)
    }
    throw e
  }
}

/** What RdbReader throws when a record runs past the bytes it has. */
const TRUNCATED = 'unexpected end of data'

/** The header's version, or an error text naming the offset it belongs to. */
function readHeader(bytes: Buffer): number | { reason: string; at: number } {
  if (bytes.length < 9) return { reason: bytes.length === 0 ? 'empty file' : 'file too short for the RDB header', at: 0 }
  if (bytes.subarray(0, 5).toString('latin1') !== 'REDIS') return { reason: 'wrong signature (not an RDB file)', at: 0 }
  const versionText = bytes.subarray(5, 9).toString('latin1')
  const version = /^[0-9]{4}$/.test(versionText) ? Number(versionText) : NaN
  if (!(version >= 1 && version <= RDB_MAX_READ_VERSION)) return { reason: `can't handle RDB format version ${versionText}`, at: 5 }
  return version
}

/**
 * One record of rdbLoadRio at a time, with the state carried between records
 * (the selected db, a pending expire). A record either completes — its
 * handler called — or throws before any handler ran, so a record cut short
 * (RdbFormatError TRUNCATED) can be parsed again from its start once more
 * bytes are there: what the streaming reader relies on.
 */
class RdbRecordParser {
  private db = 0
  private expireAt: number | undefined
  private readonly onKeyText: RdbReadHandlers['onKeyText']
  private readonly onStringText: RdbReadHandlers['onStringText']

  constructor(private readonly handlers: RdbReadHandlers) {
    this.onKeyText = handlers.onKeyText
    this.onStringText = handlers.onKeyText !== undefined ? handlers.onStringText : undefined
  }

  /** Parses the record at r.pos; true when it was the EOF opcode (r.pos just past it). */
  record(r: RdbReader): boolean {
    const handlers = this.handlers
    const type = r.byte()
    switch (type) {
      case RDB_OPCODE.EXPIRETIME: {
        this.expireAt = r.bytes(4).readInt32LE(0) * 1000
        return false
      }
      case RDB_OPCODE.EXPIRETIME_MS: {
        // Written little-endian from v9; host order (x86: little-endian) before.
        this.expireAt = readInt64LE(r)
        return false
      }
      case RDB_OPCODE.FREQ:
        r.byte()
        return false
      case RDB_OPCODE.IDLE:
        r.length()
        return false
      case RDB_OPCODE.EOF:
        return true
      case RDB_OPCODE.SELECTDB:
        this.db = r.length()
        handlers.onSelectDb?.(this.db)
        return false
      case RDB_OPCODE.RESIZEDB: {
        const size = r.length()
        const expires = r.length()
        handlers.onResizeDb?.(size, expires)
        return false
      }
      case RDB_OPCODE.AUX: {
        const key = r.string().toString('latin1')
        const value = r.string()
        handlers.onAux?.(key, value)
        return false
      }
      case RDB_OPCODE.MODULE_AUX:
        throw new RdbFormatError('module auxiliary data (MODULE_AUX) found, but tandem-server has no modules')
      case RDB_OPCODE.FUNCTION:
      case RDB_OPCODE.FUNCTION2:
        throw new RdbFormatError('function libraries (FUNCTION) found, but tandem-server does not support functions')
      default:
        break
    }
    if (!isObjectType(type)) throw new RdbFormatError(`unknown RDB object type ${type}`)
    const db = this.db
    const onKeyText = this.onKeyText
    const onStringText = this.onStringText
    if (onStringText !== undefined && type === RDB_TYPE.STRING) {
      // The bulk of a big dump: key and value text straight from the image.
      const key = readStringText(r)
      const value = readStringText(r)
      const expireAt = this.expireAt
      this.expireAt = undefined
      onStringText(db, key, value, expireAt)
      return false
    }
    const key = onKeyText !== undefined ? Buffer.from(readStringText(r), 'latin1') : r.string()
    if (MODULE_TYPES.has(type)) throw new RdbFormatError(`key '${printable(key)}' holds a module value, but tandem-server has no modules`)
    if (STREAM_TYPES.has(type)) throw new RdbFormatError(`key '${printable(key)}' holds a stream, which tandem-server does not support yet`)
    let value: PortableValue | null = null
    try {
      value = readValue(type, r)
    } catch (e) {
      if (!(e instanceof RdbFormatError && e.message === 'empty key')) throw e
    }
    const expireAt = this.expireAt
    this.expireAt = undefined
    if (value === null) handlers.onEmptyKey?.(db, key)
    else if (onKeyText !== undefined) onKeyText(db, key.toString('latin1'), value, expireAt)
    else handlers.onKey?.(db, key, value, expireAt)
    return false
  }
}

/**
 * rdbLoadRio fed piece by piece (a replica parsing its full sync while the
 * bytes still arrive): push() parses every complete record and keeps the cut
 * one for the next push (retried only once the bytes waiting have doubled,
 * so a huge value is not re-parsed per chunk); end() says the payload is
 * over and checks the EOF and CRC64. Handlers, errors and offsets are those
 * of readRdb over the concatenated bytes; bytes after the checksum are
 * ignored as readRdb ignores them.
 */
export class RdbStreamReader {
  private readonly parser: RdbRecordParser
  private readonly crc = new Crc64()
  /** Unparsed bytes: the start of a cut record (or of the header / checksum). */
  private pending: Buffer = Buffer.alloc(0)
  private waiting: Buffer[] = []
  private waitingLength = 0
  /** Bytes available before the cut record is tried again. */
  private retryAt = 0
  /** Absolute offset of pending[0]. */
  private base = 0
  private version = 0
  private eofSeen = false
  private result: RdbReadResult | undefined

  constructor(
    handlers: RdbReadHandlers,
    private readonly options: RdbReadOptions,
  ) {
    this.parser = new RdbRecordParser(handlers)
  }

  /** Bytes pushed so far. */
  get bytesSeen(): number {
    return this.base + this.pending.length + this.waitingLength
  }

  /** Throws RdbLoadError as soon as a complete record is bad. */
  push(chunk: Buffer): void {
    if (this.result !== undefined || chunk.length === 0) return
    // Our own copy: values may keep slices of it, and the caller may reuse its buffer.
    this.waiting.push(Buffer.from(chunk))
    this.waitingLength += chunk.length
    if (this.pending.length + this.waitingLength >= this.retryAt) this.parse()
  }

  /** The payload is complete: the checksum verdict, or RdbLoadError (truncated, bad CRC …). */
  end(): RdbReadResult {
    if (this.result === undefined && this.waitingLength > 0) this.parse()
    if (this.result !== undefined) return this.result
    const file = this.options.fileName
    const total = this.bytesSeen
    if (this.version === 0) {
      const header = readHeader(this.pending)
      throw new RdbLoadError(file, typeof header === 'number' ? total : header.at, typeof header === 'number' ? 'file too short for the RDB header' : header.reason)
    }
    if (this.eofSeen) throw new RdbLoadError(file, total, 'unexpected end of file (truncated) in the checksum after EOF')
    throw new RdbLoadError(file, total, `unexpected end of file (truncated) in the record at byte offset ${this.base}`)
  }

  private parse(): void {
    const bytes = this.waiting.length === 0 ? this.pending : Buffer.concat([this.pending, ...this.waiting], this.pending.length + this.waitingLength)
    this.waiting = []
    this.waitingLength = 0
    this.retryAt = 0
    const file = this.options.fileName
    const r = new RdbReader(bytes)
    if (this.version === 0) {
      if (bytes.length < 9) return this.keep(bytes, 0, 9)
      const header = readHeader(bytes)
      if (typeof header !== 'number') throw new RdbLoadError(file, header.at, header.reason)
      this.version = header
      r.pos = 9
    }
    let recordStart = r.pos
    if (!this.eofSeen) {
      try {
        for (;;) {
          recordStart = r.pos
          if (this.parser.record(r)) break
        }
      } catch (e) {
        if (e instanceof RdbLoadError) throw e
        if (!(e instanceof RdbFormatError)) throw e
        if (e.message !== TRUNCATED) throw new RdbLoadError(file, this.base + recordStart, e.message)
        // Cut short: try this record again when twice the bytes it had are there.
        return this.keep(bytes, recordStart, 2 * (bytes.length - recordStart) + 1)
      }
      this.eofSeen = true
      this.crc.update(bytes.subarray(0, r.pos))
      if (this.version < 5) {
        this.result = { version: this.version, checksumVerified: false, length: this.base + r.pos }
        return
      }
      recordStart = r.pos
    }
    if (bytes.length - recordStart < 8) return this.keep(bytes, recordStart, 8, false)
    const crcAt = this.base + recordStart
    const stored = bytes.subarray(recordStart, recordStart + 8)
    if (stored.every((b) => b === 0)) {
      this.result = { version: this.version, checksumVerified: false, length: crcAt + 8 }
      return
    }
    const computed = this.crc.bytesLE()
    if (!computed.equals(stored)) {
      throw new RdbLoadError(file, crcAt, `wrong RDB checksum expected: (${hex64(computed)}) got (${hex64(stored)})`)
    }
    this.result = { version: this.version, checksumVerified: true, length: crcAt + 8 }
  }

  /** Keeps bytes[from..] for the next parse; the bytes before it go into the checksum unless already counted. */
  private keep(bytes: Buffer, from: number, retryAt: number, count = true): void {
    if (count && from > 0) this.crc.update(bytes.subarray(0, from))
    this.pending = bytes.subarray(from)
    this.base += from
    this.retryAt = retryAt
  }
}

/** The 6- or 14-bit plain length at `at` (nearly every key and small value has one), or -1 for anything else. */
function shortLength(buf: Buffer, at: number): number {
  if (at >= buf.length) return -1
  const first = buf[at]
  if (first < 0x40) return first
  if (first < 0x80 && at + 1 < buf.length) return ((first & 0x3f) << 8) | buf[at + 1]
  return -1
}

/**
 * A plain string (6- or 14-bit length, no special encoding) wholly inside the
 * image: its end offset, with `r.pos` left at its start — or -1 (integer and
 * LZF encodings, long strings, truncation), for the generic reader to handle.
 */
function plainStringEnd(r: RdbReader): number {
  const buf = r.buf
  const at = r.pos
  const length = shortLength(buf, at)
  if (length < 0) return -1
  const start = at + (buf[at] < 0x40 ? 1 : 2)
  if (start + length > buf.length) return -1
  r.pos = start
  return start + length
}

/** A string (key or value) as latin1 text (one char per byte), decoded from the image without an intermediate Buffer. */
function readStringText(r: RdbReader): string {
  const end = plainStringEnd(r)
  if (end < 0) return r.string().toString('latin1')
  const start = r.pos
  r.pos = end
  return r.buf.toString('latin1', start, end)
}

/** A little-endian int64 as a number, rounded as Number(BigInt) would (one rounding of the exact sum). */
function readInt64LE(r: RdbReader): number {
  const b = r.bytes(8)
  return b.readInt32LE(4) * 4294967296 + b.readUInt32LE(0)
}

function finishEof(bytes: Buffer, r: RdbReader, version: number, file: string): RdbReadResult {
  if (version < 5) return { version, checksumVerified: false, length: r.pos }
  const crcAt = r.pos
  if (bytes.length - crcAt < 8) throw new RdbLoadError(file, bytes.length, 'unexpected end of file (truncated) in the checksum after EOF')
  const stored = bytes.subarray(crcAt, crcAt + 8)
  if (stored.every((b) => b === 0)) return { version, checksumVerified: false, length: crcAt + 8 }
  const computed = new Crc64().update(bytes.subarray(0, crcAt)).bytesLE()
  if (!computed.equals(stored)) {
    throw new RdbLoadError(
      file,
      crcAt,
      `wrong RDB checksum expected: (${hex64(computed)}) got (${hex64(stored)})`,
    )
  }
  return { version, checksumVerified: true, length: crcAt + 8 }
}

function hex64(le: Buffer): string {
  return le.readBigUInt64LE(0).toString(16)
}

/** A key as an error message shows it: printable ASCII, the rest \xNN, at most 64 bytes. */
function printable(key: Buffer): string {
  let out = ''
  for (const b of key.subarray(0, 64)) out += b >= 0x20 && b < 0x7f && b !== 0x27 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`
  return key.length > 64 ? `${out}...` : out
}
