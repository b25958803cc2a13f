/**
 * SORT and SORT_RO (sort.c of Redis 7.0.15): BY patterns (including constant
 * ones, which skip sorting, and `->field` hash lookups), GET patterns with
 * `#`, LIMIT, ASC/DESC, ALPHA and STORE, with Redis's tie-breaking so the
 * output is deterministic.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { ERR_SYNTAX, ERR_WRONGTYPE, NULL_BULK, bulk, error, int } from '../protocol/replies'
import type { Database } from '../store/database'
import { listValue } from '../store/list'
import type { RedisValue } from '../store/values'
import { toPortable } from '../persistence/value-bridge'
import { isToken, parseInt64 } from './parse'
import { ERR_NOT_INTEGER } from '../protocol/replies'
import type { CommandSpec } from './types'

const ERR_SCORE = error("ERR One or more scores can't be converted into double")

interface SortItem {
  readonly element: Buffer
  score: number
  compareBy: Buffer | null
}

/** A hash field's value, or undefined. */
function hashField(value: RedisValue, field: Buffer): Buffer | undefined {
  const portable = toPortable(value)
  if (portable?.type !== 'hash') return undefined
  for (const [f, v] of portable.fields) if (f.equals(field)) return v
  return undefined
}

/** lookupKeyByPattern: `#` is the element itself; else the first `*` is replaced, with an optional `->field`. */
export function lookupByPattern(db: Database, pattern: Buffer, element: Buffer): Buffer | undefined {
  if (pattern.length === 1 && pattern[0] === 0x23) return element
  const star = pattern.indexOf(0x2a)
  if (star < 0) return undefined
  const arrow = pattern.indexOf('->', star + 1, 'latin1')
  const hasField = arrow >= 0 && arrow + 2 < pattern.length
  const keyEnd = hasField ? arrow : pattern.length
  const key = Buffer.concat([pattern.subarray(0, star), element, pattern.subarray(star + 1, keyEnd)])
  const value = db.lookupRead(key)
  if (value === undefined) return undefined
  if (hasField) return value.type === 'hash' ? hashField(value, pattern.subarray(arrow + 2)) : undefined
  return value.type === 'string' ? value.value : undefined
}

/** strtod with Redis's acceptance test: the whole text is consumed, no ERANGE, not NaN ("" counts as 0). */
function sortScore(text: Buffer): number | null {
  const s = text.toString('latin1')
  if (s === '') return 0
  const body = s.replace(/^[ \t\n\v\f\r]+/, '')
  let v: number
  if (/^[+-]?(inf|infinity)$/i.test(body)) v = body.startsWith('-') ? -Infinity : Infinity
  else if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(body)) {
    v = Number(body)
    if (!Number.isFinite(v)) return null
    if (v === 0 && /[1-9]/.test(body.replace(/e.*$/i, ''))) return null
  } else if (/^[+-]?0x[0-9a-f]+$/i.test(body)) {
    v = Number.parseInt(body.replace(/^([+-]?)0x/i, '$1'), 16)
    if (body.startsWith('-')) v = -Math.abs(v)
  } else return null
  return Number.isNaN(v) ? null : v
}

function elementsOf(value: RedisValue): Buffer[] {
  const portable = toPortable(value)
  if (portable === null) return []
  switch (portable.type) {
    case 'list':
      return [...portable.items]
    case 'set':
      return [...portable.members]
    case 'zset':
      return portable.entries.map((e) => e[0])
    default:
      return []
  }
}

function sortGeneric(ctx: CommandContext, readonly: boolean): Reply {
  const argv = ctx.argv
  let desc = false
  let alpha = false
  let limitStart = 0
  let limitCount = -1
  let dontsort = false
  let sortby: Buffer | null = null
  let storekey: Buffer | null = null
  const gets: Buffer[] = []
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1
    const arg = argv[j]
    if (isToken(arg, 'ASC')) desc = false
    else if (isToken(arg, 'DESC')) desc = true
    else if (isToken(arg, 'ALPHA')) alpha = true
    else if (isToken(arg, 'LIMIT') && left >= 2) {
      const start = parseInt64(argv[j + 1])
      const count = start === null ? null : parseInt64(argv[j + 2])
      if (start === null || count === null) return ERR_NOT_INTEGER
      limitStart = Number(start)
      limitCount = Number(count)
      j += 2
    } else if (!readonly && isToken(arg, 'STORE') && left >= 1) {
      storekey = argv[++j]
    } else if (isToken(arg, 'BY') && left >= 1) {
      sortby = argv[++j]
      if (!sortby.includes(0x2a)) dontsort = true
    } else if (isToken(arg, 'GET') && left >= 1) {
      gets.push(argv[++j])
    } else return ERR_SYNTAX
  }

  const sortval = ctx.db.lookupRead(argv[1])
  if (sortval && sortval.type !== 'set' && sortval.type !== 'list' && sortval.type !== 'zset') return ERR_WRONGTYPE
  const type = sortval?.type ?? 'list'
  // A set has no order of its own: STORE gets a deterministic (ALPHA) order instead.
  if (dontsort && type === 'set' && storekey !== null) {
    dontsort = false
    alpha = true
    sortby = null
  }
  let elements = sortval ? elementsOf(sortval) : []
  const length = elements.length
  let start = limitStart < 0 ? 0 : limitStart
  let end = limitCount < 0 ? length - 1 : start + limitCount - 1
  if (start >= length) {
    start = length - 1
    end = length - 2
  }
  if (end >= length) end = length - 1

  if (dontsort && (type === 'list' || type === 'zset')) {
    // Native order, reversed for DESC, with LIMIT applied directly.
    const ordered = desc ? [...elements].reverse() : elements
    elements = end >= start ? ordered.slice(start, end + 1) : []
    end -= start
    start = 0
  }
  const items: SortItem[] = elements.map((element) => ({ element, score: 0, compareBy: null }))

  let conversionError = false
  if (!dontsort) {
    for (const item of items) {
      let by: Buffer | undefined
      if (sortby !== null) {
        by = lookupByPattern(ctx.db, sortby, item.element)
        if (by === undefined) continue
      } else by = item.element
      if (alpha) {
        if (sortby !== null) item.compareBy = by
      } else {
        const score = sortScore(by)
        if (score === null) conversionError = true
        else item.score = score
      }
    }
    const sign = desc ? -1 : 1
    items.sort((a, b) => {
      let cmp: number
      if (!alpha) {
        cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : Buffer.compare(a.element, b.element)
      } else if (sortby !== null) {
        if (a.compareBy === null || b.compareBy === null) {
          cmp = a.compareBy === b.compareBy ? 0 : a.compareBy === null ? -1 : 1
        } else cmp = Buffer.compare(a.compareBy, b.compareBy)
      } else cmp = Buffer.compare(a.element, b.element)
      return sign * cmp
    })
  }

  const count = end - start + 1
  const outputLength = gets.length > 0 ? gets.length * Math.max(0, count) : Math.max(0, count)
  if (conversionError) return ERR_SCORE
  const selected = count > 0 ? items.slice(start, end + 1) : []
  if (storekey === null) {
    const out: Reply[] = []
    for (const item of selected) {
      if (gets.length === 0) out.push(bulk(item.element))
      for (const pattern of gets) {
        const v = lookupByPattern(ctx.db, pattern, item.element)
        out.push(v === undefined ? NULL_BULK : bulk(v))
      }
    }
    return { t: 'array', v: out }
  }
  const stored: Buffer[] = []
  for (const item of selected) {
    if (gets.length === 0) stored.push(item.element)
    for (const pattern of gets) stored.push(lookupByPattern(ctx.db, pattern, item.element) ?? Buffer.alloc(0))
  }
  if (outputLength > 0) {
    ctx.db.set(storekey, listValue(stored))
    ctx.server.dirty += outputLength
  } else if (ctx.db.delete(storekey)) {
    ctx.server.dirty++
  }
  return int(outputLength)
}

function sortCommand(ctx: CommandContext): Reply {
  return sortGeneric(ctx, false)
}

function sortRoCommand(ctx: CommandContext): Reply {
  return sortGeneric(ctx, true)
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const sortCommands: CommandSpec[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom', 'movablekeys'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    noGroupCategory: true,
    summary: 'Sort the elements in a list, set or sorted set',
    since: '1.0.0',
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    // ACL categories: @write @set @sortedset @list @slow @dangerous (derived but absent: @keyspace)
    extraCategories: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        notes: 'For the optional BY/GET keyword. It is marked \'unknown\' because the key names derive from the content of the key we sort',
        beginSearch: { unknown: true },
        findKeys: { unknown: true },
      },
      {
        flags: ['OW', 'update'],
        notes: 'For the optional STORE keyword. It is marked \'unknown\' because the keyword can appear anywhere in the argument array',
        beginSearch: { unknown: true },
        findKeys: { unknown: true },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', optional: true },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
      { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', optional: true, multiple: true, multipleToken: true },
      { name: 'order', type: 'oneof', optional: true, arguments: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ] },
      { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
      { name: 'destination', type: 'key', token: 'STORE', optional: true, keySpecIndex: 2 },
    ],
    handler: sortCommand,
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly', 'movablekeys'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    noGroupCategory: true,
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    since: '7.0.0',
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    // ACL categories: @read @set @sortedset @list @slow @dangerous (derived but absent: @keyspace)
    extraCategories: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        notes: 'For the optional BY/GET keyword. It is marked \'unknown\' because the key names derive from the content of the key we sort',
        beginSearch: { unknown: true },
        findKeys: { unknown: true },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', optional: true },
      { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ] },
      { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', optional: true, multiple: true, multipleToken: true },
      { name: 'order', type: 'oneof', optional: true, arguments: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ] },
      { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
    ],
    handler: sortRoCommand,
  },
]
