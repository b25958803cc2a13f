import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeCommand, RespDecoder, RespProtocolError } from '../../main/control/resp'
import type { ConsoleReply } from '../../shared/types'

function decodeAll(bytes: string | Buffer, chunkSizes: number[] = []): ConsoleReply[] {
  const out: ConsoleReply[] = []
  const d = new RespDecoder((r) => out.push(r))
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)
  let pos = 0
  for (const size of chunkSizes) {
    d.push(buf.subarray(pos, pos + size))
    pos += size
  }
  if (pos < buf.length) d.push(buf.subarray(pos))
  return out
}

describe('console RESP decoder keeps the wire type', () => {
  it('status OK vs bulk "OK", integers as exact text, nil', () => {
    expect(decodeAll('+OK\r\n$2\r\nOK\r\n:9223372036854775807\r\n$-1\r\n*-1\r\n_\r\n')).toEqual([
      { type: 'status', value: 'OK' },
      { type: 'bulk', value: 'OK' },
      { type: 'integer', value: '9223372036854775807' },
      { type: 'nil' },
      { type: 'nil' },
      { type: 'nil' },
    ])
  })

  it('errors, nested arrays and empty bulk', () => {
    expect(decodeAll("-ERR unknown command 'x'\r\n*2\r\n*1\r\n:1\r\n$0\r\n\r\n")).toEqual([
      { type: 'error', value: "ERR unknown command 'x'" },
      { type: 'array', items: [{ type: 'array', items: [{ type: 'integer', value: '1' }] }, { type: 'bulk', value: '' }] },
    ])
  })

  it('RESP3: map, set, double, boolean, verbatim, big number, blob error, push; attributes skipped', () => {
    const wire =
      '%1\r\n+server\r\n$5\r\nredis\r\n~1\r\n,3.14\r\n#t\r\n#f\r\n=15\r\ntxt:Some string\r\n(3492890328409238509324850943850943825024385\r\n!10\r\nSYNTAX bad\r\n>2\r\n+message\r\n:1\r\n|1\r\n+ttl\r\n:3\r\n:42\r\n'
    expect(decodeAll(wire)).toEqual([
      { type: 'map', entries: [[{ type: 'status', value: 'server' }, { type: 'bulk', value: 'redis' }]] },
      { type: 'set', items: [{ type: 'double', value: '3.14' }] },
      { type: 'boolean', value: true },
      { type: 'boolean', value: false },
      { type: 'verbatim', format: 'txt', value: 'Some string' },
      { type: 'bignum', value: '3492890328409238509324850943850943825024385' },
      { type: 'error', value: 'SYNTAX bad' },
      { type: 'push', items: [{ type: 'status', value: 'message' }, { type: 'integer', value: '1' }] },
      { type: 'integer', value: '42' },
    ])
  })

  it('bulk strings may contain CRLF and UTF-8', () => {
    const value = 'a\r\nb€\r\n'
    expect(decodeAll(`$${Buffer.byteLength(value)}\r\n${value}\r\n`)).toEqual([{ type: 'bulk', value }])
  })

  it('any chunking of the byte stream decodes the same', () => {
    const wire = '*3\r\n$3\r\nfoo\r\n:-12\r\n%1\r\n$1\r\nk\r\n*2\r\n+a\r\n_\r\n+PONG\r\n'
    const whole = decodeAll(wire)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 40 }), (sizes) => {
        expect(decodeAll(wire, sizes)).toEqual(whole)
      }),
    )
  })

  it('a bad type byte is a protocol error', () => {
    expect(() => decodeAll('?what\r\n')).toThrow(RespProtocolError)
  })

  it('encodes commands as RESP arrays of bulk strings, byte-length aware', () => {
    expect(encodeCommand(['SET', 'k€', '']).toString()).toBe('*3\r\n$3\r\nSET\r\n$4\r\nk€\r\n$0\r\n\r\n')
  })
})
