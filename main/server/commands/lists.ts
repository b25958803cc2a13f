/**
 * The list commands (t_list.c), replying exactly as Redis 7.0.15 does,
 * including the blocking ones (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP),
 * which park the client through blocking.ts when no list offers anything.
 *
 * Conventions every write follows, as t_list.c does: a key is created on its
 * first push, deleted when its last element goes, signalled as modified (WATCH
 * and blocked clients depend on it) and counted in `server.dirty` per element.
 * Elements are stored as copies: argv may be a view into the connection's
 * read buffer, which must not be retained.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import {
  EMPTY_ARRAY,
  ERR_NOT_INTEGER,
  ERR_NO_SUCH_KEY,
  ERR_SYNTAX,
  ERR_WRONGTYPE,
  NULL_ARRAY,
  NULL_BULK,
  OK,
  ZERO,
  array,
  bulk,
  bulkArray,
  error,
  int,
} from '../protocol/replies'
import type { Database } from '../store/database'
import { type ListValue, listValue } from '../store/list'
import { block, parseBlockTimeout } from '../blocking'
import { INT64_MIN, isToken, parseInt64, parseSafeInt } from './parse'
import type { CommandSpec } from './types'
import { propagateAs } from '../replication/propagation'

const ERR_OUT_OF_RANGE = error('ERR index out of range')
const ERR_MUST_BE_POSITIVE = error('ERR value is out of range, must be positive')
const ERR_RANK_ZERO = error(
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
)
const ERR_COUNT_NEGATIVE = error("ERR COUNT can't be negative")
const ERR_MAXLEN_NEGATIVE = error("ERR MAXLEN can't be negative")
const ERR_NUMKEYS = error('ERR numkeys should be greater than 0')
const ERR_MPOP_COUNT = error('ERR count should be greater than 0')

type End = 'head' | 'tail'

/** Copy argument bytes so the stored element owns its memory. */
function own(arg: Buffer): Buffer {
  return Buffer.from(arg)
}

function isReply(v: ListValue | Reply | undefined): v is Reply {
  return v !== undefined && 't' in v
}

/** lookupKeyRead + checkType: the list, undefined when missing, or the WRONGTYPE reply. */
function readList(ctx: CommandContext, key: Buffer): ListValue | undefined | Reply {
  const value = ctx.db.lookupRead(key)
  if (value === undefined) return undefined
  return value.type === 'list' ? value : ERR_WRONGTYPE
}

/** lookupKeyWrite + checkType, against any database (blocked clients are served in theirs). */
function writeList(db: Database, key: Buffer | string): ListValue | undefined | Reply {
  const value = db.lookupWrite(key)
  if (value === undefined) return undefined
  return value.type === 'list' ? value : ERR_WRONGTYPE
}

/** getListPositionFromObjectOrReply: LEFT/RIGHT, anything else is a syntax error. */
function parseEnd(arg: Buffer): End | undefined {
  if (isToken(arg, 'LEFT')) return 'head'
  if (isToken(arg, 'RIGHT')) return 'tail'
  return undefined
}

function popEnd(list: ListValue, end: End): Buffer {
  return (end === 'head' ? list.items.popFront() : list.items.popBack()) as Buffer
}

/** The list at `key`, created (dbAdd) when missing; the caller has checked the type. */
function listForPush(db: Database, key: Buffer | string, existing: ListValue | undefined): ListValue {
  if (existing) return existing
  const created = listValue()
  db.set(typeof key === 'string' ? key : own(key), created)
  return created
}

/**
 * listElementsRemoved: delete the key once empty, signal the write and count
 * `removed` changes.
 */
function elementsRemoved(ctx: CommandContext, db: Database, key: Buffer | string, list: ListValue, removed: number): void {
  if (list.items.length === 0) db.delete(key)
  else db.signalModified(key)
  ctx.server.dirty += removed
}

/** Pops up to `count` elements from one end, in popping order (RPOP's come last-first). */
function popRange(list: ListValue, end: End, count: number): Buffer[] {
  const n = Math.min(count, list.items.length)
  const out: Buffer[] = []
  for (let i = 0; i < n; i++) out.push(popEnd(list, end))
  return out
}

/** A Redis `long` argument as a JS number (saturating beyond ±2^53, where every use clamps). */
function parseLong(arg: Buffer): number | undefined {
  const v = parseSafeInt(arg)
  return v === null ? undefined : v
}

// ---- pushes ------------------------------------------------------------------

function pushGeneric(ctx: CommandContext, end: End, onlyIfExists: boolean): Reply {
  const key = ctx.argv[1]
  const existing = writeList(ctx.db, key)
  if (isReply(existing)) return existing
  if (!existing && onlyIfExists) return ZERO
  const list = listForPush(ctx.db, key, existing)
  for (let j = 2; j < ctx.argv.length; j++) {
    const item = own(ctx.argv[j])
    if (end === 'head') list.items.pushFront(item)
    else list.items.pushBack(item)
  }
  ctx.db.signalModified(key)
  ctx.server.dirty += ctx.argv.length - 2
  return int(list.items.length)
}

function lpushCommand(ctx: CommandContext): Reply {
  return pushGeneric(ctx, 'head', false)
}

function rpushCommand(ctx: CommandContext): Reply {
  return pushGeneric(ctx, 'tail', false)
}

function lpushxCommand(ctx: CommandContext): Reply {
  return pushGeneric(ctx, 'head', true)
}

function rpushxCommand(ctx: CommandContext): Reply {
  return pushGeneric(ctx, 'tail', true)
}

function linsertCommand(ctx: CommandContext): Reply {
  const [, key, whereArg, pivot, element] = ctx.argv
  let after: boolean
  if (isToken(whereArg, 'AFTER')) after = true
  else if (isToken(whereArg, 'BEFORE')) after = false
  else return ERR_SYNTAX
  const list = writeList(ctx.db, key)
  if (isReply(list)) return list
  if (!list) return ZERO
  const items = list.items
  for (let i = 0; i < items.length; i++) {
    if (!items.at(i).equals(pivot)) continue
    items.insertAt(after ? i + 1 : i, own(element))
    ctx.db.signalModified(key)
    ctx.server.dirty++
    return int(items.length)
  }
  return int(-1)
}

// ---- pops --------------------------------------------------------------------

/** popGenericCommand: LPOP/RPOP key [count]. */
function popGeneric(ctx: CommandContext, end: End): Reply {
  const argv = ctx.argv
  if (argv.length > 3) return error(`ERR wrong number of arguments for '${end === 'head' ? 'lpop' : 'rpop'}' command`)
  const hasCount = argv.length === 3
  let count = 0
  if (hasCount) {
    const parsed = parseLong(argv[2])
    if (parsed === undefined || parsed < 0) return ERR_MUST_BE_POSITIVE
    count = parsed
  }
  const key = argv[1]
  const list = writeList(ctx.db, key)
  if (isReply(list)) return list
  if (!list) return hasCount ? NULL_ARRAY : NULL_BULK
  if (hasCount && count === 0) return EMPTY_ARRAY
  if (!hasCount) {
    const item = popEnd(list, end)
    elementsRemoved(ctx, ctx.db, key, list, 1)
    return bulk(item)
  }
  const items = popRange(list, end, count)
  elementsRemoved(ctx, ctx.db, key, list, items.length)
  return bulkArray(items)
}

function lpopCommand(ctx: CommandContext): Reply {
  return popGeneric(ctx, 'head')
}

function rpopCommand(ctx: CommandContext): Reply {
  return popGeneric(ctx, 'tail')
}

// ---- reads -------------------------------------------------------------------

function llenCommand(ctx: CommandContext): Reply {
  const list = readList(ctx, ctx.argv[1])
  if (isReply(list)) return list
  return int(list ? list.items.length : 0)
}

/** addListRangeReply's clamping: [start, end] inside the list, or undefined when empty. */
function clampRange(start: number, end: number, length: number): [number, number] | undefined {
  if (start < 0) start += length
  if (end < 0) end += length
  if (start < 0) start = 0
  if (start > end || start >= length) return undefined
  if (end >= length) end = length - 1
  return [start, end]
}

function lrangeCommand(ctx: CommandContext): Reply {
  const start = parseLong(ctx.argv[2])
  const end = parseLong(ctx.argv[3])
  if (start === undefined || end === undefined) return ERR_NOT_INTEGER
  const list = readList(ctx, ctx.argv[1])
  if (isReply(list)) return list
  if (!list) return EMPTY_ARRAY
  const range = clampRange(start, end, list.items.length)
  return range ? bulkArray(list.items.range(range[0], range[1])) : EMPTY_ARRAY
}

/** A list index (negative from the tail) resolved against `length`, or undefined when outside. */
function resolveIndex(index: number, length: number): number | undefined {
  const i = index < 0 ? length + index : index
  return i >= 0 && i < length ? i : undefined
}

function lindexCommand(ctx: CommandContext): Reply {
  const list = readList(ctx, ctx.argv[1])
  if (isReply(list)) return list
  if (!list) return NULL_BULK
  const index = parseLong(ctx.argv[2])
  if (index === undefined) return ERR_NOT_INTEGER
  const i = resolveIndex(index, list.items.length)
  return i === undefined ? NULL_BULK : bulk(list.items.at(i))
}

function lposCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const element = argv[2]
  let rank = 1n
  let count = -1
  let maxlen = 0
  for (let j = 3; j < argv.length; j++) {
    const moreArgs = j < argv.length - 1
    if (isToken(argv[j], 'RANK') && moreArgs) {
      const parsed = parseInt64(argv[++j])
      if (parsed === null) return ERR_NOT_INTEGER
      if (parsed === 0n) return ERR_RANK_ZERO
      rank = parsed
    } else if (isToken(argv[j], 'COUNT') && moreArgs) {
      const parsed = parseLong(argv[++j])
      if (parsed === undefined || parsed < 0) return ERR_COUNT_NEGATIVE
      count = parsed
    } else if (isToken(argv[j], 'MAXLEN') && moreArgs) {
      const parsed = parseLong(argv[++j])
      if (parsed === undefined || parsed < 0) return ERR_MAXLEN_NEGATIVE
      maxlen = parsed
    } else return ERR_SYNTAX
  }
  const value = ctx.db.lookupRead(argv[1])
  if (value === undefined) return count !== -1 ? EMPTY_ARRAY : NULL_BULK
  if (value.type !== 'list') return ERR_WRONGTYPE
  const items = value.items
  const fromTail = rank < 0n
  // C negates LONG_MIN into itself: every match then counts and COUNT never stops the scan.
  const wrapped = rank === INT64_MIN
  const skip = wrapped ? 0 : Number(fromTail ? -rank : rank) - 1
  const length = items.length
  const matches: number[] = []
  let seen = 0
  for (let scanned = 0; scanned < length && (maxlen === 0 || scanned < maxlen); scanned++) {
    const index = fromTail ? length - scanned - 1 : scanned
    if (!items.at(index).equals(element)) continue
    seen++
    if (seen <= skip) continue
    matches.push(index)
    if (count === -1) break
    if (count !== 0 && !wrapped && matches.length >= count) break
  }
  if (count !== -1) return array(matches.map((m) => int(m)))
  return matches.length > 0 ? int(matches[0]) : NULL_BULK
}

// ---- in-place edits ----------------------------------------------------------

function lsetCommand(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  const list = writeList(ctx.db, key)
  if (isReply(list)) return list
  if (!list) return ERR_NO_SUCH_KEY
  const index = parseLong(ctx.argv[2])
  if (index === undefined) return ERR_NOT_INTEGER
  const i = resolveIndex(index, list.items.length)
  if (i === undefined) return ERR_OUT_OF_RANGE
  list.items.setAt(i, own(ctx.argv[3]))
  ctx.db.signalModified(key)
  ctx.server.dirty++
  return OK
}

function lremCommand(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  const toRemoveArg = parseLong(ctx.argv[2])
  if (toRemoveArg === undefined) return ERR_NOT_INTEGER
  const list = writeList(ctx.db, key)
  if (isReply(list)) return list
  if (!list) return ZERO
  const element = ctx.argv[3]
  const fromTail = toRemoveArg < 0
  const limit = Math.abs(toRemoveArg)
  const length = list.items.length
  // Decide which indexes go in the scan direction Redis uses, then drop them in one pass.
  const doomed = new Set<number>()
  for (let scanned = 0; scanned < length && (limit === 0 || doomed.size < limit); scanned++) {
    const index = fromTail ? length - scanned - 1 : scanned
    if (list.items.at(index).equals(element)) doomed.add(index)
  }
  if (doomed.size === 0) return ZERO
  list.items.retain((_, index) => !doomed.has(index))
  elementsRemoved(ctx, ctx.db, key, list, doomed.size)
  return int(doomed.size)
}

function ltrimCommand(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  const start = parseLong(ctx.argv[2])
  const end = parseLong(ctx.argv[3])
  if (start === undefined || end === undefined) return ERR_NOT_INTEGER
  const list = writeList(ctx.db, key)
  if (isReply(list)) return list
  if (!list) return OK
  const length = list.items.length
  const range = clampRange(start, end, length)
  const fromFront = range ? range[0] : length
  const fromBack = range ? length - range[1] - 1 : 0
  list.items.trim(fromFront, fromBack)
  // LTRIM signals even when it removed nothing, as Redis does.
  elementsRemoved(ctx, ctx.db, key, list, fromFront + fromBack)
  return OK
}

// ---- moves -------------------------------------------------------------------

/**
 * lmoveGenericCommand against `db`: pop from `source`, push to `destination`
 * (which may be the same key: a rotation). Undefined when the source is
 * missing; the WRONGTYPE reply when either key holds another type (the
 * destination is only checked once the source has something).
 */
function moveElement(
  ctx: CommandContext,
  db: Database,
  source: Buffer | string,
  destination: Buffer | string,
  from: End,
  to: End,
): Reply | undefined {
  const sourceList = writeList(db, source)
  if (isReply(sourceList)) return sourceList
  if (!sourceList || sourceList.items.length === 0) return undefined
  const destinationList = writeList(db, destination)
  if (isReply(destinationList)) return destinationList
  const item = popEnd(sourceList, from)
  const target = listForPush(db, destination, destinationList)
  if (to === 'head') target.items.pushFront(item)
  else target.items.pushBack(item)
  db.signalModified(destination)
  elementsRemoved(ctx, db, source, sourceList, 1)
  return bulk(item)
}

function lmoveCommand(ctx: CommandContext): Reply {
  const from = parseEnd(ctx.argv[3])
  const to = parseEnd(ctx.argv[4])
  if (!from || !to) return ERR_SYNTAX
  return moveElement(ctx, ctx.db, ctx.argv[1], ctx.argv[2], from, to) ?? NULL_BULK
}

function rpoplpushCommand(ctx: CommandContext): Reply {
  return moveElement(ctx, ctx.db, ctx.argv[1], ctx.argv[2], 'tail', 'head') ?? NULL_BULK
}

// ---- multi-key pops ----------------------------------------------------------

interface MpopRequest {
  keys: Buffer[]
  end: End
  count: number
}

/** lmpopGenericCommand's parsing; `numkeysIndex` is 1 for LMPOP, 2 for BLMPOP. */
function parseMpop(argv: readonly Buffer[], numkeysIndex: number): MpopRequest | Reply {
  const numkeys = parseInt64(argv[numkeysIndex])
  if (numkeys === null || numkeys < 1n) return ERR_NUMKEYS
  const whereIndex = numkeysIndex + 1 + Number(numkeys)
  if (numkeys > BigInt(argv.length) || whereIndex >= argv.length) return ERR_SYNTAX
  const end = parseEnd(argv[whereIndex])
  if (!end) return ERR_SYNTAX
  let count = -1
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && isToken(argv[j], 'COUNT') && j < argv.length - 1) {
      const parsed = parseLong(argv[++j])
      if (parsed === undefined || parsed < 1) return ERR_MPOP_COUNT
      count = parsed
    } else return ERR_SYNTAX
  }
  return { keys: argv.slice(numkeysIndex + 1, whereIndex), end, count: count === -1 ? 1 : count }
}

/**
 * mpopGenericCommand: pop from the first non-empty list as [key, [elements]];
 * undefined when none has anything. A wrong-typed key before it is an error.
 */
function mpopFirst(ctx: CommandContext, db: Database, request: MpopRequest, waiting = false): Reply | undefined {
  for (const key of request.keys) {
    const list = writeList(db, key)
    if (isReply(list)) {
      if (waiting) continue
      return list
    }
    if (!list || list.items.length === 0) continue
    const items = popRange(list, request.end, request.count)
    elementsRemoved(ctx, db, key, list, items.length)
    // LMPOP/BLMPOP replay as the single-key pop of what was actually taken.
    propagateAs(ctx, [request.end === 'head' ? 'LPOP' : 'RPOP', key, items.length])
    return array([bulk(key), bulkArray(items)])
  }
  return undefined
}

function lmpopCommand(ctx: CommandContext): Reply {
  const request = parseMpop(ctx.argv, 1)
  if ('t' in request) return request
  return mpopFirst(ctx, ctx.db, request) ?? NULL_ARRAY
}

// ---- blocking ----------------------------------------------------------------

/**
 * BLPOP/BRPOP's pop: the first non-empty list among `keys` as [key, element],
 * undefined when none has anything. A wrong-typed key met first is WRONGTYPE
 * for the command itself; a client already `waiting` passes over it, as
 * Redis serves a blocked client only from keys that hold lists.
 */
function popFirst(ctx: CommandContext, db: Database, keys: readonly Buffer[], end: End, waiting = false): Reply | undefined {
  for (const key of keys) {
    const list = writeList(db, key)
    if (isReply(list)) {
      if (waiting) continue
      return list
    }
    if (!list || list.items.length === 0) continue
    const item = popEnd(list, end)
    elementsRemoved(ctx, db, key, list, 1)
    // A blocking pop replays as the plain pop it turned into (also when served later).
    propagateAs(ctx, [end === 'head' ? 'LPOP' : 'RPOP', key])
    return array([bulk(key), bulk(item)])
  }
  return undefined
}

/** Copies of key arguments for a parked client: argv's buffers are not ours to keep. */
function ownKeys(keys: readonly Buffer[]): Buffer[] {
  return keys.map(own)
}

function blockingPop(ctx: CommandContext, end: End): Reply {
  const timeout = parseBlockTimeout(ctx.argv[ctx.argv.length - 1])
  if (typeof timeout !== 'number') return timeout
  const served = popFirst(ctx, ctx.db, ctx.argv.slice(1, -1), end)
  if (served) return served
  const keys = ownKeys(ctx.argv.slice(1, -1))
  return block(ctx, {
    keys,
    timeoutMs: timeout,
    // Like Redis, a client waiting on several keys is served from the key that was just written.
    tryServe: (db, readyKey) => popFirst(ctx, db, [Buffer.from(readyKey, 'latin1')], end, true),
    onTimeout: () => NULL_ARRAY,
  })
}

function blpopCommand(ctx: CommandContext): Reply {
  return blockingPop(ctx, 'head')
}

function brpopCommand(ctx: CommandContext): Reply {
  return blockingPop(ctx, 'tail')
}

/** blmoveGenericCommand: move at once when the source has data, otherwise wait for it. */
/** BLMOVE replays as LMOVE, BRPOPLPUSH as RPOPLPUSH (the client's own spelling of the ends kept). */
function propagateBlockingMove(ctx: CommandContext, moved: Reply): void {
  if (moved.t === 'error') return
  const argv = ctx.argv
  propagateAs(ctx, argv.length === 6 ? ['LMOVE', argv[1], argv[2], argv[3], argv[4]] : ['RPOPLPUSH', argv[1], argv[2]])
}

function blockingMove(ctx: CommandContext, from: End, to: End, timeout: number): Reply {
  const moved = moveElement(ctx, ctx.db, ctx.argv[1], ctx.argv[2], from, to)
  if (moved) {
    propagateBlockingMove(ctx, moved)
    return moved
  }
  // Inside MULTI or a script Redis answers a plain nil here, not the timeout's null array.
  if (ctx.denyBlocking) return NULL_BULK
  const source = own(ctx.argv[1])
  const destination = own(ctx.argv[2])
  return block(ctx, {
    keys: [source],
    timeoutMs: timeout,
    // A wrong-typed destination is the receiver's WRONGTYPE (it stops waiting); a wrong-typed source means wait on.
    tryServe: (db) => {
      const sourceValue = db.lookupWrite(source)
      if (sourceValue === undefined || sourceValue.type !== 'list') return undefined
      const served = moveElement(ctx, db, source, destination, from, to)
      if (served) propagateBlockingMove(ctx, served)
      return served
    },
    onTimeout: () => NULL_ARRAY,
  })
}

function blmoveCommand(ctx: CommandContext): Reply {
  const from = parseEnd(ctx.argv[3])
  const to = parseEnd(ctx.argv[4])
  if (!from || !to) return ERR_SYNTAX
  const timeout = parseBlockTimeout(ctx.argv[5])
  if (typeof timeout !== 'number') return timeout
  return blockingMove(ctx, from, to, timeout)
}

function brpoplpushCommand(ctx: CommandContext): Reply {
  const timeout = parseBlockTimeout(ctx.argv[3])
  if (typeof timeout !== 'number') return timeout
  return blockingMove(ctx, 'tail', 'head', timeout)
}

function blmpopCommand(ctx: CommandContext): Reply {
  const request = parseMpop(ctx.argv, 2)
  if ('t' in request) return request
  const timeout = parseBlockTimeout(ctx.argv[1])
  if (typeof timeout !== 'number') return timeout
  const served = mpopFirst(ctx, ctx.db, request)
  if (served) return served
  const parked: MpopRequest = { ...request, keys: ownKeys(request.keys) }
  return block(ctx, {
    keys: parked.keys,
    timeoutMs: timeout,
    tryServe: (db, readyKey) => mpopFirst(ctx, db, { ...parked, keys: [Buffer.from(readyKey, 'latin1')] }, true),
    onTimeout: () => NULL_ARRAY,
  })
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const listCommands: CommandSpec[] = [
  {
    name: 'lpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Prepend one or multiple elements to a list',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'element', type: 'string', multiple: true },
    ],
    handler: lpushCommand,
  },
  {
    name: 'rpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Append one or multiple elements to a list',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'element', type: 'string', multiple: true },
    ],
    handler: rpushCommand,
  },
  {
    name: 'lpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Prepend an element to a list, only if the list exists',
    since: '2.2.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'element', type: 'string', multiple: true },
    ],
    handler: lpushxCommand,
  },
  {
    name: 'rpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Append an element to a list, only if the list exists',
    since: '2.2.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'element', type: 'string', multiple: true },
    ],
    handler: rpushxCommand,
  },
  {
    name: 'lpop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Remove and get the first elements in a list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'count', type: 'integer', since: '6.2.0', optional: true },
    ],
    handler: lpopCommand,
  },
  {
    name: 'rpop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Remove and get the last elements in a list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'count', type: 'integer', since: '6.2.0', optional: true },
    ],
    handler: rpopCommand,
  },
  {
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Get the length of a list',
    since: '1.0.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RO'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
    ],
    handler: llenCommand,
  },
  {
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Get a range of elements from a list',
    since: '1.0.0',
    complexity: 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
    handler: lrangeCommand,
  },
  {
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Get an element from a list by its index',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'index', type: 'integer' },
    ],
    handler: lindexCommand,
  },
  {
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Set the value of an element in a list by its index',
    since: '1.0.0',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    keySpecs: [
      {
        flags: ['RW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'index', type: 'integer' },
      { name: 'element', type: 'string' },
    ],
    handler: lsetCommand,
  },
  {
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Remove elements from a list',
    since: '1.0.0',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'count', type: 'integer' },
      { name: 'element', type: 'string' },
    ],
    handler: lremCommand,
  },
  {
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Trim a list to the specified range',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
    handler: ltrimCommand,
  },
  {
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Insert an element before or after another element in a list',
    since: '2.2.0',
    complexity: 'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'where', type: 'oneof', arguments: [
        { name: 'before', type: 'pure-token', token: 'BEFORE' },
        { name: 'after', type: 'pure-token', token: 'AFTER' },
      ] },
      { name: 'pivot', type: 'string' },
      { name: 'element', type: 'string' },
    ],
    handler: linsertCommand,
  },
  {
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'list',
    summary: 'Return the index of matching elements on a list',
    since: '6.0.6',
    complexity: 'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'element', type: 'string' },
      { name: 'rank', type: 'integer', token: 'RANK', optional: true },
      { name: 'num-matches', type: 'integer', token: 'COUNT', optional: true },
      { name: 'len', type: 'integer', token: 'MAXLEN', optional: true },
    ],
    handler: lposCommand,
  },
  {
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it',
    since: '6.2.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 2 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'source', type: 'key' },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      { name: 'wherefrom', type: 'oneof', arguments: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ] },
      { name: 'whereto', type: 'oneof', arguments: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ] },
    ],
    handler: lmoveCommand,
  },
  {
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'list',
    summary: 'Remove the last element in a list, prepend it to another list and return it',
    since: '1.2.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 2 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'source', type: 'key' },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
    ],
    handler: rpoplpushCommand,
  },
  {
    name: 'lmpop',
    arity: -4,
    flags: ['write', 'movablekeys'],
    group: 'list',
    summary: 'Pop elements from a list',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { keynum: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true },
      { name: 'where', type: 'oneof', arguments: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ] },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler: lmpopCommand,
  },
  {
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    keys: { first: 1, last: -2, step: 1 },
    group: 'list',
    summary: 'Remove and get the first element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -2, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true },
      { name: 'timeout', type: 'double' },
    ],
    handler: blpopCommand,
  },
  {
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    keys: { first: 1, last: -2, step: 1 },
    group: 'list',
    summary: 'Remove and get the last element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -2, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true },
      { name: 'timeout', type: 'double' },
    ],
    handler: brpopCommand,
  },
  {
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '6.2.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 2 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'source', type: 'key' },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      { name: 'wherefrom', type: 'oneof', arguments: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ] },
      { name: 'whereto', type: 'oneof', arguments: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ] },
      { name: 'timeout', type: 'double' },
    ],
    handler: blmoveCommand,
  },
  {
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'list',
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '2.2.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 2 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'source', type: 'key' },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      { name: 'timeout', type: 'double' },
    ],
    handler: brpoplpushCommand,
  },
  {
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking', 'movablekeys'],
    group: 'list',
    summary: 'Pop elements from a list, or block until one is available',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 2 },
        findKeys: { keynum: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
    args: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true },
      { name: 'where', type: 'oneof', arguments: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ] },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler: blmpopCommand,
  },
]
