/**
 * Every expected string below was captured from Debian's redis-cli 7.0.15
 * (`redis-cli --no-raw`, `-3` for RESP3) against redis-server 7.0.15.
 */
import { describe, expect, it } from 'vitest'
import { formatConsoleReply, formatReplyTTY, quoteRepr } from '../../shared/redis-cli-format'
import type { ConsoleReply } from '../../shared/types'

const bulk = (value: string): ConsoleReply => ({ type: 'bulk', value })
const int = (value: number): ConsoleReply => ({ type: 'integer', value: String(value) })
const array = (...items: ConsoleReply[]): ConsoleReply => ({ type: 'array', items })
const map = (...entries: [ConsoleReply, ConsoleReply][]): ConsoleReply => ({ type: 'map', entries })
const set = (...items: ConsoleReply[]): ConsoleReply => ({ type: 'set', items })

describe('scalars as redis-cli prints them', () => {
  it('status replies print bare, bulk strings quoted', () => {
    expect(formatReplyTTY({ type: 'status', value: 'OK' })).toBe('OK\n')
    expect(formatReplyTTY(bulk('OK'))).toBe('"OK"\n')
    expect(formatReplyTTY(bulk('Zhangsan'))).toBe('"Zhangsan"\n')
    expect(formatReplyTTY(bulk(''))).toBe('""\n')
  })

  it('integers, nil and errors carry their type in parentheses', () => {
    expect(formatReplyTTY(int(1))).toBe('(integer) 1\n')
    expect(formatReplyTTY({ type: 'integer', value: '-5' })).toBe('(integer) -5\n')
    expect(formatReplyTTY({ type: 'nil' })).toBe('(nil)\n')
    // The trailing space is Redis's: "beginning with: " followed by no arguments.
    expect(formatReplyTTY({ type: 'error', value: "ERR unknown command 'foo', with args beginning with: " })).toBe(
      "(error) ERR unknown command 'foo', with args beginning with: \n",
    )
  })

  it('escapes quotes, backslashes, control bytes and non-ASCII bytes like sdscatrepr', () => {
    // SET bin $'a\nb"c\\d\te\x01\x7f' then GET bin
    expect(formatReplyTTY(bulk('a\nb"c\\d\te\x01\x7f'))).toBe('"a\\nb\\"c\\\\d\\te\\x01\\x7f"\n')
    // SET bell $'\a\b\r'
    expect(formatReplyTTY(bulk('\x07\x08\r'))).toBe('"\\a\\b\\r"\n')
    // SET utf héllo: redis-cli escapes the UTF-8 bytes, not the character
    expect(formatReplyTTY(bulk('héllo'))).toBe('"h\\xc3\\xa9llo"\n')
    expect(quoteRepr('\x00')).toBe('"\\x00"')
  })

  it('RESP3 scalars: double, booleans, verbatim text raw, big numbers', () => {
    expect(formatReplyTTY({ type: 'double', value: '3.141' })).toBe('(double) 3.141\n')
    expect(formatReplyTTY({ type: 'boolean', value: true })).toBe('(true)\n')
    expect(formatReplyTTY({ type: 'boolean', value: false })).toBe('(false)\n')
    // DEBUG PROTOCOL verbatim
    expect(formatReplyTTY({ type: 'verbatim', format: 'txt', value: 'This is a verbatim\nstring' })).toBe(
      'This is a verbatim\nstring\n',
    )
    // redis-cli 7.0 aborts on big numbers; 7.2+ prints this.
    expect(formatReplyTTY({ type: 'bignum', value: '1234567999999999999999999999999999999' })).toBe(
      '(big number) 1234567999999999999999999999999999999\n',
    )
  })
})

describe('aggregates', () => {
  it('empty aggregates name their type', () => {
    expect(formatReplyTTY(array())).toBe('(empty array)\n')
    expect(formatReplyTTY(set())).toBe('(empty set)\n')
    expect(formatReplyTTY(map())).toBe('(empty hash)\n')
  })

  it('numbers array elements, right-aligned from ten elements on', () => {
    expect(formatReplyTTY(array(bulk('f1'), bulk('v1'), bulk('f2'), bulk('v2')))).toBe(
      '1) "f1"\n2) "v1"\n3) "f2"\n4) "v2"\n',
    )
    // RPUSH l a b c d e f g h i j k; LRANGE l 0 -1
    const letters = 'abcdefghijk'.split('').map(bulk)
    expect(formatReplyTTY(array(...letters))).toBe(
      ' 1) "a"\n 2) "b"\n 3) "c"\n 4) "d"\n 5) "e"\n 6) "f"\n 7) "g"\n 8) "h"\n 9) "i"\n10) "j"\n11) "k"\n',
    )
  })

  it('indents nested arrays under their parent index', () => {
    // EVAL "return {1,{2,{'a','b'}},'c',{}}" 0
    expect(formatReplyTTY(array(int(1), array(int(2), array(bulk('a'), bulk('b'))), bulk('c'), array()))).toBe(
      '1) (integer) 1\n' +
        '2) 1) (integer) 2\n' +
        '   2) 1) "a"\n' +
        '      2) "b"\n' +
        '3) "c"\n' +
        '4) (empty array)\n',
    )
    // EVAL "return {1,2,3,4,5,6,7,8,9,10,{'a',{'b','c'}}}" 0: nesting indents past the wider index
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(int)
    expect(formatReplyTTY(array(...ten, array(bulk('a'), array(bulk('b'), bulk('c')))))).toBe(
      ' 1) (integer) 1\n 2) (integer) 2\n 3) (integer) 3\n 4) (integer) 4\n 5) (integer) 5\n' +
        ' 6) (integer) 6\n 7) (integer) 7\n 8) (integer) 8\n 9) (integer) 9\n10) (integer) 10\n' +
        '11) 1) "a"\n' +
        '    2) 1) "b"\n' +
        '       2) "c"\n',
    )
  })

  it('prints RESP3 maps and sets (HELLO 3, HGETALL, SMEMBERS with -3)', () => {
    expect(formatReplyTTY(map([bulk('server'), bulk('redis')], [bulk('version'), bulk('7.0.15')], [bulk('proto'), int(3)]))).toBe(
      '1# "server" => "redis"\n2# "version" => "7.0.15"\n3# "proto" => (integer) 3\n',
    )
    expect(formatReplyTTY(set(bulk('a'), bulk('b')))).toBe('1~ "a"\n2~ "b"\n')
    // ZRANGE z 0 -1 WITHSCORES under RESP3
    expect(
      formatReplyTTY(array(array(bulk('a'), { type: 'double', value: '1.5' }), array(bulk('b'), { type: 'double', value: '2' }))),
    ).toBe('1) 1) "a"\n   2) (double) 1.5\n2) 1) "b"\n   2) (double) 2\n')
  })

  it('aligns map indexes by entry count, not by key+value count', () => {
    // CONFIG GET maxmemory* has 5 entries (10 replies) and still uses one digit
    const five = ['a', 'b', 'c', 'd', 'e'].map((k): [ConsoleReply, ConsoleReply] => [bulk(k), bulk('0')])
    expect(formatReplyTTY(map(...five)).split('\n')[0]).toBe('1# "a" => "0"')
    const ten = 'abcdefghij'.split('').map((k, i): [ConsoleReply, ConsoleReply] => [bulk(k), bulk(String(i + 1))])
    expect(formatReplyTTY(map(...ten))).toBe(
      ' 1# "a" => "1"\n 2# "b" => "2"\n 3# "c" => "3"\n 4# "d" => "4"\n 5# "e" => "5"\n' +
        ' 6# "f" => "6"\n 7# "g" => "7"\n 8# "h" => "8"\n 9# "i" => "9"\n10# "j" => "10"\n',
    )
  })

  it('starts a multi-line map value on its own line, keeps a one-line value inline', () => {
    // XINFO STREAM under RESP3: "first-entry" => an entry array
    const entry = array(bulk('1795672641191-0'), array(bulk('f'), bulk('v')))
    const fields: [ConsoleReply, ConsoleReply][] = [
      ['length', int(1)],
      ['radix-tree-keys', int(1)],
      ['radix-tree-nodes', int(2)],
      ['last-generated-id', bulk('1795672641191-0')],
      ['max-deleted-entry-id', bulk('0-0')],
      ['entries-added', int(1)],
      ['recorded-first-entry-id', bulk('1795672641191-0')],
      ['groups', int(0)],
      ['first-entry', entry],
      ['last-entry', entry],
    ].map(([k, v]) => [bulk(k as string), v as ConsoleReply])
    expect(formatReplyTTY(map(...fields))).toBe(
      ' 1# "length" => (integer) 1\n' +
        ' 2# "radix-tree-keys" => (integer) 1\n' +
        ' 3# "radix-tree-nodes" => (integer) 2\n' +
        ' 4# "last-generated-id" => "1795672641191-0"\n' +
        ' 5# "max-deleted-entry-id" => "0-0"\n' +
        ' 6# "entries-added" => (integer) 1\n' +
        ' 7# "recorded-first-entry-id" => "1795672641191-0"\n' +
        ' 8# "groups" => (integer) 0\n' +
        ' 9# "first-entry" => \n' +
        '    1) "1795672641191-0"\n' +
        '    2) 1) "f"\n' +
        '       2) "v"\n' +
        '10# "last-entry" => \n' +
        '    1) "1795672641191-0"\n' +
        '    2) 1) "f"\n' +
        '       2) "v"\n',
    )
    // EVAL "return {map={a={1}}}" 0 and a one-entry nested map stay on one line
    expect(formatReplyTTY(map([bulk('a'), array(int(1))]))).toBe('1# "a" => 1) (integer) 1\n')
    expect(formatReplyTTY(map([bulk('b'), map([bulk('c'), int(1)])]))).toBe('1# "b" => 1# "c" => (integer) 1\n')
    expect(formatReplyTTY(map([bulk('a'), array()]))).toBe('1# "a" => (empty array)\n')
    // EVAL "return {map={a={map={x={1,2}, y=1}}}}" 0
    expect(formatReplyTTY(map([bulk('a'), map([bulk('y'), int(1)], [bulk('x'), array(int(1), int(2))])]))).toBe(
      '1# "a" => \n' + '   1# "y" => (integer) 1\n' + '   2# "x" => \n' + '      1) (integer) 1\n' + '      2) (integer) 2\n',
    )
    // A map inside an array: EVAL "return {{map={a={1,2}, b=2}}}" 0
    expect(formatReplyTTY(array(map([bulk('a'), array(int(1), int(2))], [bulk('b'), int(2)])))).toBe(
      '1) 1# "a" => \n' + '      1) (integer) 1\n' + '      2) (integer) 2\n' + '   2# "b" => (integer) 2\n',
    )
  })

  it('indents a wide map nested in an array (two HGETALLs under RESP3)', () => {
    const ten = 'abcdefghij'.split('').map((k, i): [ConsoleReply, ConsoleReply] => [bulk(k), bulk(String(i + 1))])
    expect(formatReplyTTY(array(map(), map(...ten)))).toBe(
      '1) (empty hash)\n' +
        '2)  1# "a" => "1"\n' +
        '    2# "b" => "2"\n' +
        '    3# "c" => "3"\n' +
        '    4# "d" => "4"\n' +
        '    5# "e" => "5"\n' +
        '    6# "f" => "6"\n' +
        '    7# "g" => "7"\n' +
        '    8# "h" => "8"\n' +
        '    9# "i" => "9"\n' +
        '   10# "j" => "10"\n',
    )
  })
})

describe('commands redis-cli prints raw on a terminal', () => {
  it('INFO and CLIENT LIST print their text as-is; errors lose the (error) tag', () => {
    const info = '# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n'
    expect(formatConsoleReply(['INFO', 'keyspace'], bulk(info))).toBe(info)
    expect(formatConsoleReply(['info', 'nosuch'], bulk(''))).toBe('')
    expect(formatConsoleReply(['client', 'list', 'foo'], { type: 'error', value: 'ERR syntax error' })).toBe('ERR syntax error\n')
  })

  it('other commands keep the terminal format', () => {
    expect(formatConsoleReply(['GET', 'info'], bulk('x'))).toBe('"x"\n')
    expect(formatConsoleReply(['client', 'id'], int(7))).toBe('(integer) 7\n')
    expect(formatConsoleReply(['latency', 'doctor', 'x'], { type: 'error', value: 'ERR x' })).toBe('(error) ERR x\n')
  })
})
