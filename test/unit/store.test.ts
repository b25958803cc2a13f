import { describe, expect, it } from 'vitest'
import { globMatch } from '../../main/server/store/glob'
import { ScanTable } from '../../main/server/store/scan-table'
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../../main/server/store/long-double'
import { isToken, keyExpireAt, parseDouble, parseInt64, stringExpireAt } from '../../main/server/commands/parse'
import { stringValue } from '../../main/server/store/values'
import { fakeServer } from './helpers/fake-context'
import { prng } from './helpers/prng'

/** Produced by `KEYS <pattern>` on Redis 7.0.15 over these subjects (latin1 byte strings). */
const GLOB_SUBJECTS: string[] = ["", "a", "b", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "a-c", "^", "hello", "hallo", "hllo", "heeello", "\u00ff", "\u0080x", "A", "z", "Z", "abcabc", "-", "]"]
const GLOB_CASES: [string, string[]][] = [
  ["*", ["", "-", "A", "Z", "]", "^", "a", "a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c", "ab", "abc", "abcabc", "b", "hallo", "heeello", "hello", "hllo", "z", "\u0080x", "\u00ff"]],
  ["?", ["-", "A", "Z", "]", "^", "a", "b", "z", "\u00ff"]],
  ["a*", ["a", "a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c", "ab", "abc", "abcabc"]],
  ["*c", ["a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c", "abc", "abcabc"]],
  ["a?c", ["a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c", "abc"]],
  ["a\\*c", ["a*c"]],
  ["a\\?c", ["a?c"]],
  ["a[bX]c", ["aXc", "abc"]],
  ["a[^b]c", ["a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c"]],
  ["a[a-z]c", ["abc"]],
  ["a[z-a]c", ["abc"]],
  ["a[\\]]c", ["a]c"]],
  ["a[]c", []],
  ["a[", []],
  ["a[^", ["ab"]],
  ["[abc", ["a", "b"]],
  ["a[\\", []],
  ["h*llo", ["hallo", "heeello", "hello", "hllo"]],
  ["h?llo", ["hallo", "hello"]],
  ["h[^e]llo", ["hallo"]],
  ["h[a-b]llo", ["hallo"]],
  ["**", ["-", "A", "Z", "]", "^", "a", "a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c", "ab", "abc", "abcabc", "b", "hallo", "heeello", "hello", "hllo", "z", "\u0080x", "\u00ff"]],
  ["*a*", ["a", "a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c", "ab", "abc", "abcabc", "hallo"]],
  ["[\u0080-\u00ff]*", ["\u0080x", "\u00ff"]],
  ["[a-\u00ff]", ["-", "A", "Z", "]", "^", "a", "\u00ff"]],
  ["\\", []],
  ["a\\", []],
  ["[-]", ["-"]],
  ["[a-]", ["]", "^", "a"]],
  ["[]]", []],
  ["[^]]", []],
  ["abc*abc", ["abcabc"]],
  ["*b*c", ["abc", "abcabc"]],
  ["[A-Z]", ["A", "Z"]],
  ["[^a-z]", ["-", "A", "Z", "]", "^", "\u00ff"]],
  ["a[b-]", ["ab"]],
  ["a[-b]c", ["a-c", "abc"]],
]

describe('glob matcher (stringmatchlen)', () => {
  it('agrees with Redis 7.0.15 KEYS on every recorded case', () => {
    for (const [pattern, expected] of GLOB_CASES) {
      // KEYS answers "*" without matching (so it lists the empty key too), as keysCommand does.
      const got = GLOB_SUBJECTS.filter((s) => pattern === '*' || globMatch(pattern, s)).sort()
      expect(got, `pattern ${JSON.stringify(pattern)}`).toEqual([...expected].sort())
    }
  })

  it('gives up on absurdly nested stars instead of hanging', () => {
    const started = Date.now()
    expect(globMatch('a*'.repeat(1500) + 'b', 'a'.repeat(3000))).toBe(false)
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('argument parsing', () => {
  it('parseInt64 follows string2ll', () => {
    expect(parseInt64('0')).toBe(0n)
    expect(parseInt64('-9223372036854775808')).toBe(-9223372036854775808n)
    expect(parseInt64('9223372036854775807')).toBe(9223372036854775807n)
    for (const bad of ['', '-', '+1', '01', '-0', ' 1', '1 ', '9223372036854775808', '1e3', '0x10', '١']) {
      expect(parseInt64(bad), JSON.stringify(bad)).toBeNull()
    }
  })

  it('parseDouble follows strtod as Redis wraps it', () => {
    expect(parseDouble('1.5')).toBe(1.5)
    expect(parseDouble('-.5e1')).toBe(-5)
    expect(parseDouble('+inf')).toBe(Infinity)
    expect(parseDouble('0x1p3')).toBe(8)
    expect(parseDouble('1e-400')).toBeNull()
    expect(parseDouble('1e400')).toBeNull()
    expect(parseDouble('0e-400')).toBe(0)
    for (const bad of ['', ' 1', '1 ', 'nan', 'abc', '1.2.3', 'e5', '.']) expect(parseDouble(bad), bad).toBeNull()
  })

  it('option tokens compare case-insensitively and stop at NUL like strcasecmp', () => {
    expect(isToken(Buffer.from('nX'), 'NX')).toBe(true)
    expect(isToken(Buffer.from('nx\0junk'), 'NX')).toBe(true)
    expect(isToken(Buffer.from('nxx'), 'NX')).toBe(false)
  })

  it('expire argument conversions reject overflow', () => {
    expect(stringExpireAt(Buffer.from('10'), 'seconds', true, 1000)).toBe(11_000)
    expect(stringExpireAt(Buffer.from('0'), 'milliseconds', false, 1000)).toBe('invalid')
    expect(stringExpireAt(Buffer.from('x'), 'milliseconds', false, 1000)).toBe('not-integer')
    expect(keyExpireAt(Buffer.from('-5'), 'seconds', 10_000)).toBe(5_000)
    expect(keyExpireAt(Buffer.from('-9223372036854775'), 'seconds', 0)).toBe(-9223372036854775000)
    expect(keyExpireAt(Buffer.from('-9223372036854776'), 'seconds', 0)).toBe('invalid')
  })
})

describe('long double arithmetic', () => {
  const add = (a: string, b: string): string =>
    formatLongDoubleHuman(addLongDouble(parseLongDouble(a)!, parseLongDouble(b)!))

  it('rounds and prints as x87 long double with %.17Lf', () => {
    expect(add('0', '0.1')).toBe('0.1')
    expect(add('3.0e3', '1.1')).toBe('3001.10000000000000009')
    expect(add('1.1', '-1.1')).toBe('0')
    expect(add('-0', '-0')).toBe('0')
    expect(add('-1.5', '0.25')).toBe('-1.25')
    expect(add('0', '1e-20')).toBe('0')
    expect(add('0', '-1e-20')).toBe('0')
    expect(add('9007199254740993', '0')).toBe('9007199254740993')
  })

  it('rejects what strtold rejects and overflows to infinity', () => {
    expect(parseLongDouble('1e5000')).toBeNull()
    expect(parseLongDouble('nan')).toBeNull()
    expect(parseLongDouble(' 1')).toBeNull()
    const big = parseLongDouble('1.1e4932')!
    expect(addLongDouble(big, big).kind).toBe('inf')
  })
})

describe('ScanTable', () => {
  it('grows and shrinks with the key count and a full scan sees every key', () => {
    const table = new ScanTable()
    for (let i = 0; i < 1000; i++) table.add(`k${i}`)
    expect(table.bucketCount).toBe(1024)
    for (let i = 0; i < 950; i++) table.delete(`k${i}`)
    // Shrinks below 10% fill, to the next power of two above the count (dict.c's rule).
    expect(table.bucketCount).toBe(128)
    const seen: string[] = []
    let cursor = 0
    do cursor = table.scanBucket(cursor, (k) => seen.push(k))
    while (cursor !== 0)
    expect(seen.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `k${950 + i}`).sort())
  })
})

describe('ScanTable under concurrent changes', () => {
  it('returns every key present for the whole scan while keys come and go and the table resizes mid-scan', () => {
    let scansWithResize = 0
    for (let seed = 1; seed <= 20; seed++) {
      const random = prng(seed)
      const table = new ScanTable()
      const stable = Array.from({ length: 200 + Math.floor(random() * 800) }, (_, i) => `s${seed}:${i}`)
      stable.forEach((k) => table.add(k))
      const transient = new Set<string>()
      let next = 0
      const seen = new Set<string>()
      let cursor = 0
      let steps = 0
      let resizedMidScan = false
      do {
        const before = table.bucketCount
        cursor = table.scanBucket(cursor, (k) => seen.add(k))
        // Random bursts of adds and deletes of other keys between steps.
        const burst = Math.floor(random() * (random() < 0.05 ? 3000 : 20))
        for (let i = 0; i < burst; i++) {
          if (random() < 0.5 || transient.size === 0) {
            const k = `t${next++}`
            transient.add(k)
            table.add(k)
          } else {
            const k = transient.values().next().value as string
            transient.delete(k)
            table.delete(k)
          }
        }
        if (table.bucketCount !== before) resizedMidScan = true
        steps++
      } while (cursor !== 0 && steps < 1_000_000)
      expect(cursor).toBe(0)
      if (resizedMidScan) scansWithResize++
      for (const k of stable) expect(seen.has(k), `seed ${seed} missed ${k}`).toBe(true)
    }
    // The property is only exercised if resizes really happened during the scans.
    expect(scansWithResize).toBeGreaterThanOrEqual(10)
  })

  it('reuses freed slots: scans and random picks see exactly the keys present', () => {
    const table = new ScanTable()
    for (let i = 0; i < 1000; i++) table.add(`k${i}`)
    for (let i = 1; i < 1000; i += 2) table.delete(`k${i}`)
    for (let i = 0; i < 500; i++) table.add(`n${i}`)
    const present = new Set([...Array.from({ length: 500 }, (_, i) => `k${2 * i}`), ...Array.from({ length: 500 }, (_, i) => `n${i}`)])
    expect(table.size).toBe(1000)
    const seen: string[] = []
    let cursor = 0
    do cursor = table.scanBucket(cursor, (k) => seen.push(k))
    while (cursor !== 0)
    expect(seen.sort()).toEqual([...present].sort())
    const random = prng(7)
    const picked = new Set<string>()
    for (let i = 0; i < 20_000; i++) picked.add(table.randomKey(random)!)
    // Every present key can come out (20 picks each on average), and nothing else does.
    expect([...picked].sort()).toEqual([...present].sort())
  })

  it('lets a visit delete the key it is given, as active expiry does, and still visits every key once', () => {
    const table = new ScanTable()
    for (let i = 0; i < 5000; i++) table.add(`k${i}`)
    const visited: string[] = []
    let cursor = 0
    do
      cursor = table.scanBucket(cursor, (k) => {
        visited.push(k)
        table.delete(k)
      })
    while (cursor !== 0)
    // The table shrank many times under the scan.
    expect(table.size).toBe(0)
    expect(table.bucketCount).toBe(4)
    expect(visited.length).toBe(5000)
    expect(new Set(visited).size).toBe(5000)
  })
})

describe('Database', () => {
  it('active expiry removes untouched expired keys and leaves live ones', () => {
    const s = fakeServer()
    const db = s.db()
    for (let i = 0; i < 500; i++) {
      db.set(`dead:${i}`, stringValue(Buffer.from('x')))
      db.setExpire(`dead:${i}`, s.clock + 10)
    }
    for (let i = 0; i < 100; i++) {
      db.set(`ttl:${i}`, stringValue(Buffer.from('x')))
      db.setExpire(`ttl:${i}`, s.clock + 100_000)
    }
    db.set('plain', stringValue(Buffer.from('x')))
    s.clock += 11
    let removed = 0
    for (let round = 0; round < 50 && removed < 500; round++) removed += db.activeExpireCycle(s.clock, 25)
    expect(removed).toBe(500)
    expect(s.stats.expiredKeys).toBe(500)
    expect(db.peek('dead:0')).toBeUndefined()
    expect(db.expiresSize()).toBe(100)
    expect(db.size()).toBe(101)
  })

  it('one cycle stops while few sampled keys are expired (10% rule)', () => {
    const s = fakeServer()
    const db = s.db()
    for (let i = 0; i < 1000; i++) {
      db.set(`k${i}`, stringValue(Buffer.from('x')))
      db.setExpire(`k${i}`, s.clock + (i < 5 ? 1 : 100_000))
    }
    s.clock += 2
    // Mostly live keys: a single cycle samples about 20 and stops, not walking the whole table.
    const removed = db.activeExpireCycle(s.clock, 25)
    expect(removed).toBeLessThanOrEqual(5)
    expect(db.peek('k999')).toBeDefined()
  })

  it('size() never counts logically expired keys; avgTtl is the mean remaining TTL', () => {
    const s = fakeServer()
    const db = s.db()
    db.set('a', stringValue(Buffer.from('1')))
    db.setExpire('a', s.clock + 1000)
    db.set('b', stringValue(Buffer.from('1')))
    db.setExpire('b', s.clock + 3000)
    db.set('c', stringValue(Buffer.from('1')))
    expect(db.avgTtl()).toBe(2000)
    expect(db.expiresSize()).toBe(2)
    s.clock += 1500
    expect(db.size()).toBe(2)
    expect(db.avgTtl()).toBe(1500)
    db.flush()
    expect(db.size()).toBe(0)
    expect(db.avgTtl()).toBe(0)
  })

  it('signals modifications and expiries to listeners (the WATCH and propagation hooks)', () => {
    const s = fakeServer()
    const db = s.db()
    const modified: string[] = []
    const expired: string[] = []
    db.modifiedListeners.push((_db, key) => modified.push(key))
    db.expiredListeners.push((_db, key) => expired.push(key))
    s.call('SET', 'a', '1')
    s.call('INCR', 'n')
    s.call('SET', 'e', '1', 'PX', '5')
    s.clock += 10
    s.call('GET', 'e')
    expect(modified).toEqual(['a', 'n', 'e', 'e'])
    expect(expired).toEqual(['e'])
  })
})
