import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { SkipList, type ScoreRange } from '../../main/server/store/skiplist'

/** The list's contents in order, checked against its own bookkeeping (length, tail, backward links, spans, score copies). */
function contents(list: SkipList): [string, number][] {
  const forward = [...list.entries()]
  expect(list.length).toBe(forward.length)
  const backward: [string, number][] = []
  for (let x = list.tail; x !== null; x = x.backward) backward.push([x.member, x.score])
  expect(backward.reverse()).toEqual(forward)
  // Every level's spans must add up to the ranks they jump to.
  for (let level = 0; level < list.level; level++) {
    let rank = 0
    let x = list.header
    while (x.forwardAt(level) !== null) {
      rank += x.spanAt(level)
      const scoreCopy = x.links[level * 3 + 2]
      x = x.forwardAt(level)!
      // The score copied into the link must be the forward node's score (searches trust it).
      expect(scoreCopy).toBe(x.score)
      expect(list.rank(x.score, x.member)).toBe(rank)
    }
  }
  return forward
}

function sorted(entries: [string, number][]): [string, number][] {
  return [...entries].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

describe('SkipList', () => {
  it('orders by score, then by member bytes', () => {
    const list = new SkipList()
    list.insert(2, 'b')
    list.insert(1, 'z')
    list.insert(2, 'a')
    list.insert(2, '\xff')
    list.insert(2, 'B')
    list.insert(-Infinity, 'low')
    expect(contents(list)).toEqual([['low', -Infinity], ['z', 1], ['B', 2], ['a', 2], ['b', 2], ['\xff', 2]])
  })

  it('ranks are 1-based, 0 for a missing node, and byRank inverts rank', () => {
    const list = new SkipList()
    for (let i = 0; i < 1000; i++) list.insert(i % 7, `m${i}`)
    const order = contents(list)
    for (let r = 1; r <= order.length; r += 37) {
      const node = list.byRank(r)!
      expect([node.member, node.score]).toEqual(order[r - 1])
      expect(list.rank(node.score, node.member)).toBe(r)
    }
    expect(list.rank(3, 'nope')).toBe(0)
    expect(list.byRank(0)).toBeNull()
    expect(list.byRank(1001)).toBeNull()
  })

  it('deletes only the exact (score, member) node and keeps spans right', () => {
    const list = new SkipList()
    for (let i = 0; i < 200; i++) list.insert(i, `m${i}`)
    expect(list.delete(5, 'm6')).toBe(false)
    expect(list.delete(5, 'm5')).toBe(true)
    expect(list.delete(5, 'm5')).toBe(false)
    for (let i = 0; i < 200; i += 2) list.delete(i, `m${i}`)
    expect(list.tail?.member).toBe('m199')
    expect(contents(list).map(([m]) => m)).toEqual(Array.from({ length: 100 }, (_, k) => `m${2 * k + 1}`).filter((m) => m !== 'm5'))
    for (let i = 1; i < 200; i += 2) list.delete(i, `m${i}`)
    expect(list.length).toBe(0)
    expect(list.tail).toBeNull()
    expect(list.level).toBe(1)
  })

  it('updates a score in place when the order holds and moves the node when it does not', () => {
    const list = new SkipList()
    list.insert(1, 'a')
    list.insert(2, 'b')
    list.insert(3, 'c')
    const same = list.byRank(2)!
    expect(list.updateScore(2, 'b', 2.5)).toBe(same)
    list.updateScore(2.5, 'b', 10)
    list.updateScore(1, 'a', 3)
    expect(contents(list)).toEqual([['a', 3], ['c', 3], ['b', 10]])
    expect(() => list.updateScore(99, 'b', 1)).toThrow()
  })

  it('finds the first and last node of score ranges with open and closed ends', () => {
    const list = new SkipList()
    for (let i = 1; i <= 5; i++) list.insert(i, `m${i}`)
    const r = (min: number, max: number, minex = false, maxex = false): ScoreRange => ({ min, max, minex, maxex })
    expect(list.firstInScoreRange(r(2, 4))?.member).toBe('m2')
    expect(list.lastInScoreRange(r(2, 4))?.member).toBe('m4')
    expect(list.firstInScoreRange(r(2, 4, true, true))?.member).toBe('m3')
    expect(list.lastInScoreRange(r(2, 4, true, true))?.member).toBe('m3')
    expect(list.firstInScoreRange(r(3, 3, true))).toBeNull()
    expect(list.firstInScoreRange(r(6, Infinity))).toBeNull()
    expect(list.lastInScoreRange(r(-Infinity, 0.5))).toBeNull()
    expect(list.firstInScoreRange(r(-Infinity, Infinity))?.member).toBe('m1')
    expect(list.firstInScoreRange(r(4, 2))).toBeNull()
  })

  it('finds lex ranges with -, +, inclusive and exclusive ends', () => {
    const list = new SkipList()
    for (const m of ['a', 'b', 'c', 'd']) list.insert(0, m)
    const v = (value: string, exclusive: boolean) => ({ kind: 'value' as const, value, exclusive })
    expect(list.firstInLexRange({ min: { kind: 'min' }, max: { kind: 'max' } })?.member).toBe('a')
    expect(list.lastInLexRange({ min: { kind: 'min' }, max: { kind: 'max' } })?.member).toBe('d')
    expect(list.firstInLexRange({ min: v('b', true), max: v('d', true) })?.member).toBe('c')
    expect(list.lastInLexRange({ min: v('b', true), max: v('d', true) })?.member).toBe('c')
    expect(list.firstInLexRange({ min: v('bb', false), max: { kind: 'max' } })?.member).toBe('c')
    expect(list.firstInLexRange({ min: { kind: 'max' }, max: { kind: 'min' } })).toBeNull()
    expect(list.firstInLexRange({ min: v('c', true), max: v('c', false) })).toBeNull()
  })

  it('stays consistent with a sorted array under random inserts, deletes and updates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('ins', 'del', 'upd'), fc.integer({ min: 0, max: 30 }), fc.integer({ min: -5, max: 5 })), { maxLength: 200 }),
        (ops) => {
          const list = new SkipList()
          const model = new Map<string, number>()
          for (const [op, m, score] of ops) {
            const member = `k${m}`
            const current = model.get(member)
            if (op === 'ins' && current === undefined) {
              list.insert(score, member)
              model.set(member, score)
            } else if (op === 'del' && current !== undefined) {
              expect(list.delete(current, member)).toBe(true)
              model.delete(member)
            } else if (op === 'upd' && current !== undefined) {
              list.updateScore(current, member, score)
              model.set(member, score)
            }
          }
          expect(contents(list)).toEqual(sorted([...model]))
        },
      ),
      { numRuns: 150 },
    )
  })
})
