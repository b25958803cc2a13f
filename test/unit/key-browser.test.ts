/**
 * The key browser's pure parts: the input rules the form and main share, the
 * API param checks, and how loaded items follow an edit without a reload.
 */
import { describe, expect, it } from 'vitest'
import { keyEditError, listIndexError, scoreError, ttlError } from '../../shared/key-browser'
import { editRequest, itemsRequest, scanRequest } from '../../main/control/key-browser-validate'
import { keyType } from '../../main/control/key-browser'
import { mergeItems, patchItems } from '../../renderer/src/stores/key-browser'
import { formatTtl } from '../../renderer/src/components/keys/key-format'
import type { KeyItem } from '../../shared/types'

describe('zset score', () => {
  it.each(['1', '-2.5', '+3', '1e3', '.5', '5.', 'inf', '-inf', '+inf', 'Infinity'])('accepts %s as ZADD does', (score) => {
    expect(scoreError(score)).toBeNull()
  })
  it.each(['', ' ', 'abc', '1,5', 'nan', '1e', '--1', '0x10', '1 2'])('refuses %j with a message', (score) => {
    expect(scoreError(score)).toMatch(/number/)
  })
})

describe('TTL', () => {
  it('accepts whole positive seconds', () => {
    expect(ttlError('1')).toBeNull()
    expect(ttlError(' 3600 ')).toBeNull()
  })
  it('refuses zero or negative (Redis would delete the key), fractions, text and overflow', () => {
    expect(ttlError('-5')).toMatch(/at least 1 second/)
    expect(ttlError('0')).toMatch(/at least 1 second/)
    expect(ttlError('1.5')).toMatch(/whole number/)
    expect(ttlError('soon')).toMatch(/whole number/)
    expect(ttlError('')).toMatch(/required/)
    expect(ttlError('99999999999')).toMatch(/at most/)
  })
})

describe('list index', () => {
  it('allows LSET range including negative indexes', () => {
    expect(listIndexError(0, 3)).toBeNull()
    expect(listIndexError(-3, 3)).toBeNull()
    expect(listIndexError(3, 3)).toMatch(/out of range/)
    expect(listIndexError(-4, 3)).toMatch(/out of range/)
    expect(listIndexError(1.5, 3)).toMatch(/whole number/)
  })
})

describe('key edits', () => {
  it('checks shape as well as values (params from the wire)', () => {
    expect(keyEditError({ op: 'zset.add', member: 'm', score: 'x' })).toMatch(/not a number/)
    expect(keyEditError({ op: 'hash.set', field: '', value: 'v' })).toMatch(/Field name/)
    expect(keyEditError({ op: 'ttl.set', seconds: -1 })).toMatch(/at least 1 second/)
    expect(keyEditError({ op: 'list.push', end: 'middle', value: 'v' } as never)).toMatch(/head or tail/)
    expect(keyEditError({ op: 'drop.everything' } as never)).toMatch(/unknown key edit/)
    expect(keyEditError({ op: 'string.set', value: 5 } as never)).toMatch(/text/)
    expect(keyEditError({ op: 'zset.add', member: 'm', score: '2' })).toBeNull()
  })
})

describe('API params', () => {
  it('scan: defaults, filters and refusals', () => {
    expect(scanRequest({ id: 'n', cursor: '0' })).toEqual({ id: 'n', db: 0, cursor: '0', match: '*', pageSize: 200 })
    expect(scanRequest({ id: 'n', cursor: '17', match: 'a*', type: 'zset', db: 2, pageSize: 10 })).toMatchObject({ match: 'a*', type: 'zset', db: 2 })
    expect(() => scanRequest({ id: 'n', cursor: '-1' })).toThrow(/cursor/)
    expect(() => scanRequest({ id: 'n', cursor: '0', type: 'json' })).toThrow(/type/)
    expect(() => scanRequest({ id: 'n', cursor: '0', pageSize: 100_000 })).toThrow(/pageSize/)
    expect(() => scanRequest({ id: 'n', cursor: '0', db: -1 })).toThrow(/db/)
  })
  it('items and edits', () => {
    expect(itemsRequest({ id: 'n', key: 'k', type: 'list', cursor: '0' }).count).toBe(500)
    expect(() => itemsRequest({ id: 'n', key: 'k', type: 'string', cursor: '0' })).toThrow(/type/)
    expect(() => editRequest({ id: 'n', key: 'k', edit: { op: 'zset.add', member: 'm', score: 'abc' } })).toThrow(/not a number/)
    expect(editRequest({ id: 'n', key: 'k', edit: { op: 'key.delete' } })).toMatchObject({ create: false, db: 0 })
  })
  it('maps module types to other', () => {
    expect(keyType('ReJSON-RL')).toBe('other')
    expect(keyType('zset')).toBe('zset')
    expect(keyType('none')).toBe('none')
  })
})

describe('loaded items after an edit', () => {
  const list: KeyItem[] = ['a', 'b', 'c'].map((value, index) => ({ value, index }))
  it('list: push at head reindexes; push at tail shows only when the tail is loaded; remove reindexes', () => {
    expect(patchItems(list, { op: 'list.push', end: 'head', value: 'z' }, false).map((i) => `${i.index}:${i.value}`)).toEqual(['0:z', '1:a', '2:b', '3:c'])
    expect(patchItems(list, { op: 'list.push', end: 'tail', value: 'z' }, true)).toHaveLength(4)
    expect(patchItems(list, { op: 'list.push', end: 'tail', value: 'z' }, false)).toHaveLength(3)
    expect(patchItems(list, { op: 'list.remove', index: 1 }, true).map((i) => `${i.index}:${i.value}`)).toEqual(['0:a', '1:c'])
    expect(patchItems(list, { op: 'list.set', index: 2, value: 'C' }, true)[2].value).toBe('C')
  })
  it('hash, set and zset', () => {
    const hash: KeyItem[] = [{ field: 'f', value: '1' }]
    expect(patchItems(hash, { op: 'hash.set', field: 'f', value: '2' }, true)).toEqual([{ field: 'f', value: '2' }])
    expect(patchItems(hash, { op: 'hash.set', field: 'g', value: '3' }, true)).toHaveLength(2)
    expect(patchItems(hash, { op: 'hash.delete', field: 'f' }, true)).toEqual([])
    expect(patchItems([{ value: 'x' }], { op: 'set.add', member: 'x' }, true)).toHaveLength(1)
    const zset: KeyItem[] = [{ value: 'a', score: '1' }, { value: 'b', score: '3' }]
    expect(patchItems(zset, { op: 'zset.add', member: 'c', score: '2' }, true).map((i) => i.value)).toEqual(['a', 'c', 'b'])
    expect(patchItems(zset, { op: 'zset.add', member: 'a', score: '5' }, true).map((i) => i.value)).toEqual(['b', 'a'])
  })
  it('pages merge without repeating what HSCAN/SSCAN sent twice', () => {
    expect(mergeItems([{ value: 'x' }], [{ value: 'x' }, { value: 'y' }], 'set')).toHaveLength(2)
    expect(mergeItems([{ field: 'f', value: '1' }], [{ field: 'f', value: '1' }], 'hash')).toHaveLength(1)
    expect(mergeItems([{ value: 'x', index: 0 }], [{ value: 'x', index: 1 }], 'list')).toHaveLength(2)
  })
})

describe('TTL display', () => {
  it('prints no expiry as nothing and picks a unit', () => {
    expect(formatTtl(-1)).toBe('')
    expect(formatTtl(-2)).toBe('expired')
    expect(formatTtl(500)).toBe('500 ms')
    expect(formatTtl(90_000)).toBe('90 s')
    expect(formatTtl(3_600_000)).toBe('60 min')
    expect(formatTtl(86_400_000)).toBe('24 h')
    expect(formatTtl(864_000_000)).toBe('10 d')
  })
})
