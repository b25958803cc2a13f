import { describe, expect, it } from 'vitest'
import { Dict } from '../../main/server/store/dict'
import { prng } from './helpers/prng'

function scanAll<V>(dict: Dict<V>): string[] {
  const seen: string[] = []
  let cursor = 0
  do cursor = dict.scanBucket(cursor, (k) => seen.push(k))
  while (cursor !== 0)
  return seen
}

describe('Dict', () => {
  it('answers as a Map does under random puts and deletes, through growth, shrinking and compaction', () => {
    const random = prng(42)
    const dict = new Dict<number>()
    const reference = new Map<string, number>()
    for (let step = 0; step < 60_000; step++) {
      // Phases that grow to thousands of keys, then shrink to a few, so every resize path runs.
      const growing = Math.floor(step / 10_000) % 2 === 0
      const key = `k${Math.floor(random() * 8000)}`
      if (random() < (growing ? 0.8 : 0.1)) {
        expect(dict.put(key, step)).toBe(reference.get(key))
        reference.set(key, step)
      } else {
        expect(dict.delete(key)).toBe(reference.delete(key))
      }
      if (step % 997 === 0) {
        expect(dict.size).toBe(reference.size)
        const probe = `k${Math.floor(random() * 8000)}`
        expect(dict.get(probe)).toBe(reference.get(probe))
        expect(dict.has(probe)).toBe(reference.has(probe))
      }
    }
    expect(new Map(dict.entries())).toEqual(reference)
    expect(scanAll(dict).sort()).toEqual([...reference.keys()].sort())
  })

  it('keeps an open iteration exact while most entries are deleted under it (no compaction moves them)', () => {
    const dict = new Dict<number>()
    for (let i = 0; i < 4000; i++) dict.put(`k${i}`, i)
    const iterator = dict.entries()
    const visited: string[] = []
    for (let i = 0; i < 100; i++) visited.push(iterator.next().value![0])
    // Delete 95% of the keys not yet visited: enough to compact a table nobody iterates.
    const survivors: string[] = []
    for (let i = 100; i < 4000; i++) {
      if (i % 20 === 0) survivors.push(`k${i}`)
      else dict.delete(`k${i}`)
    }
    for (let next = iterator.next(); !next.done; next = iterator.next()) visited.push(next.value[0])
    expect(visited).toEqual([...Array.from({ length: 100 }, (_, i) => `k${i}`), ...survivors])
  })

  it('after an iteration deleted nearly every key, random picks return only the keys left', () => {
    const dict = new Dict<number>()
    for (let i = 0; i < 4000; i++) dict.put(`k${i}`, i)
    for (const [key] of dict.entries()) if (key !== 'k7' && key !== 'k3999') dict.delete(key)
    const random = prng(3)
    const picked = new Set<string>()
    for (let i = 0; i < 200; i++) picked.add(dict.randomKey(random)!)
    expect([...picked].sort()).toEqual(['k3999', 'k7'])
  })

  it('ends an open iteration on clear()', () => {
    const dict = new Dict<number>()
    for (let i = 0; i < 10; i++) dict.put(`k${i}`, i)
    const iterator = dict.keys()
    expect(iterator.next().value).toBe('k0')
    dict.clear()
    dict.put('after', 1)
    expect(iterator.next().done).toBe(true)
    expect([...dict.keys()]).toEqual(['after'])
  })

  it('takes a bulk load sized by reserve() without resizing', () => {
    const dict = new Dict<number>()
    dict.reserve(1000)
    expect(dict.bucketCount).toBe(1024)
    for (let i = 0; i < 1000; i++) dict.add(`k${i}`, i)
    expect(dict.bucketCount).toBe(1024)
    expect(dict.get('k999')).toBe(999)
    expect(dict.size).toBe(1000)
  })
})
