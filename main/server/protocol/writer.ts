/**
 * Encodes the reply model for the client's protocol, byte for byte as Redis 7
 * does (RESP2 folds are described in reply.ts). Replies are appended to a
 * `ReplyBuffer`, which the connection drains into one socket write per
 * event-loop turn.
 */
import type { Reply } from './reply'

/** Redis's `%.17g`, the default text of a double reply. */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan'
  if (d === Infinity) return 'inf'
  if (d === -Infinity) return '-inf'
  if (d === 0) return Object.is(d, -0) ? '-0' : '0'
  const [mantissa, expText] = d.toExponential(16).split('e')
  const exp = Number(expText)
  if (exp < -4 || exp >= 17) {
    const digits = mantissa.replace(/\.?0+$/, '')
    const sign = exp < 0 ? '-' : '+'
    return `${digits}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`
  }
  const fixed = d.toFixed(Math.max(0, 16 - exp))
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed
}

/** Status and error lines cannot carry newlines: Redis turns them into spaces. */
function line(text: string): string {
  return /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, ' ') : text
}

/**
 * Replies are encoded straight into a per-client slab, and each turn's bytes
 * are a view of it (no concat, no copies). 16 KB, like Redis's per-client
 * reply buffer (PROTO_REPLY_CHUNK_BYTES); allocated on the first reply.
 */
const SLAB_SIZE = 16 * 1024
/** Bulks at least this big are queued by reference instead of copied into the slab. */
const COPY_LIMIT = 4 * 1024
const NO_SLAB = Buffer.alloc(0)

export class ReplyBuffer {
  private slab: Buffer = NO_SLAB
  /** First slab byte not yet taken, and the next byte to write. */
  private start = 0
  private end = 0
  /** Segments queued before the current slab segment (a filled slab, a big bulk), in order. */
  private parts: Buffer[] = []
  private size = 0

  /** Bytes queued (CLIENT LIST `omem` approximation). */
  get length(): number {
    return this.size + this.end - this.start
  }

  get isEmpty(): boolean {
    return this.size === 0 && this.end === this.start
  }

  append(reply: Reply, protocol: 2 | 3): void {
    const resp3 = protocol === 3
    switch (reply.t) {
      case 'simple':
        this.text(`+${line(reply.v)}\r\n`)
        return
      case 'error':
        this.text(`-${line(reply.v)}\r\n`)
        return
      case 'int':
        this.text(`:${reply.v}\r\n`)
        return
      case 'bulk':
        this.bulk(reply.v)
        return
      case 'nullBulk':
        this.text(resp3 ? '_\r\n' : '$-1\r\n')
        return
      case 'nullArray':
        this.text(resp3 ? '_\r\n' : '*-1\r\n')
        return
      case 'array':
        this.aggregate('*', reply.v, protocol)
        return
      case 'set':
        this.aggregate(resp3 ? '~' : '*', reply.v, protocol)
        return
      case 'push':
        this.aggregate(resp3 ? '>' : '*', reply.v, protocol)
        return
      case 'map':
        this.text(resp3 ? `%${reply.v.length}\r\n` : `*${reply.v.length * 2}\r\n`)
        for (const [k, v] of reply.v) {
          this.append(k, protocol)
          this.append(v, protocol)
        }
        return
      case 'double': {
        const text = reply.text ?? formatDouble(reply.v)
        if (resp3) this.text(`,${text}\r\n`)
        else this.bulk(text)
        return
      }
      case 'bool':
        this.text(resp3 ? (reply.v ? '#t\r\n' : '#f\r\n') : reply.v ? ':1\r\n' : ':0\r\n')
        return
      case 'verbatim':
        if (resp3) {
          const payload = Buffer.from(`${reply.format.padEnd(3).slice(0, 3)}:${reply.v}`)
          this.text(`=${payload.length}\r\n`)
          this.bytes(payload)
          this.text('\r\n')
        } else {
          this.bulk(reply.v)
        }
        return
      case 'bignum':
        if (resp3) this.text(`(${reply.v}\r\n`)
        else this.bulk(reply.v)
        return
      case 'raw':
        this.bytes(reply.v)
        return
      case 'multi':
        for (const item of reply.v) this.append(item, protocol)
        return
      case 'none':
        return
    }
  }

  /**
   * Everything queued as one buffer; the buffer is empty afterwards. The
   * result is a view of the slab, which later replies never overwrite (they
   * are written after it, or into a new slab), so it can be handed to
   * socket.write as is.
   */
  take(): Buffer {
    const segment = this.slab.subarray(this.start, this.end)
    this.start = this.end
    if (this.parts.length === 0) return segment
    this.parts.push(segment)
    const out = Buffer.concat(this.parts, this.size + segment.length)
    this.parts = []
    this.size = 0
    return out
  }

  private aggregate(kind: string, items: readonly Reply[], protocol: 2 | 3): void {
    this.text(`${kind}${items.length}\r\n`)
    for (const item of items) this.append(item, protocol)
  }

  private bulk(v: Buffer | string): void {
    if (typeof v === 'string') {
      const len = Buffer.byteLength(v)
      if (len < 1024) {
        this.text(`$${len}\r\n${v}\r\n`)
        return
      }
      v = Buffer.from(v)
    }
    this.text(`$${v.length}\r\n`)
    this.bytes(v)
    this.text('\r\n')
  }

  private text(s: string): void {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    this.reserve(s.length * 3)
    this.end += this.slab.write(s, this.end)
  }

  private bytes(b: Buffer): void {
    if (b.length >= COPY_LIMIT) {
      this.closeSegment()
      this.parts.push(b)
      this.size += b.length
      return
    }
    this.reserve(b.length)
    b.copy(this.slab, this.end)
    this.end += b.length
  }

  /** Makes room for `n` more bytes, moving to a new slab when the current one is full. */
  private reserve(n: number): void {
    if (this.end + n <= this.slab.length) return
    this.closeSegment()
    this.slab = Buffer.allocUnsafe(Math.max(SLAB_SIZE, n))
    this.start = 0
    this.end = 0
  }

  /** Queues the current slab segment as a part, so later bytes go after it. */
  private closeSegment(): void {
    if (this.end === this.start) return
    this.parts.push(this.slab.subarray(this.start, this.end))
    this.size += this.end - this.start
    this.start = this.end
  }
}

/** One reply as bytes (tests, cached replies). */
export function encodeReply(reply: Reply, protocol: 2 | 3): Buffer {
  const out = new ReplyBuffer()
  out.append(reply, protocol)
  return out.take()
}
