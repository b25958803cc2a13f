import { describe, expect, it } from 'vitest'
import { ReplyBuffer, encodeReply, formatDouble } from '../../main/server/protocol/writer'
import type { Reply } from '../../main/server/protocol/reply'
import * as R from '../../main/server/protocol/replies'

const enc = (r: Reply, p: 2 | 3) => encodeReply(r, p).toString('latin1')

describe('reply writer', () => {
  it.each<[string, Reply, string, string]>([
    ['simple', R.OK, '+OK\r\n', '+OK\r\n'],
    ['error', R.error('ERR bad\r\nthing'), '-ERR bad  thing\r\n', '-ERR bad  thing\r\n'],
    ['int', R.int(-42), ':-42\r\n', ':-42\r\n'],
    ['bigint', R.int(9223372036854775807n), ':9223372036854775807\r\n', ':9223372036854775807\r\n'],
    ['bulk', R.bulk('héllo'), '$6\r\nh\xc3\xa9llo\r\n', '$6\r\nh\xc3\xa9llo\r\n'],
    ['binary bulk', R.bulk(Buffer.from([0, 255])), '$2\r\n\x00\xff\r\n', '$2\r\n\x00\xff\r\n'],
    ['null bulk', R.NULL_BULK, '$-1\r\n', '_\r\n'],
    ['null array', R.NULL_ARRAY, '*-1\r\n', '_\r\n'],
    ['array', R.bulkArray(['a', 'b']), '*2\r\n$1\r\na\r\n$1\r\nb\r\n', '*2\r\n$1\r\na\r\n$1\r\nb\r\n'],
    ['map', R.map([[R.bulk('k'), R.int(1)]]), '*2\r\n$1\r\nk\r\n:1\r\n', '%1\r\n$1\r\nk\r\n:1\r\n'],
    ['set', R.set([R.bulk('x')]), '*1\r\n$1\r\nx\r\n', '~1\r\n$1\r\nx\r\n'],
    ['double', R.double(1.5), '$3\r\n1.5\r\n', ',1.5\r\n'],
    ['double text', R.double(3, '3.0'), '$3\r\n3.0\r\n', ',3.0\r\n'],
    ['inf', R.double(Infinity), '$3\r\ninf\r\n', ',inf\r\n'],
    ['-inf', R.double(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
    ['bool', R.bool(true), ':1\r\n', '#t\r\n'],
    ['false', R.bool(false), ':0\r\n', '#f\r\n'],
    ['verbatim', R.verbatim('a\nb'), '$3\r\na\nb\r\n', '=7\r\ntxt:a\nb\r\n'],
    ['bignum', { t: 'bignum', v: '123456789012345678901234567890' }, '$30\r\n123456789012345678901234567890\r\n', '(123456789012345678901234567890\r\n'],
    ['push', { t: 'push', v: [R.bulk('m')] }, '*1\r\n$1\r\nm\r\n', '>1\r\n$1\r\nm\r\n'],
    ['none', R.NO_REPLY, '', ''],
  ])('%s', (_name, reply, resp2, resp3) => {
    expect(enc(reply, 2)).toBe(resp2)
    expect(enc(reply, 3)).toBe(resp3)
  })

  it('formats doubles like %.17g', () => {
    expect(formatDouble(0.1)).toBe('0.10000000000000001')
    expect(formatDouble(1)).toBe('1')
    expect(formatDouble(-2.5)).toBe('-2.5')
    expect(formatDouble(1e20)).toBe('1e+20')
    expect(formatDouble(1.5e-7)).toBe('1.4999999999999999e-07')
    expect(formatDouble(123456789)).toBe('123456789')
  })

  it('keeps a large bulk byte exact', () => {
    const big = Buffer.alloc(100_000, 7)
    const out = encodeReply(R.bulk(big), 2)
    expect(out.subarray(0, 10).toString()).toBe('$100000\r\n\x07')
    expect(out.length).toBe(9 + 100_000 + 2)
  })

  it('keeps bytes already taken intact while later turns write more (slab views, spills, big bulks)', () => {
    const out = new ReplyBuffer()
    const expected: string[] = []
    const taken: Buffer[] = []
    for (let turn = 0; turn < 40; turn++) {
      let text = ''
      for (let i = 0; i < 97; i++) {
        const value = `${turn}:${i}:${'x'.repeat((turn * 31 + i * 7) % 300)}`
        out.append(R.bulk(Buffer.from(value)), 2)
        out.append(R.int(i), 2)
        text += `$${value.length}\r\n${value}\r\n:${i}\r\n`
      }
      if (turn % 5 === 0) {
        const big = Buffer.alloc(5000 + turn, 'b')
        out.append(R.bulk(big), 2)
        out.append(R.error('ERR é'), 2)
        text += `$${big.length}\r\n${big.toString()}\r\n-ERR \xc3\xa9\r\n`
      }
      expect(out.length).toBe(Buffer.byteLength(text, 'latin1'))
      taken.push(out.take())
      expected.push(text)
      expect(out.isEmpty).toBe(true)
    }
    expect(taken.map((b) => b.toString('latin1'))).toEqual(expected)
  })
})
