/**
 * The list value's deque against a plain array: ends, index access, middle
 * inserts, retain and trim through wrap-around and resizes.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ListDeque, listEncoding, listValue } from '../../main/server/store/list'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')
const text = (d: ListDeque): string[] => d.toArray().map((x) => x.toString('latin1'))

type Op =
  | { op: 'pushFront' | 'pushBack'; v: string }
  | { op: 'popFront' | 'popBack' }
  | { op: 'insertAt'; at: number; v: string }
  | { op: 'setAt'; at: number; v: string }
  | { op: 'retain'; drop: string }
  | { op: 'trim'; front: number; back: number }

const value = fc.constantFrom('a', 'b', 'c', 'd')
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('pushFront' as const, 'pushBack' as const), v: value }),
  fc.record({ op: fc.constantFrom('pushFront' as const, 'pushBack' as const), v: value }),
  fc.record({ op: fc.constantFrom('popFront' as const, 'popBack' as const) }),
  fc.record({ op: fc.constant('insertAt' as const), at: fc.nat(40), v: value }),
  fc.record({ op: fc.constant('setAt' as const), at: fc.nat(40), v: value }),
  fc.record({ op: fc.constant('retain' as const), drop: value }),
  fc.record({ op: fc.constant('trim' as const), front: fc.nat(3), back: fc.nat(3) }),
)

describe('ListDeque', () => {
  it('pushes and pops at both ends across wrap-around and growth', () => {
    const d = new ListDeque()
    for (let i = 0; i < 20; i++) d.pushFront(b(`f${i}`))
    for (let i = 0; i < 20; i++) d.pushBack(b(`b${i}`))
    expect(d.length).toBe(40)
    expect(d.at(0).toString()).toBe('f19')
    expect(d.at(39).toString()).toBe('b19')
    expect(d.popFront()?.toString()).toBe('f19')
    expect(d.popBack()?.toString()).toBe('b19')
    expect(d.range(18, 19).map(String)).toEqual(['f0', 'b0'])
  })

  it('pops undefined from an empty deque', () => {
    const d = new ListDeque()
    expect(d.popFront()).toBeUndefined()
    expect(d.popBack()).toBeUndefined()
    expect(d.length).toBe(0)
  })

  it('agrees with an array model over random operations', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const d = new ListDeque()
        const model: string[] = []
        for (const o of ops) {
          switch (o.op) {
            case 'pushFront':
              d.pushFront(b(o.v))
              model.unshift(o.v)
              break
            case 'pushBack':
              d.pushBack(b(o.v))
              model.push(o.v)
              break
            case 'popFront':
              expect(d.popFront()?.toString('latin1')).toBe(model.shift())
              break
            case 'popBack':
              expect(d.popBack()?.toString('latin1')).toBe(model.pop())
              break
            case 'insertAt': {
              const at = o.at % (model.length + 1)
              d.insertAt(at, b(o.v))
              model.splice(at, 0, o.v)
              break
            }
            case 'setAt':
              if (model.length === 0) break
              d.setAt(o.at % model.length, b(o.v))
              model[o.at % model.length] = o.v
              break
            case 'retain': {
              const before = model.length
              const kept = model.filter((x) => x !== o.drop)
              expect(d.retain((x) => x.toString('latin1') !== o.drop)).toBe(before - kept.length)
              model.splice(0, model.length, ...kept)
              break
            }
            case 'trim':
              d.trim(o.front, o.back)
              model.splice(0, Math.min(o.front, model.length))
              model.splice(Math.max(0, model.length - o.back), o.back)
              break
          }
          expect(d.length).toBe(model.length)
        }
        expect(text(d)).toEqual(model)
      }),
      { numRuns: 300 },
    )
  })
})

describe('listEncoding', () => {
  it('reports quicklist for small and large lists, as Redis 7.0.15 does', () => {
    expect(listEncoding(listValue([b('a')]))).toBe('quicklist')
    const big = listValue(Array.from({ length: 1000 }, (_, i) => b(`element-${i}`.repeat(20))))
    expect(listEncoding(big)).toBe('quicklist')
  })
})
