import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fakeServer, resp } from './helpers/fake-context'
import { zsetCommands } from '../../main/server/commands/zsets'
import type { CommandContext } from '../../main/server/context'
import { encodeReply, formatDouble } from '../../main/server/protocol/writer'
import { zsetEncoding, type ZSet } from '../../main/server/store/zset'

const TABLE = new Map(zsetCommands.map((c) => [c.name, c]))

type Server = ReturnType<typeof fakeServer>

/** Runs a sorted-set command on the fake server; the RESP2 (or RESP3) reply text. */
function z(s: Server, ...args: (string | number)[]): string {
  const argv = args.map((a) => Buffer.from(String(a), 'latin1'))
  const spec = TABLE.get(argv[0].toString('latin1').toLowerCase())
  if (!spec?.handler) throw new Error(`not a zset command: ${String(args[0])}`)
  const ctx: CommandContext = { argv, client: s.client, server: s, db: s.db() }
  return encodeReply(spec.handler(ctx), s.client.protocol).toString('latin1')
}

function encodingOf(s: Server, key: string): string {
  const value = s.db().peek(key)
  if (value?.type !== 'zset') throw new Error(`${key} is not a zset`)
  return zsetEncoding(value as ZSet)
}

describe('sorted-set encoding (OBJECT ENCODING as Redis 7.0)', () => {
  it('is listpack up to 128 members, skiplist from the 129th, and stays skiplist when shrinking', () => {
    const s = fakeServer()
    for (let i = 0; i < 128; i++) z(s, 'ZADD', 'k', i, `m${i}`)
    expect(encodingOf(s, 'k')).toBe('listpack')
    z(s, 'ZADD', 'k', 200, 'one-more')
    expect(encodingOf(s, 'k')).toBe('skiplist')
    z(s, 'ZREMRANGEBYRANK', 'k', 0, 100)
    expect(encodingOf(s, 'k')).toBe('skiplist')
    // *STORE converts back when the result fits, as zsetConvertToListpackIfNeeded does.
    z(s, 'ZRANGESTORE', 'copy', 'k', 0, -1)
    expect(encodingOf(s, 'copy')).toBe('listpack')
  })

  it('is skiplist once a member is longer than 64 bytes, including a new key created by one', () => {
    const s = fakeServer()
    z(s, 'ZADD', 'k', 1, 'x'.repeat(64))
    expect(encodingOf(s, 'k')).toBe('listpack')
    z(s, 'ZADD', 'k', 1, 'y'.repeat(65))
    expect(encodingOf(s, 'k')).toBe('skiplist')
    z(s, 'ZADD', 'long', 1, 'y'.repeat(65))
    expect(encodingOf(s, 'long')).toBe('skiplist')
  })

  it('follows zset-max-listpack-entries / -value from the config', () => {
    const s = fakeServer()
    s.configValues.set('zset-max-listpack-entries', '2')
    s.configValues.set('zset-max-listpack-value', '3')
    z(s, 'ZADD', 'k', 1, 'a', 2, 'b')
    expect(encodingOf(s, 'k')).toBe('listpack')
    z(s, 'ZADD', 'k', 3, 'c')
    expect(encodingOf(s, 'k')).toBe('skiplist')
    z(s, 'ZADD', 'w', 1, 'abcd')
    expect(encodingOf(s, 'w')).toBe('skiplist')
  })
})

describe('writes', () => {
  it('bump dirty by what changed, signal the key, and delete emptied keys', () => {
    const s = fakeServer()
    const touched: string[] = []
    s.db().modifiedListeners.push((_db, key) => touched.push(key))
    expect(z(s, 'ZADD', 'k', 1, 'a', 2, 'b')).toBe(resp.int(2))
    expect(s.dirty).toBe(2)
    expect(z(s, 'ZADD', 'k', 1, 'a')).toBe(resp.int(0))
    expect(s.dirty).toBe(2)
    touched.length = 0
    expect(z(s, 'ZREM', 'k', 'a', 'zz')).toBe(resp.int(1))
    expect(s.dirty).toBe(3)
    expect(touched).toEqual(['k'])
    expect(z(s, 'ZPOPMIN', 'k')).toBe(resp.array([resp.bulk('b'), resp.bulk('2')]))
    expect(s.db().has('k')).toBe(false)
    expect(s.dirty).toBe(4)
  })

  it('ZADD INCR with NX on an existing member replies nil and changes nothing', () => {
    const s = fakeServer()
    z(s, 'ZADD', 'k', 1, 'a')
    expect(z(s, 'ZADD', 'k', 'NX', 'INCR', 5, 'a')).toBe(resp.nil)
    expect(z(s, 'ZSCORE', 'k', 'a')).toBe(resp.bulk('1'))
    expect(z(s, 'ZADD', 'k', 'INCR', 'inf', 'a')).toBe(resp.bulk('inf'))
    expect(z(s, 'ZADD', 'k', 'INCR', '-inf', 'a')).toBe(resp.err('ERR resulting score is not a number (NaN)'))
  })

  it('a *STORE with an empty result deletes the destination', () => {
    const s = fakeServer()
    z(s, 'ZADD', 'dst', 1, 'a')
    expect(z(s, 'ZINTERSTORE', 'dst', 2, 'dst', 'missing')).toBe(resp.int(0))
    expect(s.db().has('dst')).toBe(false)
  })
})

describe('RESP3 shapes', () => {
  it('nests WITHSCORES pairs and sends doubles', () => {
    const s = fakeServer()
    s.client.protocol = 3
    z(s, 'ZADD', 'k', 1.5, 'a', 2, 'b')
    expect(z(s, 'ZRANGE', 'k', 0, -1, 'WITHSCORES')).toBe('*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,2\r\n')
    expect(z(s, 'ZPOPMIN', 'k')).toBe('*2\r\n$1\r\na\r\n,1.5\r\n')
    expect(z(s, 'ZPOPMIN', 'k', 1)).toBe('*1\r\n*2\r\n$1\r\nb\r\n,2\r\n')
    expect(z(s, 'ZMPOP', 1, 'k', 'MIN')).toBe('_\r\n')
  })
})

describe('ZSCAN over a skiplist-encoded set', () => {
  it('returns every member at least once across the cursor, with scores', () => {
    const s = fakeServer()
    for (let i = 0; i < 500; i++) z(s, 'ZADD', 'k', i, `m${i}`)
    const seen = new Map<string, string>()
    let cursor = '0'
    let rounds = 0
    do {
      const value = s.db().peek('k') as ZSet
      const step = value.scanStep(Number(cursor), 20)
      for (const m of step.members) seen.set(m, String(value.score(m)))
      cursor = String(step.cursor)
      if (rounds++ === 3) z(s, 'ZADD', 'k', 1000, 'added-meanwhile')
    } while (cursor !== '0')
    for (let i = 0; i < 500; i++) expect(seen.get(`m${i}`)).toBe(String(i))
  })
})

/**
 * The model: a plain array kept sorted by (score, member bytes), and the
 * replies Redis would give computed from it directly.
 */
type Entry = [string, number]

function modelSort(entries: Entry[]): Entry[] {
  return entries.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

function bulkScore(score: number): string {
  return resp.bulk(formatDouble(score))
}

function rankSlice(entries: Entry[], start: number, end: number): Entry[] {
  const n = entries.length
  if (start < 0) start += n
  if (end < 0) end += n
  if (start < 0) start = 0
  if (start > end || start >= n) return []
  return entries.slice(start, Math.min(end, n - 1) + 1)
}

const memberArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'A', '\xff', 'aa')
const scoreArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -1.25, Infinity, -Infinity))
const scoreText = (n: number): string => (n === Infinity ? '+inf' : n === -Infinity ? '-inf' : String(n))

type Op =
  | { op: 'zadd'; pairs: [number, string][] }
  | { op: 'zrem'; members: string[] }
  | { op: 'zincrby'; by: number; member: string }
  | { op: 'zrange'; start: number; end: number; rev: boolean }
  | { op: 'byscore'; min: number; max: number; minex: boolean; offset: number; count: number }
  | { op: 'zrank'; member: string }
  | { op: 'zcount'; min: number; max: number }
  | { op: 'zremrangebyrank'; start: number; end: number }
  | { op: 'zpopmax'; count: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('zadd' as const), pairs: fc.array(fc.tuple(scoreArb, memberArb), { minLength: 1, maxLength: 4 }) }),
  fc.record({ op: fc.constant('zrem' as const), members: fc.array(memberArb, { minLength: 1, maxLength: 3 }) }),
  fc.record({ op: fc.constant('zincrby' as const), by: fc.integer({ min: -2, max: 2 }), member: memberArb }),
  fc.record({ op: fc.constant('zrange' as const), start: fc.integer({ min: -6, max: 6 }), end: fc.integer({ min: -6, max: 6 }), rev: fc.boolean() }),
  fc.record({
    op: fc.constant('byscore' as const),
    min: scoreArb,
    max: scoreArb,
    minex: fc.boolean(),
    offset: fc.integer({ min: 0, max: 3 }),
    count: fc.integer({ min: -1, max: 4 }),
  }),
  fc.record({ op: fc.constant('zrank' as const), member: memberArb }),
  fc.record({ op: fc.constant('zcount' as const), min: scoreArb, max: scoreArb }),
  fc.record({ op: fc.constant('zremrangebyrank' as const), start: fc.integer({ min: -4, max: 4 }), end: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant('zpopmax' as const), count: fc.integer({ min: 1, max: 3 }) }),
)

/** Applies `op` to the model and returns Redis's reply for it. */
function modelStep(model: Map<string, number>, op: Op): string {
  const entries = (): Entry[] => modelSort([...model])
  const members = (list: Entry[]): string => resp.array(list.map(([m]) => resp.bulk(m)))
  switch (op.op) {
    case 'zadd': {
      let added = 0
      for (const [score, m] of op.pairs) {
        if (!model.has(m)) added++
        model.set(m, score)
      }
      return resp.int(added)
    }
    case 'zrem': {
      let removed = 0
      for (const m of op.members) if (model.delete(m)) removed++
      return resp.int(removed)
    }
    case 'zincrby': {
      const next = (model.get(op.member) ?? 0) + op.by
      if (Number.isNaN(next)) return resp.err('ERR resulting score is not a number (NaN)')
      model.set(op.member, next)
      return bulkScore(next)
    }
    case 'zrange': {
      const list = op.rev ? entries().reverse() : entries()
      return members(rankSlice(list, op.start, op.end))
    }
    case 'byscore': {
      const inRange = entries().filter(([, s]) => (op.minex ? s > op.min : s >= op.min) && s <= op.max)
      const limited = op.count < 0 ? inRange.slice(op.offset) : inRange.slice(op.offset, op.offset + op.count)
      return resp.array(limited.flatMap(([m, s]) => [resp.bulk(m), bulkScore(s)]))
    }
    case 'zrank': {
      const i = entries().findIndex(([m]) => m === op.member)
      return i < 0 ? resp.nil : resp.int(i)
    }
    case 'zcount':
      return resp.int(entries().filter(([, s]) => s >= op.min && s <= op.max).length)
    case 'zremrangebyrank': {
      const gone = rankSlice(entries(), op.start, op.end)
      for (const [m] of gone) model.delete(m)
      return resp.int(gone.length)
    }
    case 'zpopmax': {
      if (model.size === 0) return resp.array([])
      const popped = entries().reverse().slice(0, op.count)
      for (const [m] of popped) model.delete(m)
      return resp.array(popped.flatMap(([m, s]) => [resp.bulk(m), bulkScore(s)]))
    }
  }
}

function serverStep(s: Server, op: Op): string {
  switch (op.op) {
    case 'zadd':
      return z(s, 'ZADD', 'k', ...op.pairs.flatMap(([score, m]) => [scoreText(score), m]))
    case 'zrem':
      return z(s, 'ZREM', 'k', ...op.members)
    case 'zincrby':
      return z(s, 'ZINCRBY', 'k', op.by, op.member)
    case 'zrange':
      return op.rev ? z(s, 'ZRANGE', 'k', op.start, op.end, 'REV') : z(s, 'ZRANGE', 'k', op.start, op.end)
    case 'byscore':
      return z(s, 'ZRANGEBYSCORE', 'k', (op.minex ? '(' : '') + scoreText(op.min), scoreText(op.max), 'WITHSCORES', 'LIMIT', op.offset, op.count)
    case 'zrank':
      return z(s, 'ZRANK', 'k', op.member)
    case 'zcount':
      return z(s, 'ZCOUNT', 'k', scoreText(op.min), scoreText(op.max))
    case 'zremrangebyrank':
      return z(s, 'ZREMRANGEBYRANK', 'k', op.start, op.end)
    case 'zpopmax':
      return z(s, 'ZPOPMAX', 'k', op.count)
  }
}

describe('property: random commands agree with a sorted-array model', () => {
  it('replies and contents match after every step', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const s = fakeServer()
        const model = new Map<string, number>()
        for (const op of ops) {
          // Duplicate members within one ZADD: the last score wins, and it counts once.
          if (op.op === 'zadd' && new Set(op.pairs.map(([, m]) => m)).size !== op.pairs.length) continue
          expect(serverStep(s, op)).toBe(modelStep(model, op))
          expect(z(s, 'ZCARD', 'k')).toBe(resp.int(model.size))
          expect(s.db().has('k')).toBe(model.size > 0)
        }
        const all = modelSort([...model])
        expect(z(s, 'ZRANGE', 'k', 0, -1, 'WITHSCORES')).toBe(resp.array(all.flatMap(([m, sc]) => [resp.bulk(m), bulkScore(sc)])))
      }),
      { numRuns: 300 },
    )
  })
})

describe('integer and member edge cases of the range commands', () => {
  it('accepts exactly string2ll integers as indexes and LIMIT, short or long', () => {
    const s = fakeServer()
    for (let i = 0; i < 5; i++) z(s, 'ZADD', 'k', i, `m${i}`)
    const notInt = '-ERR value is not an integer or out of range\r\n'
    for (const bad of ['00', '-0', '+1', ' 1', '1 ', '1\0', '-', '', '0x1', '1.0', '9223372036854775808', '-9223372036854775809']) {
      expect(z(s, 'ZRANGE', 'k', bad, -1), bad).toBe(notInt)
      expect(z(s, 'ZRANGEBYSCORE', 'k', '-inf', '+inf', 'LIMIT', bad, 1), bad).toBe(notInt)
    }
    const all = resp.array(['m0', 'm1', 'm2', 'm3', 'm4'].map((m) => resp.bulk(m)))
    expect(z(s, 'ZRANGE', 'k', '-999999999999999', '999999999999999')).toBe(all)
    expect(z(s, 'ZRANGE', 'k', '-9223372036854775808', '9223372036854775807')).toBe(all)
    expect(z(s, 'ZRANGEBYSCORE', 'k', '-inf', '+inf', 'LIMIT', '3', '9999999999999999')).toBe(resp.array([resp.bulk('m3'), resp.bulk('m4')]))
    expect(z(s, 'ZRANGEBYSCORE', 'k', '-inf', '+inf', 'LIMIT', '-1', '1')).toBe(resp.array([]))
  })

  it('sends members back as the bytes they were added with, ASCII or not', () => {
    const s = fakeServer()
    z(s, 'ZADD', 'k', 1, '\xff\x00\xe9', 2, 'plain', 3, '')
    expect(z(s, 'ZRANGEBYSCORE', 'k', '-inf', '+inf')).toBe('*3\r\n$3\r\n\xff\x00\xe9\r\n$5\r\nplain\r\n$0\r\n\r\n')
  })
})
