import { describe, expect, it } from 'vitest'
import { fakeServer, resp } from './helpers/fake-context'
import { listValue } from '../../main/server/store/list'

const WRONGTYPE = resp.err('WRONGTYPE Operation against a key holding the wrong kind of value')
const NOT_INT = resp.err('ERR value is not an integer or out of range')
const SYNTAX = resp.err('ERR syntax error')

/** A non-string value for the WRONGTYPE paths. */
function plantList(s: ReturnType<typeof fakeServer>, key: string): void {
  s.db().set(key, listValue([Buffer.from('x')]))
}

describe('GET / SET', () => {
  it('stores binary-safe values and keys', () => {
    const s = fakeServer()
    const key = Buffer.from([0, 255, 10, 13])
    const value = Buffer.from([1, 2, 0, 200])
    expect(s.call('SET', key, value)).toBe(resp.ok)
    expect(s.call('GET', key)).toBe('$4\r\n' + value.toString('latin1') + '\r\n')
    expect(s.call('GET', 'missing')).toBe(resp.nil)
  })

  it('copies the argument so later changes to the read buffer cannot reach the stored value', () => {
    const s = fakeServer()
    const arg = Buffer.from('abc')
    s.call('SET', 'k', arg)
    arg.write('xyz')
    expect(s.call('GET', 'k')).toBe(resp.bulk('abc'))
  })

  it('NX / XX / GET combinations', () => {
    const s = fakeServer()
    expect(s.call('SET', 'k', 'v', 'XX')).toBe(resp.nil)
    expect(s.call('SET', 'k', 'v', 'nx')).toBe(resp.ok)
    expect(s.call('SET', 'k', 'w', 'NX')).toBe(resp.nil)
    expect(s.call('SET', 'k', 'w', 'NX', 'GET')).toBe(resp.bulk('v'))
    expect(s.call('SET', 'k', 'w', 'XX', 'GET')).toBe(resp.bulk('v'))
    expect(s.call('SET', 'k', 'x', 'GET', 'GET')).toBe(resp.bulk('w'))
    expect(s.call('SET', 'new', 'x', 'GET')).toBe(resp.nil)
    expect(s.call('GET', 'new')).toBe(resp.bulk('x'))
    expect(s.call('SET', 'k', 'v', 'NX', 'XX')).toBe(SYNTAX)
    expect(s.call('SET', 'k', 'v', 'XX', 'NX')).toBe(SYNTAX)
  })

  it('rejects conflicting or incomplete options with the exact errors', () => {
    const s = fakeServer()
    expect(s.call('SET', 'k', 'v', 'EX', '10', 'PX', '10')).toBe(SYNTAX)
    expect(s.call('SET', 'k', 'v', 'EX', '10', 'KEEPTTL')).toBe(SYNTAX)
    expect(s.call('SET', 'k', 'v', 'KEEPTTL', 'EXAT', '10')).toBe(SYNTAX)
    expect(s.call('SET', 'k', 'v', 'EX')).toBe(SYNTAX)
    expect(s.call('SET', 'k', 'v', 'PERSIST')).toBe(SYNTAX)
    expect(s.call('SET', 'k', 'v', 'bogus')).toBe(SYNTAX)
    expect(s.call('SET', 'k', 'v', 'EX', 'abc')).toBe(NOT_INT)
    expect(s.call('SET', 'k', 'v', 'EX', '0')).toBe(resp.err("ERR invalid expire time in 'set' command"))
    expect(s.call('SET', 'k', 'v', 'EX', '-1')).toBe(resp.err("ERR invalid expire time in 'set' command"))
    expect(s.call('SET', 'k', 'v', 'EX', '9223372036854775')).toBe(resp.err("ERR invalid expire time in 'set' command"))
    expect(s.call('SET', 'k', 'v', 'PX', '9223372036854775807')).toBe(resp.err("ERR invalid expire time in 'set' command"))
    expect(s.call('SET', 'k', 'v', 'EXAT', '9223372036854775')).toBe(resp.ok)
    // Same option twice is fine in Redis; the last value wins.
    expect(s.call('SET', 'k', 'v', 'EX', '10', 'EX', '20')).toBe(resp.ok)
    expect(s.call('TTL', 'k')).toBe(resp.int(20))
    expect(s.db().size()).toBe(1)
  })

  it('EX/PX/EXAT/PXAT set the TTL, KEEPTTL keeps it and a plain SET drops it', () => {
    const s = fakeServer()
    s.call('SET', 'k', 'v', 'EX', '100')
    expect(s.call('PTTL', 'k')).toBe(resp.int(100_000))
    s.call('SET', 'k', 'v', 'PX', '1500')
    expect(s.call('PTTL', 'k')).toBe(resp.int(1500))
    s.call('SET', 'k', 'v', 'PXAT', String(s.clock + 42))
    expect(s.call('PTTL', 'k')).toBe(resp.int(42))
    s.call('SET', 'k', 'v', 'EXAT', String(Math.floor(s.clock / 1000) + 10))
    expect(s.call('TTL', 'k')).toBe(resp.int(10))
    s.call('SET', 'k', 'w', 'KEEPTTL')
    expect(s.call('TTL', 'k')).toBe(resp.int(10))
    s.call('SET', 'k', 'x')
    expect(s.call('TTL', 'k')).toBe(resp.int(-1))
  })

  it('SET GET on a non-string is WRONGTYPE and does not overwrite; plain SET overwrites', () => {
    const s = fakeServer()
    plantList(s, 'l')
    expect(s.call('SET', 'l', 'x', 'GET')).toBe(WRONGTYPE)
    expect(s.call('GET', 'l')).toBe(WRONGTYPE)
    expect(s.call('SET', 'l', 'x')).toBe(resp.ok)
    expect(s.call('GET', 'l')).toBe(resp.bulk('x'))
  })

  it('counts keyspace hits and misses and bumps dirty per write', () => {
    const s = fakeServer()
    s.call('GET', 'a')
    s.call('SET', 'a', '1')
    s.call('GET', 'a')
    expect(s.stats.keyspaceHits).toBe(1)
    expect(s.stats.keyspaceMisses).toBe(1)
    expect(s.dirty).toBe(1)
    s.call('MSET', 'a', '1', 'b', '2', 'c', '3')
    expect(s.dirty).toBe(4)
  })
})

describe('SETNX / SETEX / PSETEX / GETEX / GETDEL', () => {
  it('SETNX answers 1/0', () => {
    const s = fakeServer()
    expect(s.call('SETNX', 'k', 'a')).toBe(resp.int(1))
    expect(s.call('SETNX', 'k', 'b')).toBe(resp.int(0))
    expect(s.call('GET', 'k')).toBe(resp.bulk('a'))
  })

  it('SETEX / PSETEX validate the time with their own command name', () => {
    const s = fakeServer()
    expect(s.call('SETEX', 'k', '0', 'v')).toBe(resp.err("ERR invalid expire time in 'setex' command"))
    expect(s.call('PSETEX', 'k', '-5', 'v')).toBe(resp.err("ERR invalid expire time in 'psetex' command"))
    expect(s.call('SETEX', 'k', 'x', 'v')).toBe(NOT_INT)
    expect(s.call('SETEX', 'k', '5', 'v')).toBe(resp.ok)
    expect(s.call('PTTL', 'k')).toBe(resp.int(5000))
    expect(s.call('PSETEX', 'k', '250', 'v')).toBe(resp.ok)
    expect(s.call('PTTL', 'k')).toBe(resp.int(250))
  })

  it('GETEX sets, converts and removes TTLs; checks the time only when the key exists', () => {
    const s = fakeServer()
    expect(s.call('GETEX', 'nokey', 'EX', '0')).toBe(resp.nil)
    s.call('SET', 'k', 'v')
    expect(s.call('GETEX', 'k', 'EX', '0')).toBe(resp.err("ERR invalid expire time in 'getex' command"))
    expect(s.call('GETEX', 'k', 'PERSIST', 'EX', '5')).toBe(SYNTAX)
    expect(s.call('GETEX', 'k', 'KEEPTTL')).toBe(SYNTAX)
    expect(s.call('GETEX', 'k', 'foo')).toBe(SYNTAX)
    expect(s.call('GETEX', 'k', 'EX', '50')).toBe(resp.bulk('v'))
    expect(s.call('TTL', 'k')).toBe(resp.int(50))
    expect(s.call('GETEX', 'k', 'PERSIST')).toBe(resp.bulk('v'))
    expect(s.call('TTL', 'k')).toBe(resp.int(-1))
    expect(s.call('GETEX', 'k', 'PXAT', String(s.clock - 1))).toBe(resp.bulk('v'))
    expect(s.call('EXISTS', 'k')).toBe(resp.int(0))
    plantList(s, 'l')
    expect(s.call('GETEX', 'l')).toBe(WRONGTYPE)
  })

  it('GETDEL returns and deletes', () => {
    const s = fakeServer()
    s.call('SET', 'k', 'v')
    expect(s.call('GETDEL', 'k')).toBe(resp.bulk('v'))
    expect(s.call('GETDEL', 'k')).toBe(resp.nil)
    plantList(s, 'l')
    expect(s.call('GETDEL', 'l')).toBe(WRONGTYPE)
  })
})

describe('MGET / MSET / MSETNX', () => {
  it('MGET answers nil for missing keys and for other types', () => {
    const s = fakeServer()
    s.call('MSET', 'a', '1', 'b', '2')
    plantList(s, 'l')
    expect(s.call('MGET', 'a', 'x', 'l', 'b')).toBe(resp.array([resp.bulk('1'), resp.nil, resp.nil, resp.bulk('2')]))
  })

  it('MSET with an odd tail is an arity error; MSETNX is all or nothing', () => {
    const s = fakeServer()
    expect(s.call('MSET', 'a', '1', 'b')).toBe(resp.err("ERR wrong number of arguments for 'mset' command"))
    expect(s.call('MSETNX', 'a', '1', 'b')).toBe(resp.err("ERR wrong number of arguments for 'msetnx' command"))
    expect(s.call('MSETNX', 'a', '1', 'a', '2')).toBe(resp.int(1))
    expect(s.call('GET', 'a')).toBe(resp.bulk('2'))
    expect(s.call('MSETNX', 'z', '1', 'a', '3')).toBe(resp.int(0))
    expect(s.call('EXISTS', 'z')).toBe(resp.int(0))
  })
})

describe('INCR family', () => {
  it('counts from a missing key and keeps the TTL', () => {
    const s = fakeServer()
    expect(s.call('INCR', 'n')).toBe(resp.int(1))
    s.call('EXPIRE', 'n', '100')
    expect(s.call('INCRBY', 'n', '41')).toBe(resp.int(42))
    expect(s.call('DECR', 'n')).toBe(resp.int(41))
    expect(s.call('DECRBY', 'n', '-9')).toBe(resp.int(50))
    expect(s.call('TTL', 'n')).toBe(resp.int(100))
    expect(s.call('GET', 'n')).toBe(resp.bulk('50'))
  })

  it('accepts exactly what string2ll accepts', () => {
    const s = fakeServer()
    for (const bad of ['010', ' 1', '1 ', '+1', '-0', '', '1.0', '0x1', '99999999999999999999']) {
      s.call('SET', 'n', bad)
      expect(s.call('INCR', 'n'), JSON.stringify(bad)).toBe(NOT_INT)
    }
    s.call('SET', 'n', '-10')
    expect(s.call('INCR', 'n')).toBe(resp.int(-9))
    expect(s.call('INCRBY', 'n', '1.5')).toBe(NOT_INT)
    expect(s.call('INCRBY', 'n', '+1')).toBe(NOT_INT)
  })

  it('detects 64-bit overflow and replies beyond 2^53 exactly', () => {
    const s = fakeServer()
    s.call('SET', 'n', '9223372036854775806')
    expect(s.call('INCR', 'n')).toBe(resp.int('9223372036854775807'))
    expect(s.call('INCR', 'n')).toBe(resp.err('ERR increment or decrement would overflow'))
    s.call('SET', 'm', '-9223372036854775807')
    expect(s.call('DECR', 'm')).toBe(resp.int('-9223372036854775808'))
    expect(s.call('DECR', 'm')).toBe(resp.err('ERR increment or decrement would overflow'))
    expect(s.call('DECRBY', 'x', '-9223372036854775808')).toBe(resp.err('ERR decrement would overflow'))
    plantList(s, 'l')
    expect(s.call('INCR', 'l')).toBe(WRONGTYPE)
  })

  it('INCRBYFLOAT formats like Redis on x86-64 (80-bit long double, %.17Lf trimmed)', () => {
    const s = fakeServer()
    expect(s.call('INCRBYFLOAT', 'f', '0.1')).toBe(resp.bulk('0.1'))
    s.call('SET', 'f', '3.0e3')
    expect(s.call('INCRBYFLOAT', 'f', '1.1')).toBe(resp.bulk('3001.10000000000000009'))
    s.call('SET', 'f', '10.5')
    expect(s.call('INCRBYFLOAT', 'f', '0.1')).toBe(resp.bulk('10.6'))
    s.call('SET', 'f', '5.0e3')
    expect(s.call('INCRBYFLOAT', 'f', '-5000')).toBe(resp.bulk('0'))
    s.call('SET', 'f', '0x10')
    expect(s.call('INCRBYFLOAT', 'f', '0')).toBe(resp.bulk('16'))
    s.call('SET', 'f', '0')
    expect(s.call('INCRBYFLOAT', 'f', '1e308')).toBe(
      resp.bulk(
        '99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048',
      ),
    )
    expect(s.call('INCRBYFLOAT', 'f', 'inf')).toBe(resp.err('ERR increment would produce NaN or Infinity'))
    expect(s.call('INCRBYFLOAT', 'f', 'abc')).toBe(resp.err('ERR value is not a valid float'))
    expect(s.call('INCRBYFLOAT', 'f', ' 1')).toBe(resp.err('ERR value is not a valid float'))
    expect(s.call('INCRBYFLOAT', 'f', 'nan')).toBe(resp.err('ERR value is not a valid float'))
    s.call('SET', 'g', 'hello')
    expect(s.call('INCRBYFLOAT', 'g', '1')).toBe(resp.err('ERR value is not a valid float'))
    plantList(s, 'l')
    expect(s.call('INCRBYFLOAT', 'l', 'abc')).toBe(WRONGTYPE)
  })
})

describe('APPEND / STRLEN / GETRANGE / SETRANGE', () => {
  it('APPEND grows the string and returns the length', () => {
    const s = fakeServer()
    expect(s.call('APPEND', 'k', 'ab')).toBe(resp.int(2))
    let expected = 'ab'
    for (let i = 0; i < 200; i++) {
      const piece = String(i)
      expected += piece
      expect(s.call('APPEND', 'k', piece)).toBe(resp.int(expected.length))
    }
    expect(s.call('GET', 'k')).toBe(resp.bulk(expected))
    expect(s.call('STRLEN', 'k')).toBe(resp.int(expected.length))
    expect(s.call('STRLEN', 'none')).toBe(resp.int(0))
  })

  it('a GET reply taken before an APPEND or SETRANGE keeps its bytes', () => {
    const s = fakeServer()
    s.call('SET', 'k', 'abc')
    s.call('APPEND', 'k', 'def')
    const before = s.reply('GET', 'k')
    s.call('APPEND', 'k', 'ghi')
    s.call('SETRANGE', 'k', '0', 'XYZ')
    expect(before).toEqual({ t: 'bulk', v: Buffer.from('abcdef') })
    expect(s.call('GET', 'k')).toBe(resp.bulk('XYZdefghi'))
  })

  it('APPEND past proto-max-bulk-len is refused', () => {
    const s = fakeServer()
    s.configValues.set('proto-max-bulk-len', '10')
    s.call('SET', 'k', '123456789')
    expect(s.call('APPEND', 'k', 'ab')).toBe(resp.err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'))
    expect(s.call('APPEND', 'k', 'a')).toBe(resp.int(10))
  })

  it('GETRANGE clamps like Redis', () => {
    const s = fakeServer()
    s.call('SET', 's', 'hello')
    expect(s.call('GETRANGE', 's', '0', '-1')).toBe(resp.bulk('hello'))
    expect(s.call('GETRANGE', 's', '-100', '-50')).toBe(resp.bulk('h'))
    expect(s.call('GETRANGE', 's', '3', '1')).toBe(resp.bulk(''))
    expect(s.call('GETRANGE', 's', '-3', '-1')).toBe(resp.bulk('llo'))
    expect(s.call('GETRANGE', 's', '-1', '-3')).toBe(resp.bulk(''))
    expect(s.call('GETRANGE', 's', '1', '100')).toBe(resp.bulk('ello'))
    expect(s.call('GETRANGE', 's', '9223372036854775807', '9223372036854775807')).toBe(resp.bulk(''))
    expect(s.call('GETRANGE', 's', '-9223372036854775808', '-9223372036854775808')).toBe(resp.bulk('h'))
    expect(s.call('GETRANGE', 's', '0', 'a')).toBe(NOT_INT)
    expect(s.call('GETRANGE', 'nokey', '0', '1')).toBe(resp.bulk(''))
  })

  it('SETRANGE pads with zeros, checks offset and size', () => {
    const s = fakeServer()
    expect(s.call('SETRANGE', 'k', '3', 'ab')).toBe(resp.int(5))
    expect(s.call('GET', 'k')).toBe(resp.bulk('\0\0\0ab'))
    expect(s.call('SETRANGE', 'k', '1', 'XY')).toBe(resp.int(5))
    expect(s.call('GET', 'k')).toBe(resp.bulk('\0XYab'))
    expect(s.call('SETRANGE', 'k', '7', 'Z')).toBe(resp.int(8))
    expect(s.call('GET', 'k')).toBe(resp.bulk('\0XYab\0\0Z'))
    expect(s.call('SETRANGE', 'k', '-1', 'x')).toBe(resp.err('ERR offset is out of range'))
    expect(s.call('SETRANGE', 'k', '536870912', 'x')).toBe(
      resp.err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'),
    )
    expect(s.call('SETRANGE', 'k', '536870912', '')).toBe(resp.int(8))
    expect(s.call('SETRANGE', 'none', '536870912', '')).toBe(resp.int(0))
    expect(s.call('EXISTS', 'none')).toBe(resp.int(0))
    plantList(s, 'l')
    expect(s.call('SETRANGE', 'l', '0', 'x')).toBe(WRONGTYPE)
    expect(s.call('GETRANGE', 'l', '0', '1')).toBe(WRONGTYPE)
    expect(s.call('APPEND', 'l', 'x')).toBe(WRONGTYPE)
    expect(s.call('STRLEN', 'l')).toBe(WRONGTYPE)
  })
})
