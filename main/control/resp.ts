/**
 * RESP for the console: encode one command, decode replies into ConsoleReply
 * with the exact wire type kept.
 *
 * Why not ioredis's own Decoder: its type mapping only chooses String vs
 * Buffer per RESP type, so status, bulk, integer and double cannot all be told
 * apart at once, and integers come out as JS numbers (int64 values above 2^53
 * would be printed wrong). A console must show what the server sent, byte for
 * byte, so this small streaming decoder keeps every scalar as its wire text.
 */
import type { ConsoleReply } from '../../shared/types'

export function encodeCommand(argv: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)]
  for (const arg of argv) {
    const bytes = Buffer.from(arg, 'utf8')
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'))
  }
  return Buffer.concat(parts)
}

function endsWithCrlf(buf: Buffer): boolean {
  return buf.length >= 2 && buf[buf.length - 2] === 13 && buf[buf.length - 1] === 10
}

/** Thrown (internally) when the buffer does not yet hold a complete reply. */
const INCOMPLETE = Symbol('incomplete')

export class RespProtocolError extends Error {}

/**
 * Feed bytes with `push()`; complete top-level replies come out of `onReply`.
 * Partial input is kept until the rest arrives; a reply is only parsed once
 * all its bytes are present, so nesting needs no resumable state.
 */
export class RespDecoder {
  private buffer: Buffer = Buffer.alloc(0)
  private pos = 0

  constructor(private readonly onReply: (reply: ConsoleReply) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    // Every complete reply ends in CRLF: skip re-parsing big replies that are still arriving.
    if (!endsWithCrlf(this.buffer)) return
    for (;;) {
      this.pos = 0
      let reply: ConsoleReply
      try {
        reply = this.parse()
      } catch (e) {
        if (e === INCOMPLETE) return
        throw e
      }
      this.buffer = this.buffer.subarray(this.pos)
      this.onReply(reply)
      if (this.buffer.length === 0) return
    }
  }

  reset(): void {
    this.buffer = Buffer.alloc(0)
    this.pos = 0
  }

  private line(): string {
    const end = this.buffer.indexOf('\r\n', this.pos)
    if (end < 0) throw INCOMPLETE
    const text = this.buffer.toString('utf8', this.pos, end)
    this.pos = end + 2
    return text
  }

  private length(text: string): number {
    const n = Number(text)
    if (!Number.isInteger(n)) throw new RespProtocolError(`Protocol error: bad length "${text}"`)
    return n
  }

  private blob(len: number): string {
    const end = this.pos + len
    if (this.buffer.length < end + 2) throw INCOMPLETE
    const text = this.buffer.toString('utf8', this.pos, end)
    this.pos = end + 2
    return text
  }

  private items(count: number): ConsoleReply[] {
    const out: ConsoleReply[] = []
    for (let i = 0; i < count; i++) out.push(this.parse())
    return out
  }

  private parse(): ConsoleReply {
    if (this.pos >= this.buffer.length) throw INCOMPLETE
    const marker = String.fromCharCode(this.buffer[this.pos])
    this.pos++
    const text = this.line()
    switch (marker) {
      case '+':
        return { type: 'status', value: text }
      case '-':
        return { type: 'error', value: text }
      case ':':
        return { type: 'integer', value: text }
      case ',':
        return { type: 'double', value: text }
      case '(':
        return { type: 'bignum', value: text }
      case '#':
        return { type: 'boolean', value: text === 't' }
      case '_':
        return { type: 'nil' }
      case '$': {
        const len = this.length(text)
        return len < 0 ? { type: 'nil' } : { type: 'bulk', value: this.blob(len) }
      }
      case '!':
        return { type: 'error', value: this.blob(this.length(text)) }
      case '=': {
        const raw = this.blob(this.length(text))
        return { type: 'verbatim', format: raw.slice(0, 3), value: raw.slice(4) }
      }
      case '*': {
        const len = this.length(text)
        return len < 0 ? { type: 'nil' } : { type: 'array', items: this.items(len) }
      }
      case '~':
        return { type: 'set', items: this.items(this.length(text)) }
      case '>':
        return { type: 'push', items: this.items(this.length(text)) }
      case '%': {
        const entries: [ConsoleReply, ConsoleReply][] = []
        const len = this.length(text)
        for (let i = 0; i < len; i++) entries.push([this.parse(), this.parse()])
        return { type: 'map', entries }
      }
      case '|': {
        // RESP3 attribute: metadata ahead of the real reply; the console shows the reply.
        const len = this.length(text)
        for (let i = 0; i < len * 2; i++) this.parse()
        return this.parse()
      }
      default:
        throw new RespProtocolError(`Protocol error: unexpected reply type byte "${marker}"`)
    }
  }
}
