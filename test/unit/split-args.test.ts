import { describe, expect, it } from 'vitest'
import { splitArgs, splitArgsBytes } from '../../shared/split-args'

describe('splitArgs (Redis sdssplitargs)', () => {
  it('splits on runs of whitespace and ignores leading/trailing space', () => {
    expect(splitArgs('  set  foo\tbar  ')).toEqual(['set', 'foo', 'bar'])
    expect(splitArgs('')).toEqual([])
    expect(splitArgs('   \t ')).toEqual([])
  })

  it('understands double-quote escapes', () => {
    expect(splitArgs('set "a b" "x\\ny\\r\\t\\b\\a\\\\\\"z"')).toEqual(['set', 'a b', 'x\ny\r\t\b\x07\\"z'])
    expect(splitArgs('"\\x41\\x7a\\xff"')).toEqual(['Az\xff'])
    // An incomplete \x escape keeps the x as a literal character.
    expect(splitArgs('"\\x4"')).toEqual(['x4'])
    expect(splitArgs('"\\q"')).toEqual(['q'])
  })

  it('understands single quotes with only \\\' as escape', () => {
    expect(splitArgs("'it\\'s' 'a\\nb'")).toEqual(["it's", 'a\\nb'])
  })

  it('keeps empty quoted arguments', () => {
    expect(splitArgs('set k ""')).toEqual(['set', 'k', ''])
    expect(splitArgs("''")).toEqual([''])
  })

  it('joins a quote opened mid-word, as Redis does', () => {
    expect(splitArgs('foo"bar baz"')).toEqual(['foobar baz'])
  })

  it('rejects unbalanced quotes and a closing quote not followed by space', () => {
    expect(splitArgs('set "foo')).toBeNull()
    expect(splitArgs("set 'foo")).toBeNull()
    expect(splitArgs('"foo"bar')).toBeNull()
    expect(splitArgs("'foo'bar")).toBeNull()
    expect(splitArgs('"foo\\"')).toBeNull()
  })

  it('accepts a closing quote followed by any whitespace or the end', () => {
    expect(splitArgs('"a"\t"b"\n')).toEqual(['a', 'b'])
  })

  it('is byte exact for binary input', () => {
    const input = Uint8Array.from([0x73, 0x65, 0x74, 0x20, 0xc3, 0xa9, 0x20, 0x22, 0x5c, 0x78, 0x30, 0x30, 0xfe, 0x22])
    const out = splitArgsBytes(input)
    expect(out?.map((b) => Array.from(b))).toEqual([[0x73, 0x65, 0x74], [0xc3, 0xa9], [0x00, 0xfe]])
    expect(splitArgsBytes(Uint8Array.from([0x22, 0x61]))).toBeNull()
  })
})
