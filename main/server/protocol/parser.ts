/**
 * Streaming request parser: RESP2 multibulk (`*N\r\n$len\r\narg\r\n…`) and
 * inline commands (`SET k v\r\n` from telnet), exactly as networking.c's
 * processMultibulkBuffer/processInlineBuffer, including their error words.
 *
 * Bytes arrive in arbitrary chunks. The parser keeps one buffer and a read
 * offset; only the unparsed tail is carried over when a new chunk arrives, and
 * a bulk argument too large to arrive in one chunk is received straight into
 * its own buffer of the announced size, so no byte is copied more than once
 * or twice however the input is split.
 */
import { splitArgsBytes } from '../../../shared/split-args'

/** Redis's PROTO_INLINE_MAX_SIZE: also caps the `*N` and `$N` header lines. */
export const INLINE_MAX_SIZE = 64 * 1024
/** Bulks at least this big that are not yet complete get their own buffer (Redis's PROTO_MBULK_BIG_ARG idea). */
const BIG_ARG = 32 * 1024
/** Smaller arguments are copied out so they don't pin the whole socket chunk in memory. */
const COPY_BELOW = 4096

export interface ParserLimits {
  /** proto-max-bulk-len, read per request so CONFIG SET applies at once. */
  maxBulkLen(): number
  /** True while the client must still authenticate (tighter header limits, as Redis). */
  authRequired(): boolean
}

/** The request could not be parsed: reply `-ERR Protocol error: <message>` and close. */
export class ProtocolError {
  constructor(readonly message: string) {}
}

const CR = 13
const LF = 10
const EMPTY = Buffer.alloc(0)

/** Redis's string2ll: optional '-', no '+', no leading zeros, no spaces. */
function parseStrictInt(buf: Buffer, start: number, end: number): number | null {
  if (start >= end || end - start > 20) return null
  let i = start
  const negative = buf[i] === 0x2d
  if (negative) i++
  if (i >= end) return null
  if (buf[i] === 0x30) return end - i === 1 && !negative ? 0 : null
  let value = 0
  for (; i < end; i++) {
    const d = buf[i] - 0x30
    if (d < 0 || d > 9) return null
    value = value * 10 + d
  }
  if (!Number.isSafeInteger(value)) return null
  return negative ? -value : value
}

/** buf[start, end) as a buffer of its own: no intermediate view, and short arguments copied without a native call. */
function copyOut(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start)
  if (end - start <= 32) {
    for (let i = start, j = 0; i < end; i++, j++) out[j] = buf[i]
  } else {
    buf.copy(out, 0, start, end)
  }
  return out
}

export class RequestParser {
  private buf: Buffer = EMPTY
  private pos = 0
  /** Arguments still expected by the multibulk in progress (0 = none in progress). */
  private multibulkLeft = 0
  /** Length of the bulk whose header was read, -1 when the next thing is a `$` header. */
  private bulkLen = -1
  private argv: Buffer[] = []
  /** A big bulk being received in place; `bigFilled` bytes of `bulkLen + 2` so far. */
  private big: Buffer | null = null
  private bigFilled = 0
  private failed = false

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received but not yet turned into commands (CLIENT LIST `qbuf`). */
  get pendingBytes(): number {
    return this.buf.length - this.pos + this.bigFilled
  }

  feed(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return
    let offset = 0
    if (this.big) {
      offset = Math.min(chunk.length, this.big.length - this.bigFilled)
      chunk.copy(this.big, this.bigFilled, 0, offset)
      this.bigFilled += offset
      if (offset === chunk.length) return
    }
    const rest = offset === 0 ? chunk : chunk.subarray(offset)
    if (this.pos >= this.buf.length) {
      this.buf = rest
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), rest])
    }
    this.pos = 0
  }

  /** The next complete command, a protocol error (terminal), or null when more bytes are needed. */
  next(): Buffer[] | ProtocolError | null {
    if (this.failed) return null
    if (this.big) {
      if (this.bigFilled < this.big.length) return null
      this.argv.push(this.big.subarray(0, this.bulkLen))
      this.big = null
      this.bigFilled = 0
      this.bulkLen = -1
      this.multibulkLeft--
      if (this.multibulkLeft === 0) return this.takeArgv()
    }
    for (;;) {
      if (this.multibulkLeft === 0) {
        if (this.pos >= this.buf.length) return null
        const result = this.buf[this.pos] === 0x2a ? this.readMultibulkHeader() : this.readInline()
        if (result === 'skip') continue
        if (result instanceof ProtocolError) return this.fail(result)
        if (result === null) return null
        if (Array.isArray(result)) return result
      }
      const arg = this.readBulks()
      if (arg instanceof ProtocolError) return this.fail(arg)
      return arg
    }
  }

  private fail(error: ProtocolError): ProtocolError {
    this.failed = true
    this.buf = EMPTY
    this.pos = 0
    this.big = null
    return error
  }

  private takeArgv(): Buffer[] {
    const argv = this.argv
    this.argv = []
    return argv
  }

  private readInline(): Buffer[] | ProtocolError | 'skip' | null {
    let newline = this.buf.indexOf(LF, this.pos)
    if (newline === -1) {
      if (this.buf.length - this.pos > INLINE_MAX_SIZE) return new ProtocolError('too big inline request')
      return null
    }
    const next = newline + 1
    if (newline > this.pos && this.buf[newline - 1] === CR) newline--
    const args = splitArgsBytes(this.buf.subarray(this.pos, newline))
    if (args === null) return new ProtocolError('unbalanced quotes in request')
    this.pos = next
    if (args.length === 0) return 'skip'
    return args.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))
  }

  /** Finds the `\r` ending a header line and checks its `\n` arrived too; null when incomplete. */
  private headerEnd(tooBig: string): number | ProtocolError | null {
    const cr = this.buf.indexOf(CR, this.pos)
    if (cr === -1) {
      if (this.buf.length - this.pos > INLINE_MAX_SIZE) return new ProtocolError(tooBig)
      return null
    }
    if (cr + 1 >= this.buf.length) return null
    return cr
  }

  private readMultibulkHeader(): ProtocolError | 'skip' | null | 'started' {
    const cr = this.headerEnd('too big mbulk count string')
    if (cr === null || cr instanceof ProtocolError) return cr
    const count = parseStrictInt(this.buf, this.pos + 1, cr)
    if (count === null || count > 0x7fffffff) return new ProtocolError('invalid multibulk length')
    if (count > 10 && this.limits.authRequired()) return new ProtocolError('unauthenticated multibulk length')
    this.pos = cr + 2
    if (count <= 0) return 'skip'
    this.multibulkLeft = count
    this.bulkLen = -1
    return 'started'
  }

  /** Reads bulks of the multibulk in progress; the argv once all arrived, null when more bytes are needed. */
  private readBulks(): Buffer[] | ProtocolError | null {
    while (this.multibulkLeft > 0) {
      if (this.bulkLen === -1) {
        const cr = this.headerEnd('too big bulk count string')
        if (cr === null || cr instanceof ProtocolError) return cr
        if (this.buf[this.pos] !== 0x24) {
          return new ProtocolError(`expected '$', got '${String.fromCharCode(this.buf[this.pos])}'`)
        }
        const len = parseStrictInt(this.buf, this.pos + 1, cr)
        if (len === null || len < 0 || len > this.limits.maxBulkLen()) return new ProtocolError('invalid bulk length')
        if (len > 16384 && this.limits.authRequired()) return new ProtocolError('unauthenticated bulk length')
        this.pos = cr + 2
        this.bulkLen = len
      }
      const available = this.buf.length - this.pos
      const needed = this.bulkLen + 2
      if (available < needed) {
        if (this.bulkLen >= BIG_ARG) {
          // Receive the rest of this argument directly into its final buffer.
          this.big = Buffer.allocUnsafe(needed)
          this.buf.copy(this.big, 0, this.pos)
          this.bigFilled = available
          this.buf = EMPTY
          this.pos = 0
        }
        return null
      }
      const start = this.pos
      const end = start + this.bulkLen
      this.argv.push(this.bulkLen < COPY_BELOW ? copyOut(this.buf, start, end) : this.buf.subarray(start, end))
      this.pos = end + 2
      this.bulkLen = -1
      this.multibulkLeft--
    }
    return this.takeArgv()
  }
}
