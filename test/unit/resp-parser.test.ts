import { describe, expect, it } from 'vitest'
import { ProtocolError, RequestParser } from '../../main/server/protocol/parser'

function parser(opts: { maxBulkLen?: number; authRequired?: boolean } = {}): RequestParser {
  return new RequestParser({ maxBulkLen: () => opts.maxBulkLen ?? 512 * 1024 * 1024, authRequired: () => opts.authRequired ?? false })
}

/** Everything the parser yields for `input` fed in the given pieces, as strings. */
function parseAll(pieces: Buffer[], p = parser()): (string[] | string)[] {
  const out: (string[] | string)[] = []
  for (const piece of pieces) {
    p.feed(piece)
    for (;;) {
      const r = p.next()
      if (r === null) break
      if (r instanceof ProtocolError) {
        out.push(`ERR ${r.message}`)
        return out
      }
      out.push(r.map((a) => a.toString('latin1')))
    }
  }
  return out
}

const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`

const SAMPLES: [string, string[][]][] = [
  [resp('SET', 'key', 'value'), [['SET', 'key', 'value']]],
  [resp('SET', 'k', ''), [['SET', 'k', '']]],
  [resp('SET', 'bin', 'a\r\nb\x00\xff'), [['SET', 'bin', 'a\r\nb\x00\xff']]],
  ['PING\r\n', [['PING']]],
  ['set k "a b\\x41"\n', [['set', 'k', 'a bA']]],
  ['\r\n\r\nPING\r\n', [['PING']]],
  ['*0\r\n*-1\r\nPING\r\n', [['PING']]],
  [resp('GET', 'a') + 'ECHO x\r\n' + resp('GET', 'b'), [['GET', 'a'], ['ECHO', 'x'], ['GET', 'b']]],
]

describe('RequestParser', () => {
  it('parses each sample split at every byte boundary', () => {
    for (const [input, expected] of SAMPLES) {
      const bytes = Buffer.from(input, 'latin1')
      expect(parseAll([bytes])).toEqual(expected)
      for (let cut = 1; cut < bytes.length; cut++) {
        expect(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut} of ${JSON.stringify(input)}`).toEqual(expected)
      }
      expect(parseAll([...bytes].map((b) => Buffer.from([b])))).toEqual(expected)
    }
  })

  it('parses hundreds of pipelined commands from one chunk', () => {
    const input = Array.from({ length: 500 }, (_, i) => resp('SET', `k${i}`, `v${i}`)).join('')
    const out = parseAll([Buffer.from(input)])
    expect(out).toHaveLength(500)
    expect(out[499]).toEqual(['SET', 'k499', 'v499'])
  })

  it('receives a big bulk in many chunks intact', () => {
    const big = 'x'.repeat(200_000) + 'END'
    const bytes = Buffer.from(resp('SET', 'k', big) + 'PING\r\n')
    const pieces: Buffer[] = []
    for (let i = 0; i < bytes.length; i += 1000) pieces.push(bytes.subarray(i, i + 1000))
    const out = parseAll(pieces)
    expect(out).toHaveLength(2)
    expect((out[0] as string[])[2]).toBe(big)
    expect(out[1]).toEqual(['PING'])
  })

  it.each([
    ['*x\r\n', 'invalid multibulk length'],
    ['*3000000000\r\n', 'invalid multibulk length'],
    ['*1\r\n$-1\r\n', 'invalid bulk length'],
    ['*1\r\n$abc\r\n', 'invalid bulk length'],
    ['*1\r\nfoo\r\n', "expected '$', got 'f'"],
    ['set "a\r\n', 'unbalanced quotes in request'],
    ['*' + '1'.repeat(70_000), 'too big mbulk count string'],
    ['*1\r\n$' + '1'.repeat(70_000), 'too big bulk count string'],
    ['a'.repeat(70_000), 'too big inline request'],
  ])('reports %j as a protocol error', (input, message) => {
    expect(parseAll([Buffer.from(input)])).toEqual([`ERR ${message}`])
  })

  it('applies proto-max-bulk-len and the unauthenticated limits', () => {
    expect(parseAll([Buffer.from('*1\r\n$11\r\n')], parser({ maxBulkLen: 10 }))).toEqual(['ERR invalid bulk length'])
    expect(parseAll([Buffer.from('*11\r\n')], parser({ authRequired: true }))).toEqual(['ERR unauthenticated multibulk length'])
    expect(parseAll([Buffer.from('*1\r\n$16385\r\n')], parser({ authRequired: true }))).toEqual(['ERR unauthenticated bulk length'])
  })

  it('yields nothing after a protocol error', () => {
    const p = parser()
    expect(parseAll([Buffer.from('*x\r\nPING\r\n')], p)).toEqual(['ERR invalid multibulk length'])
    p.feed(Buffer.from('PING\r\n'))
    expect(p.next()).toBeNull()
  })
})
