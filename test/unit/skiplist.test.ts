import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { NO_NODE, SKIPLIST_MAXLEVEL, SkipList, type ScoreRange, type SkipNode } from '../../main/server/store/skiplist'

/** The list's contents in order, checked against its own bookkeeping (length, tail, backward links, spans, heights). */
function contents(list: SkipList): [string, number][] {
  const forward = [...list.entries()]
  expect(list.length).toBe(forward.length)
  const backward: [string, number][] = []
  for (let x = list.tail; x !== NO_NODE; x = list.prevOf(x)) backward.push([list.memberOf(x), list.scoreOf(x)])
  expect(backward.reverse()).toEqual(forward)
  // Every level's spans must add up to the ranks they jump to, and only nodes that tall take part.
  for (let level = 0; level < SKIPLIST_MAXLEVEL; level++) {
    let rank = 0
    let x: SkipNode = NO_NODE // the header
    while (list.forwardOf(x, level) !== NO_NODE) {
      rank += list.spanOf(x, level)
      x = list.forwardOf(x, level)
      expect(list.heightOf(x)).toBeGreaterThan(level)
      expect(list.rank(list.scoreOf(x), list.memberOf(x))).toBe(rank)
    }
    if (level >= list.level) expect(x).toBe(NO_NODE)
  }
  return forward
}

/** member and score of a node, null for NO_NODE. */
function entry(list: SkipList, node: SkipNode): [string, number] | null {
  return node === NO_NODE ? null : [list.memberOf(node), list.scoreOf(node)]
}

function memberAt(list: SkipList, node: SkipNode): string | null {
  return entry(list, node)?.[0] ?? null
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
      const node = list.byRank(r)
      expect(entry(list, node)).toEqual(order[r - 1])
      expect(list.rankOf(node)).toBe(r)
    }
    expect(list.rank(3, 'nope')).toBe(0)
    expect(list.byRank(0)).toBe(NO_NODE)
    expect(list.byRank(1001)).toBe(NO_NODE)
  })

  it('deletes only the exact (score, member) node and keeps spans right', () => {
    const list = new SkipList()
    for (let i = 0; i < 200; i++) list.insert(i, `m${i}`)
    expect(list.delete(5, 'm6')).toBe(false)
    expect(list.delete(5, 'm5')).toBe(true)
    expect(list.delete(5, 'm5')).toBe(false)
    for (let i = 0; i < 200; i += 2) list.delete(i, `m${i}`)
    expect(memberAt(list, list.tail)).toBe('m199')
    expect(contents(list).map(([m]) => m)).toEqual(Array.from({ length: 100 }, (_, k) => `m${2 * k + 1}`).filter((m) => m !== 'm5'))
    for (let i = 1; i < 200; i += 2) list.delete(i, `m${i}`)
    expect(list.length).toBe(0)
    expect(list.tail).toBe(NO_NODE)
    expect(list.level).toBe(1)
  })

  it('updates a score in place when the order holds and moves the node when it does not', () => {
    const list = new SkipList()
    list.insert(1, 'a')
    list.insert(2, 'b')
    list.insert(3, 'c')
    const same = list.byRank(2)
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
    expect(memberAt(list, list.firstInScoreRange(r(2, 4)))).toBe('m2')
    expect(memberAt(list, list.lastInScoreRange(r(2, 4)))).toBe('m4')
    expect(memberAt(list, list.firstInScoreRange(r(2, 4, true, true)))).toBe('m3')
    expect(memberAt(list, list.lastInScoreRange(r(2, 4, true, true)))).toBe('m3')
    expect(list.firstInScoreRange(r(3, 3, true))).toBe(NO_NODE)
    expect(list.firstInScoreRange(r(6, Infinity))).toBe(NO_NODE)
    expect(list.lastInScoreRange(r(-Infinity, 0.5))).toBe(NO_NODE)
    expect(memberAt(list, list.firstInScoreRange(r(-Infinity, Infinity)))).toBe('m1')
    expect(list.firstInScoreRange(r(4, 2))).toBe(NO_NODE)
  })

  it('finds lex ranges with -, +, inclusive and exclusive ends', () => {
    const list = new SkipList()
    for (const m of ['a', 'b', 'c', 'd']) list.insert(0, m)
    const v = (value: string, exclusive: boolean) => ({ kind: 'value' as const, value, exclusive })
    expect(memberAt(list, list.firstInLexRange({ min: { kind: 'min' }, max: { kind: 'max' } }))).toBe('a')
    expect(memberAt(list, list.lastInLexRange({ min: { kind: 'min' }, max: { kind: 'max' } }))).toBe('d')
    expect(memberAt(list, list.firstInLexRange({ min: v('b', true), max: v('d', true) }))).toBe('c')
    expect(memberAt(list, list.lastInLexRange({ min: v('b', true), max: v('d', true) }))).toBe('c')
    expect(memberAt(list, list.firstInLexRange({ min: v('bb', false), max: { kind: 'max' } }))).toBe('c')
    expect(list.firstInLexRange({ min: { kind: 'max' }, max: { kind: 'min' } })).toBe(NO_NODE)
    expect(list.firstInLexRange({ min: v('c', true), max: v('c', false) })).toBe(NO_NODE)
  })

  it('keeps scores bit for bit: fractions, -0, infinities, values beyond int32', () => {
    const list = new SkipList()
    const scores = [0.1, -0, Infinity, -Infinity, 2 ** 53 + 2, -1e308, 5e-324]
    scores.forEach((score, i) => list.insert(score, `m${i}`))
    for (const [member, score] of list.entries()) expect(Object.is(score, scores[Number(member.slice(1))])).toBe(true)
    expect(contents(list).map(([m]) => m)).toEqual(['m3', 'm5', 'm1', 'm6', 'm0', 'm4', 'm2'])
  })

  it('reuses the slots of deleted and moved nodes instead of growing', () => {
    const list = new SkipList()
    const n = 300
    for (let i = 0; i < n; i++) list.insert(i, `m${i}`)
    const initial = list.footprint
    // A move keeps the node's own chunk, as zslUpdateScore keeps the node.
    for (let i = 0; i < n; i++) list.updateScore(i, `m${i}`, n - i + 0.5)
    expect(list.footprint).toEqual(initial)
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < n; i++) list.delete(round === 0 ? n - i + 0.5 : i, `m${i}`)
      expect(list.length).toBe(0)
      for (let i = 0; i < n; i++) list.insert(i, `m${i}`)
    }
    expect(list.footprint.members).toBe(n)
    // Heights are drawn afresh, so a few chunks of a missing height may be new; never a whole second copy.
    expect(list.footprint.slots).toBeLessThan(initial.slots * 1.5)
    expect(contents(list)).toEqual(Array.from({ length: n }, (_, i) => [`m${i}`, i]))
  })

  it('gives the slab back once a big set has shrunk to a quarter, keeping order, ranks and scores', () => {
    const list = new SkipList()
    const n = 30_000
    for (let i = 0; i < n; i++) list.insert(i / 2, `m${i}`)
    const grown = list.footprint.slots
    const kept: [string, number][] = []
    for (let i = 0; i < n; i++) {
      if (i % 16 === 0) kept.push([`m${i}`, i / 2])
      else expect(list.delete(i / 2, `m${i}`)).toBe(true)
    }
    const shrunk = list.footprint
    expect(shrunk.slots).toBeLessThan(grown * 0.3)
    expect(shrunk.members).toBeLessThan(n * 0.3)
    expect(contents(list)).toEqual(kept)
    // Still a working list afterwards.
    list.insert(0.25, 'new')
    expect(list.rank(0.25, 'new')).toBe(2)
    expect(list.delete(0, 'm0')).toBe(true)
    expect(contents(list)[0]).toEqual(['new', 0.25])
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
