import { describe, expect, it } from 'vitest'
import {
  AofManifestError,
  emptyManifest,
  formatManifest,
  parseManifest,
  withNewBase,
  withNewIncr,
  withRewrittenIncrAsHistory,
} from '../../main/server/persistence/aof-manifest'
import { splitArgs } from '../../shared/split-args'

/** Written by redis-server 7.0.15 with aof-disable-auto-gc yes after two rewrites. */
const REDIS_WITH_HISTORY = [
  'file appendonly.aof.5.base.aof seq 5 type b',
  'file appendonly.aof.4.incr.aof seq 4 type h',
  'file appendonly.aof.4.base.rdb seq 4 type h',
  'file appendonly.aof.3.incr.aof seq 3 type h',
  'file appendonly.aof.3.base.rdb seq 3 type h',
  'file appendonly.aof.5.incr.aof seq 5 type i',
  '',
].join('\n')

describe('AOF manifest', () => {
  it("parses and re-formats Redis's manifest byte for byte", () => {
    const m = parseManifest(REDIS_WITH_HISTORY)
    expect(m.base?.fileName).toBe('appendonly.aof.5.base.aof')
    expect(m.history.map((h) => h.fileName)).toEqual([
      'appendonly.aof.4.incr.aof',
      'appendonly.aof.4.base.rdb',
      'appendonly.aof.3.incr.aof',
      'appendonly.aof.3.base.rdb',
    ])
    expect(m.incr.map((i) => i.seq)).toEqual([5])
    expect(m.currentBaseSeq).toBe(5)
    expect(m.currentIncrSeq).toBe(5)
    expect(formatManifest(m)).toBe(REDIS_WITH_HISTORY)
  })

  it('a rewrite moves the old base and the covered incr files to history, newest first, as Redis lists them', () => {
    let m = parseManifest('file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n')
    m = withNewIncr(m, 'appendonly.aof')
    m = withRewrittenIncrAsHistory(withNewBase(m, 'appendonly.aof', true), true)
    expect(formatManifest(m)).toBe(
      [
        'file appendonly.aof.4.base.rdb seq 4 type b',
        'file appendonly.aof.3.incr.aof seq 3 type h',
        'file appendonly.aof.3.base.rdb seq 3 type h',
        'file appendonly.aof.4.incr.aof seq 4 type i',
        '',
      ].join('\n'),
    )
    const off = withRewrittenIncrAsHistory(withNewBase(m, 'appendonly.aof', false), false)
    expect(off.incr).toEqual([])
    expect(off.base?.fileName).toBe('appendonly.aof.5.base.aof')
  })

  it('quotes names that need it and reads them back', () => {
    const m = withNewIncr(emptyManifest(), 'my file "x".aof')
    const text = formatManifest(m)
    expect(text).toBe('file "my file \\"x\\".aof.1.incr.aof" seq 1 type i\n')
    expect(parseManifest(text).incr[0].fileName).toBe('my file "x".aof.1.incr.aof')
    expect(splitArgs("a 'b c' \"d\\x41\"")).toEqual(['a', 'b c', 'dA'])
    expect(splitArgs('"unbalanced')).toBeNull()
  })

  it('writes bytes outside isprint() as \\xHH, as sdscatrepr, and reads them back', () => {
    const m = withNewIncr(emptyManifest(), 'caf\xe9\x7f.aof')
    const text = formatManifest(m)
    expect(text).toBe('file "caf\\xe9\\x7f.aof.1.incr.aof" seq 1 type i\n')
    expect(parseManifest(text).incr[0].fileName).toBe('caf\xe9\x7f.aof.1.incr.aof')
  })

  it.each([
    ['', 'Found an empty AOF manifest'],
    ['file a seq 1 type x\n', 'Unknown AOF file type'],
    ['file a seq 1\n', 'Invalid AOF manifest file format'],
    ['\n', 'Invalid AOF manifest file format'],
    ['file a seq 1 type b\nfile b seq 2 type b\n', 'Found duplicate base file information'],
    ['file a seq 2 type i\nfile b seq 2 type i\n', 'Found a non-monotonic sequence number'],
    ['file dir/a seq 1 type i\n', "File can't be a path, just a filename"],
    ['file a seq 1 type i', 'The AOF manifest file contains too long line'],
    [`file ${'a'.repeat(1100)} seq 1 type i\n`, 'The AOF manifest file contains too long line'],
  ])('refuses %j with "%s"', (text, message) => {
    expect(() => parseManifest(text)).toThrow(AofManifestError)
    expect(() => parseManifest(text)).toThrow(message)
  })

  it('skips comment lines and ignores unknown keys', () => {
    const m = parseManifest('# written by hand\nfile a.1.incr.aof seq 1 type i future 7\n')
    expect(m.incr[0].fileName).toBe('a.1.incr.aof')
  })
})
