/**
 * The sorted-set commands (t_zset.c), replying exactly as Redis 7.0.15 does.
 * Declarations (arity, flags, key specs, docs) come from zsets-docs.ts; this
 * file holds the behaviour. Members are latin1 strings inside the store (one
 * char per byte) and go back to bytes on the wire.
 *
 * Replies that carry scores depend on the protocol the way Redis's do
 * (WITHSCORES pairs are nested arrays in RESP3, flat in RESP2), so those
 * handlers read `ctx.client.protocol` — the reply model cannot fold that.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import {
  EMPTY_ARRAY,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  ERR_WRONGTYPE,
  NULL_ARRAY,
  NULL_BULK,
  ZERO,
  array,
  bulk,
  double,
  error,
  int,
} from '../protocol/replies'
import { NO_NODE, type LexBound, type LexRange, type ScoreRange, type SkipList, type SkipNode } from '../store/skiplist'
import { DEFAULT_LISTPACK_LIMITS, ZSet, type ListpackLimits, type ZaddFlags, type ZsetEntry } from '../store/zset'
import { globMatch } from '../store/glob'
import type { SetValue } from '../store/values'
import { formatDouble } from '../protocol/writer'
import { cString, floatSyntax, isToken, parseDouble, parseInt64 } from './parse'
import type { CommandSpec } from './types'
import { ZSET_DECLARATIONS } from './zsets-docs'
import { block, parseBlockTimeout } from '../blocking'
import { propagateAs } from '../replication/propagation'

const ERR_NAN = error('ERR resulting score is not a number (NaN)')
const ERR_NOT_FLOAT = error('ERR value is not a valid float')
const ERR_MINMAX_FLOAT = error('ERR min or max is not a float')
const ERR_MINMAX_LEX = error('ERR min or max not valid string range item')
const ERR_INVALID_CURSOR = error('ERR invalid cursor')
const ERR_NOT_POSITIVE = error('ERR value is out of range, must be positive')
const ERR_OUT_OF_RANGE = error('ERR value is out of range')

const LONG_MAX = 9223372036854775807n

// ---- shared helpers ------------------------------------------------------

function member(arg: Buffer): string {
  return arg.toString('latin1')
}

const NON_ASCII = /[^\x00-\x7f]/

function memberReply(m: string): Reply {
  // An ASCII member is the same bytes as a string, which the writer encodes without a Buffer per member.
  return bulk(NON_ASCII.test(m) ? Buffer.from(m, 'latin1') : m)
}

function isReply(v: unknown): v is Reply {
  return typeof v === 'object' && v !== null && 't' in v
}

function listpackLimits(ctx: CommandContext): ListpackLimits {
  const read = (name: string, fallback: number): number => {
    try {
      const n = ctx.server.config.number(name)
      return Number.isFinite(n) && n >= 0 ? n : fallback
    } catch {
      return fallback
    }
  }
  return {
    entries: read('zset-max-listpack-entries', DEFAULT_LISTPACK_LIMITS.entries),
    value: read('zset-max-listpack-value', DEFAULT_LISTPACK_LIMITS.value),
  }
}

/** lookupKeyRead + checkType. */
function readZset(ctx: CommandContext, key: Buffer): ZSet | undefined | Reply {
  const value = ctx.db.lookupRead(key)
  if (value === undefined) return undefined
  if (value.type !== 'zset') return ERR_WRONGTYPE
  return value
}

/** lookupKeyWrite + checkType. */
function writeZset(ctx: CommandContext, key: Buffer): ZSet | undefined | Reply {
  const value = ctx.db.lookupWrite(key)
  if (value === undefined) return undefined
  if (value.type !== 'zset') return ERR_WRONGTYPE
  return value
}

/** After a write that changed `key`: delete it when emptied, else signal it. */
function afterWrite(ctx: CommandContext, key: Buffer, zset: ZSet): void {
  if (zset.size === 0) ctx.db.delete(key)
  else ctx.db.signalModified(key)
}

/** Decimal digits that always fit a double exactly, so short integers skip BigInt. */
const SAFE_DIGITS = 15

/** getLongFromObjectOrReply as a JS number (64-bit values beyond 2^53 saturate; callers clamp). */
function parseLong(arg: Buffer): number | null {
  const negative = arg.length > 1 && arg[0] === 0x2d /* - */
  const start = negative ? 1 : 0
  if (arg.length - start <= SAFE_DIGITS && arg.length > 0) {
    // string2ll's syntax: no '+', no spaces, no leading zero except "0" itself, no "-0".
    const first = arg[start]
    if (arg.length === 1 && first === 0x30) return 0
    if (first < 0x31 || first > 0x39) return null
    let value = first - 0x30
    for (let i = start + 1; i < arg.length; i++) {
      const c = arg[i]
      if (c < 0x30 || c > 0x39) return null
      value = value * 10 + (c - 0x30)
    }
    return negative ? -value : value
  }
  const v = parseInt64(arg)
  if (v === null) return null
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER
  return Number(v)
}

/**
 * strtod as zslParseRangeItem uses it: leading whitespace allowed, the empty
 * string is 0, overflow gives ±inf (no ERANGE check), NaN rejected, and the
 * argument ends at its first NUL byte as a C string does.
 */
function strtodLoose(text: string): number | null {
  if (text === '') return 0
  const trimmed = text.replace(/^[ \t\n\v\f\r]+/, '')
  if (trimmed === '') return null
  const kind = floatSyntax(trimmed)
  if (kind === null) return null
  if (kind === 'inf') return trimmed.startsWith('-') ? -Infinity : Infinity
  if (kind === 'decimal') return Number(trimmed)
  const strict = parseDouble(trimmed)
  if (strict !== null) return strict
  // Hex out of range: strtod saturates to ±HUGE_VAL or underflows to 0.
  return /[pP]-/.test(trimmed) ? 0 : trimmed.startsWith('-') ? -Infinity : Infinity
}

function parseScoreItem(arg: Buffer): { value: number; exclusive: boolean } | null {
  const text = cString(arg)
  const exclusive = text.startsWith('(')
  const value = strtodLoose(exclusive ? text.slice(1) : text)
  if (value === null || Number.isNaN(value)) return null
  return { value, exclusive }
}

/** zslParseRange */
export function parseScoreRange(min: Buffer, max: Buffer): ScoreRange | null {
  const lo = parseScoreItem(min)
  const hi = parseScoreItem(max)
  if (lo === null || hi === null) return null
  return { min: lo.value, minex: lo.exclusive, max: hi.value, maxex: hi.exclusive }
}

function parseLexItem(arg: Buffer): LexBound | null {
  if (arg.length === 0) return null
  switch (arg[0]) {
    case 0x2b /* + */:
      return arg.length === 1 ? { kind: 'max' } : null
    case 0x2d /* - */:
      return arg.length === 1 ? { kind: 'min' } : null
    case 0x28 /* ( */:
      return { kind: 'value', value: arg.toString('latin1', 1), exclusive: true }
    case 0x5b /* [ */:
      return { kind: 'value', value: arg.toString('latin1', 1), exclusive: false }
    default:
      return null
  }
}

/** zslParseLexRange */
export function parseLexRange(min: Buffer, max: Buffer): LexRange | null {
  const lo = parseLexItem(min)
  const hi = parseLexItem(max)
  if (lo === null || hi === null) return null
  return { min: lo, max: hi }
}

/**
 * An array of members, the same bytes in RESP2 and RESP3, encoded here in one
 * piece: one string and one Buffer per reply instead of one reply object and
 * one writer call per member (what a ZRANGEBYSCORE … LIMIT 0 10 spends most
 * of its non-network time on).
 */
/** Above this many members the reply is left to the writer, which streams big replies in slabs. */
const RAW_REPLY_MAX_MEMBERS = 1024

function membersReply(nodes: readonly { member: string }[]): Reply {
  if (nodes.length === 0) return EMPTY_ARRAY
  let text = `*${nodes.length}\r\n`
  // Members are latin1 strings: their length is their byte count, and latin1 encoding gives the bytes back.
  for (const n of nodes) text += `$${n.member.length}\r\n${n.member}\r\n`
  return { t: 'raw', v: Buffer.from(text, 'latin1') }
}

/** Members (and scores) as Redis's zrange result handler sends them to a client. */
function elementsReply(ctx: CommandContext, nodes: readonly { member: string; score: number }[], withScores: boolean): Reply {
  if (!withScores) return nodes.length <= RAW_REPLY_MAX_MEMBERS ? membersReply(nodes) : array(nodes.map((n) => memberReply(n.member)))
  if (ctx.client.protocol === 3) return array(nodes.map((n) => array([memberReply(n.member), double(n.score)])))
  const out: Reply[] = []
  for (const n of nodes) out.push(memberReply(n.member), double(n.score))
  return array(out)
}

/** A destination value built by a *STORE command, created with the encoding Redis would pick. */
function storeResult(ctx: CommandContext, dst: Buffer, elements: readonly { member: string; score: number }[], fresh: boolean): Reply {
  if (elements.length === 0) {
    if (ctx.db.delete(dst)) ctx.server.dirty++
    return ZERO
  }
  const zset = new ZSet('skiplist')
  for (const e of elements) {
    if (fresh || zset.score(e.member) === undefined) zset.insertNew(e.score, e.member)
  }
  zset.fitToEncoding(listpackLimits(ctx))
  ctx.db.set(dst, zset)
  ctx.server.dirty++
  return int(zset.size)
}

// ---- ZADD / ZINCRBY -------------------------------------------------------

function zaddGeneric(ctx: CommandContext, incrOnly: boolean): Reply {
  const argv = ctx.argv
  const key = argv[1]
  let nx = false
  let xx = false
  let gt = false
  let lt = false
  let ch = false
  let incr = incrOnly
  let scoreIdx = 2
  if (!incrOnly) {
    for (; scoreIdx < argv.length; scoreIdx++) {
      const opt = argv[scoreIdx]
      if (isToken(opt, 'nx')) nx = true
      else if (isToken(opt, 'xx')) xx = true
      else if (isToken(opt, 'ch')) ch = true
      else if (isToken(opt, 'incr')) incr = true
      else if (isToken(opt, 'gt')) gt = true
      else if (isToken(opt, 'lt')) lt = true
      else break
    }
  }
  const rest = argv.length - scoreIdx
  if (rest % 2 !== 0 || rest === 0) return ERR_SYNTAX
  const count = rest / 2
  if (nx && xx) return error('ERR XX and NX options at the same time are not compatible')
  if ((gt && nx) || (lt && nx) || (gt && lt)) return error('ERR GT, LT, and/or NX options at the same time are not compatible')
  if (incr && count > 1) return error('ERR INCR option supports a single increment-element pair')
  const scores: number[] = []
  for (let j = 0; j < count; j++) {
    const s = parseDouble(argv[scoreIdx + j * 2])
    if (s === null) return ERR_NOT_FLOAT
    scores.push(s)
  }
  const found = writeZset(ctx, key)
  if (isReply(found)) return found
  let zset = found
  let added = 0
  let updated = 0
  let processed = 0
  let score = 0
  const limits = listpackLimits(ctx)
  if (zset === undefined) {
    if (xx) return incr ? NULL_BULK : ZERO
    const firstMemberLength = argv[scoreIdx + 1].length
    zset = new ZSet(limits.entries === 0 || limits.value < firstMemberLength ? 'skiplist' : 'listpack')
    ctx.db.set(key, zset)
  }
  const flags: ZaddFlags = { nx, xx, gt, lt, incr }
  let failed: Reply | undefined
  for (let j = 0; j < count; j++) {
    const result = zset.add(scores[j], member(argv[scoreIdx + 1 + j * 2]), flags, limits)
    if (result.kind === 'nan') {
      failed = ERR_NAN
      break
    }
    if (result.kind === 'added') added++
    if (result.kind === 'updated') updated++
    if (result.kind !== 'skipped') {
      processed++
      score = result.score
    }
  }
  ctx.server.dirty += added + updated
  if (added + updated > 0) ctx.db.signalModified(key)
  if (failed) return failed
  if (incr) return processed > 0 ? double(score) : NULL_BULK
  return int(ch ? added + updated : added)
}

const zaddCommand = (ctx: CommandContext): Reply => zaddGeneric(ctx, false)
const zincrbyCommand = (ctx: CommandContext): Reply => zaddGeneric(ctx, true)

// ---- ZREM and simple reads ----------------------------------------------

function zremCommand(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  const zset = writeZset(ctx, key)
  if (isReply(zset)) return zset
  if (zset === undefined) return ZERO
  let deleted = 0
  for (let j = 2; j < ctx.argv.length; j++) {
    if (zset.remove(member(ctx.argv[j]))) deleted++
    if (zset.size === 0) break
  }
  if (deleted > 0) {
    afterWrite(ctx, key, zset)
    ctx.server.dirty += deleted
  }
  return int(deleted)
}

function zcardCommand(ctx: CommandContext): Reply {
  const zset = readZset(ctx, ctx.argv[1])
  if (isReply(zset)) return zset
  return int(zset?.size ?? 0)
}

function zscoreCommand(ctx: CommandContext): Reply {
  const zset = readZset(ctx, ctx.argv[1])
  if (isReply(zset)) return zset
  const score = zset?.score(member(ctx.argv[2]))
  return score === undefined ? NULL_BULK : double(score)
}

function zmscoreCommand(ctx: CommandContext): Reply {
  const zset = readZset(ctx, ctx.argv[1])
  if (isReply(zset)) return zset
  const out: Reply[] = []
  for (let j = 2; j < ctx.argv.length; j++) {
    const score = zset?.score(member(ctx.argv[j]))
    out.push(score === undefined ? NULL_BULK : double(score))
  }
  return array(out)
}

function rankGeneric(ctx: CommandContext, reverse: boolean): Reply {
  const zset = readZset(ctx, ctx.argv[1])
  if (isReply(zset)) return zset
  const rank = zset?.rank(member(ctx.argv[2]), reverse)
  return rank === undefined ? NULL_BULK : int(rank)
}

const zrankCommand = (ctx: CommandContext): Reply => rankGeneric(ctx, false)
const zrevrankCommand = (ctx: CommandContext): Reply => rankGeneric(ctx, true)

function zcountCommand(ctx: CommandContext): Reply {
  const range = parseScoreRange(ctx.argv[2], ctx.argv[3])
  if (range === null) return ERR_MINMAX_FLOAT
  const zset = readZset(ctx, ctx.argv[1])
  if (isReply(zset)) return zset
  if (zset === undefined) return ZERO
  const first = zset.firstInScoreRange(range)
  if (first === NO_NODE) return ZERO
  const last = zset.lastInScoreRange(range)
  if (last === NO_NODE) return ZERO
  return int(zset.list.rankOf(last) - zset.list.rankOf(first) + 1)
}

function zlexcountCommand(ctx: CommandContext): Reply {
  const range = parseLexRange(ctx.argv[2], ctx.argv[3])
  if (range === null) return ERR_MINMAX_LEX
  const zset = readZset(ctx, ctx.argv[1])
  if (isReply(zset)) return zset
  if (zset === undefined) return ZERO
  const first = zset.firstInLexRange(range)
  if (first === NO_NODE) return ZERO
  const last = zset.lastInLexRange(range)
  if (last === NO_NODE) return ZERO
  return int(zset.list.rankOf(last) - zset.list.rankOf(first) + 1)
}

// ---- ZRANGE family --------------------------------------------------------

type RangeType = 'auto' | 'rank' | 'score' | 'lex'
type Direction = 'auto' | 'forward' | 'reverse'

/** A node's member and score, copied out so the selection stays valid while the set changes. */
function entryOf(list: SkipList, node: SkipNode): ZsetEntry {
  return { member: list.memberOf(node), score: list.scoreOf(node) }
}

/** genericZrangebyrankCommand's selection. */
function rangeByRank(zset: ZSet, start: number, end: number, reverse: boolean): ZsetEntry[] {
  const llen = zset.size
  if (start < 0) start = llen + start
  if (end < 0) end = llen + end
  if (start < 0) start = 0
  if (start > end || start >= llen) return []
  if (end >= llen) end = llen - 1
  const list = zset.list
  const out: ZsetEntry[] = []
  let node = reverse ? zset.at(llen - 1 - start) : zset.at(start)
  for (let n = end - start + 1; n > 0 && node !== NO_NODE; n--) {
    out.push(entryOf(list, node))
    node = reverse ? list.prevOf(node) : list.nextOf(node)
  }
  return out
}

/** The offset/limit walk shared by the score and lex selections (a negative offset walks off the end). */
function walk(list: SkipList, start: SkipNode, reverse: boolean, offset: number, limit: number, inRange: (n: SkipNode) => boolean): ZsetEntry[] {
  let node = start
  while (node !== NO_NODE && offset !== 0) {
    offset--
    node = reverse ? list.prevOf(node) : list.nextOf(node)
  }
  const out: ZsetEntry[] = []
  while (node !== NO_NODE && limit !== 0) {
    if (!inRange(node)) break
    out.push(entryOf(list, node))
    limit--
    node = reverse ? list.prevOf(node) : list.nextOf(node)
  }
  return out
}

function rangeByScore(zset: ZSet, range: ScoreRange, offset: number, limit: number, reverse: boolean): ZsetEntry[] {
  if (offset > 0 && offset >= zset.size) return []
  if (offset < 0) return []
  const list = zset.list
  const start = reverse ? zset.lastInScoreRange(range) : zset.firstInScoreRange(range)
  return walk(list, start, reverse, offset, limit, (n) => {
    const score = list.scoreOf(n)
    return reverse ? (range.minex ? score > range.min : score >= range.min) : range.maxex ? score < range.max : score <= range.max
  })
}

function rangeByLex(zset: ZSet, range: LexRange, offset: number, limit: number, reverse: boolean): ZsetEntry[] {
  if (offset > 0 && offset >= zset.size) return []
  if (offset < 0) return []
  const list = zset.list
  const start = reverse ? zset.lastInLexRange(range) : zset.firstInLexRange(range)
  const min = range.min
  const max = range.max
  return walk(list, start, reverse, offset, limit, (n) => {
    const member = list.memberOf(n)
    if (reverse) {
      if (min.kind === 'min') return true
      if (min.kind === 'max') return false
      return min.exclusive ? member > min.value : member >= min.value
    }
    if (max.kind === 'max') return true
    if (max.kind === 'min') return false
    return max.exclusive ? member < max.value : member <= max.value
  })
}

/**
 * zrangeGenericCommand: `first` is the index of the source key; `store` is the
 * destination for ZRANGESTORE.
 */
function zrangeGeneric(ctx: CommandContext, first: number, store: Buffer | undefined, type: RangeType, direction: Direction): Reply {
  const argv = ctx.argv
  const key = argv[first]
  let minIdx = first + 1
  let maxIdx = first + 2
  let withScores = false
  let offset = 0
  let limit = -1
  for (let j = first + 3; j < argv.length; j++) {
    const left = argv.length - j - 1
    if (store === undefined && isToken(argv[j], 'withscores')) withScores = true
    else if (isToken(argv[j], 'limit') && left >= 2) {
      const o = parseLong(argv[j + 1])
      if (o === null) return ERR_NOT_INTEGER
      const l = parseLong(argv[j + 2])
      if (l === null) return ERR_NOT_INTEGER
      offset = o
      limit = l
      j += 2
    } else if (direction === 'auto' && isToken(argv[j], 'rev')) direction = 'reverse'
    else if (type === 'auto' && isToken(argv[j], 'bylex')) type = 'lex'
    else if (type === 'auto' && isToken(argv[j], 'byscore')) type = 'score'
    else return ERR_SYNTAX
  }
  if (direction === 'auto') direction = 'forward'
  if (type === 'auto') type = 'rank'
  if (limit !== -1 && type === 'rank') return error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX')
  if (withScores && type === 'lex') return error('ERR syntax error, WITHSCORES not supported in combination with BYLEX')
  const reverse = direction === 'reverse'
  if (reverse && type !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx]

  let select: (zset: ZSet) => ZsetEntry[]
  if (type === 'rank') {
    const start = parseLong(argv[minIdx])
    if (start === null) return ERR_NOT_INTEGER
    const end = parseLong(argv[maxIdx])
    if (end === null) return ERR_NOT_INTEGER
    select = (z) => rangeByRank(z, start, end, reverse)
  } else if (type === 'score') {
    const range = parseScoreRange(argv[minIdx], argv[maxIdx])
    if (range === null) return ERR_MINMAX_FLOAT
    select = (z) => rangeByScore(z, range, offset, limit, reverse)
  } else {
    const range = parseLexRange(argv[minIdx], argv[maxIdx])
    if (range === null) return ERR_MINMAX_LEX
    select = (z) => rangeByLex(z, range, offset, limit, reverse)
  }
  const zset = readZset(ctx, key)
  if (isReply(zset)) {
    return zset
  }
  const nodes = zset === undefined ? [] : select(zset)
  if (store !== undefined) return storeResult(ctx, store, nodes, true)
  return elementsReply(ctx, nodes, withScores)
}

const zrangeCommand = (ctx: CommandContext): Reply => zrangeGeneric(ctx, 1, undefined, 'auto', 'auto')
const zrangestoreCommand = (ctx: CommandContext): Reply => zrangeGeneric(ctx, 2, ctx.argv[1], 'auto', 'auto')
const zrevrangeCommand = (ctx: CommandContext): Reply => zrangeGeneric(ctx, 1, undefined, 'rank', 'reverse')
const zrangebyscoreCommand = (ctx: CommandContext): Reply => zrangeGeneric(ctx, 1, undefined, 'score', 'forward')
const zrevrangebyscoreCommand = (ctx: CommandContext): Reply => zrangeGeneric(ctx, 1, undefined, 'score', 'reverse')
const zrangebylexCommand = (ctx: CommandContext): Reply => zrangeGeneric(ctx, 1, undefined, 'lex', 'forward')
const zrevrangebylexCommand = (ctx: CommandContext): Reply => zrangeGeneric(ctx, 1, undefined, 'lex', 'reverse')

// ---- ZREMRANGEBY* ---------------------------------------------------------

function zremrangeGeneric(ctx: CommandContext, type: 'rank' | 'score' | 'lex'): Reply {
  const [, key, a, b] = ctx.argv
  let select: (zset: ZSet) => ZsetEntry[]
  if (type === 'rank') {
    const start = parseLong(a)
    if (start === null) return ERR_NOT_INTEGER
    const end = parseLong(b)
    if (end === null) return ERR_NOT_INTEGER
    select = (z) => rangeByRank(z, start, end, false)
  } else if (type === 'score') {
    const range = parseScoreRange(a, b)
    if (range === null) return ERR_MINMAX_FLOAT
    select = (z) => rangeByScore(z, range, 0, -1, false)
  } else {
    const range = parseLexRange(a, b)
    if (range === null) return ERR_MINMAX_LEX
    select = (z) => rangeByLex(z, range, 0, -1, false)
  }
  const zset = writeZset(ctx, key)
  if (isReply(zset)) return zset
  if (zset === undefined) return ZERO
  const deleted = zset.removeEntries(select(zset))
  if (deleted > 0) afterWrite(ctx, key, zset)
  ctx.server.dirty += deleted
  return int(deleted)
}

const zremrangebyrankCommand = (ctx: CommandContext): Reply => zremrangeGeneric(ctx, 'rank')
const zremrangebyscoreCommand = (ctx: CommandContext): Reply => zremrangeGeneric(ctx, 'score')
const zremrangebylexCommand = (ctx: CommandContext): Reply => zremrangeGeneric(ctx, 'lex')

// ---- pops -------------------------------------------------------------------

/** Which end a pop takes from. */
export type PopEnd = 'min' | 'max'

/** Removes up to `count` members from one end; deletes the key when emptied. */
export function popElements(ctx: CommandContext, key: Buffer, zset: ZSet, end: PopEnd, count: number): { member: string; score: number }[] {
  const popped: { member: string; score: number }[] = []
  while (popped.length < count && zset.size > 0) {
    const node = end === 'min' ? zset.list.first : zset.list.tail
    if (node === NO_NODE) break
    const entry = entryOf(zset.list, node)
    popped.push(entry)
    zset.remove(entry.member)
    ctx.server.dirty++
  }
  if (zset.size === 0) ctx.db.delete(key)
  else ctx.db.signalModified(key)
  return popped
}

/**
 * genericZpopCommand's reply shapes: `emitKey` for BZPOPMIN, BZPOPMAX and ZMPOP, `nested` for
 * RESP3 counts and ZMPOP, `nilWhenEmpty` for ZMPOP.
 */
export function zpopGeneric(
  ctx: CommandContext,
  keys: readonly Buffer[],
  end: PopEnd,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): Reply {
  let key: Buffer | undefined
  let zset: ZSet | undefined
  for (const k of keys) {
    const found = writeZset(ctx, k)
    if (isReply(found)) return found
    if (found === undefined) continue
    key = k
    zset = found
    break
  }
  if (zset === undefined || key === undefined) return nilWhenEmpty ? NULL_ARRAY : EMPTY_ARRAY
  if (count === 0) return EMPTY_ARRAY
  if (count === -1) count = 1
  const popped = popElements(ctx, key, zset, end, count)
  // BZPOPMIN/BZPOPMAX (emitKey, flat) replay as ZPOPMIN/ZPOPMAX key; ZMPOP/BZMPOP (nested) with the count taken.
  if (emitKey && popped.length > 0) {
    propagateAs(ctx, [end === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key, ...(nested ? [popped.length] : [])])
  }
  const items: Reply[] = []
  for (const p of popped) {
    if (nested) items.push(array([memberReply(p.member), double(p.score)]))
    else items.push(memberReply(p.member), double(p.score))
  }
  if (!emitKey) return array(items)
  if (!nested) return array([bulk(Buffer.from(key)), ...items])
  return array([bulk(Buffer.from(key)), array(items)])
}

function zpopMinMax(ctx: CommandContext, end: PopEnd): Reply {
  if (ctx.argv.length > 3) return ERR_SYNTAX
  let count = -1
  if (ctx.argv.length === 3) {
    const n = parseLong(ctx.argv[2])
    if (n === null || n < 0) return ERR_NOT_POSITIVE
    count = n
  }
  const nested = ctx.client.protocol === 3 && count !== -1
  return zpopGeneric(ctx, [ctx.argv[1]], end, false, count, nested, false)
}

const zpopminCommand = (ctx: CommandContext): Reply => zpopMinMax(ctx, 'min')
const zpopmaxCommand = (ctx: CommandContext): Reply => zpopMinMax(ctx, 'max')

/** ZMPOP/BZMPOP's arguments after numkeys_idx. */
export interface MpopArgs {
  readonly keys: Buffer[]
  readonly end: PopEnd
  readonly count: number
}

/** zmpopGenericCommand's parsing; `numkeysIdx` is 1 for ZMPOP, 2 for BZMPOP. */
export function parseMpop(argv: readonly Buffer[], numkeysIdx: number): MpopArgs | Reply {
  const numkeysErr = error('ERR numkeys should be greater than 0')
  const n = parseInt64(argv[numkeysIdx])
  if (n === null || n < 1n || n > LONG_MAX) return numkeysErr
  const whereIdx = numkeysIdx + Number(n) + 1
  if (n > BigInt(argv.length) || whereIdx >= argv.length) return ERR_SYNTAX
  let end: PopEnd
  if (isToken(argv[whereIdx], 'MIN')) end = 'min'
  else if (isToken(argv[whereIdx], 'MAX')) end = 'max'
  else return ERR_SYNTAX
  let count = -1
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j
    if (count === -1 && isToken(argv[j], 'COUNT') && more > 0) {
      j++
      const c = parseInt64(argv[j])
      if (c === null || c < 1n) return error('ERR count should be greater than 0')
      count = c > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(c)
    } else return ERR_SYNTAX
  }
  if (count === -1) count = 1
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), end, count }
}

function zmpopCommand(ctx: CommandContext): Reply {
  const parsed = parseMpop(ctx.argv, 1)
  if (isReply(parsed)) return parsed
  return zpopGeneric(ctx, parsed.keys, parsed.end, true, parsed.count, true, true)
}

// ---- blocking pops ------------------------------------------------------------

/**
 * blockingGenericZpopCommand: pop at once from the first non-empty key, else
 * park the client until a write makes one of the keys a non-empty zset.
 */
function blockingZpop(ctx: CommandContext, keys: readonly Buffer[], end: PopEnd, timeoutArg: Buffer, count: number, nested: boolean): Reply {
  const timeout = parseBlockTimeout(timeoutArg)
  if (typeof timeout !== 'number') return timeout
  // Like Redis (serveClientsBlockedOnSortedSetKey), a client waiting on several keys is served from the key just written.
  const popFromReadyKey = (db: CommandContext['db'], readyKey: string): Reply | undefined => {
    const key = Buffer.from(readyKey, 'latin1')
    const value = db.lookupWrite(key)
    if (value === undefined || value.type !== 'zset' || value.size === 0) return undefined
    return zpopGeneric({ ...ctx, db }, [key], end, true, count, nested, nested)
  }
  for (const key of keys) {
    const found = writeZset(ctx, key)
    if (isReply(found)) return found
    if (found === undefined || found.size === 0) continue
    return zpopGeneric(ctx, [key], end, true, count, nested, nested)
  }
  // argv's buffers are not ours to keep while the client is parked.
  const parkedKeys = keys.map((key) => Buffer.from(key))
  return block(ctx, { keys: parkedKeys, timeoutMs: timeout, tryServe: popFromReadyKey, onTimeout: () => NULL_ARRAY })
}

const bzpopminCommand = (ctx: CommandContext): Reply => blockingZpop(ctx, ctx.argv.slice(1, -1), 'min', ctx.argv[ctx.argv.length - 1], -1, false)
const bzpopmaxCommand = (ctx: CommandContext): Reply => blockingZpop(ctx, ctx.argv.slice(1, -1), 'max', ctx.argv[ctx.argv.length - 1], -1, false)

function bzmpopCommand(ctx: CommandContext): Reply {
  const parsed = parseMpop(ctx.argv, 2)
  if (isReply(parsed)) return parsed
  return blockingZpop(ctx, parsed.keys, parsed.end, ctx.argv[1], parsed.count, true)
}

// ---- ZRANDMEMBER ------------------------------------------------------------

function randomEntry(zset: ZSet): ZsetEntry {
  const node = zset.at(Math.floor(Math.random() * zset.size))
  if (node === NO_NODE) throw new Error('zset: random rank out of range')
  return entryOf(zset.list, node)
}

function zrandmemberCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  if (argv.length === 2) {
    const zset = readZset(ctx, argv[1])
    if (isReply(zset)) return zset
    if (zset === undefined) return NULL_BULK
    return memberReply(randomEntry(zset).member)
  }
  let withScores = false
  if (argv.length === 4 && isToken(argv[3], 'withscores')) withScores = true
  else if (argv.length > 4 || argv.length === 4) return ERR_SYNTAX
  const l = parseInt64(argv[2])
  if (l === null) return ERR_NOT_INTEGER
  if (l < -LONG_MAX) return error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807')
  if (withScores && l < -LONG_MAX / 2n) return ERR_OUT_OF_RANGE
  const unique = l >= 0n
  const magnitude = unique ? l : -l
  const zset = readZset(ctx, argv[1])
  if (isReply(zset)) return zset
  if (zset === undefined) return EMPTY_ARRAY
  if (magnitude === 0n) return EMPTY_ARRAY
  const size = zset.size
  if (!unique || magnitude === 1n) {
    const count = Number(magnitude)
    const picks: ZsetEntry[] = []
    for (let i = 0; i < count; i++) picks.push(randomEntry(zset))
    return elementsReply(ctx, picks, withScores)
  }
  // CASE 2 of zrandmemberWithCountCommand: the whole set, highest rank first as 7.0 sends it.
  if (magnitude >= BigInt(size)) return elementsReply(ctx, rangeByRank(zset, 0, -1, true), withScores)
  // Distinct picks: a partial Fisher–Yates over ranks keeps it O(count log n).
  const count = Number(magnitude)
  const chosen = new Map<number, number>()
  const picks: ZsetEntry[] = []
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i))
    const rankJ = chosen.get(j) ?? j
    chosen.set(j, chosen.get(i) ?? i)
    const node = zset.at(rankJ)
    if (node !== NO_NODE) picks.push(entryOf(zset.list, node))
  }
  return elementsReply(ctx, picks, withScores)
}

// ---- ZUNION / ZINTER / ZDIFF / ZINTERCARD ------------------------------------

type SetOp = 'union' | 'inter' | 'diff'
type Aggregate = 'sum' | 'min' | 'max'

/** One input of a set operation: a sorted set, or a plain set whose members all score 1 (zsetopsrc). */
interface Source {
  readonly size: number
  score(member: string): number | undefined
  entries(): Iterable<[string, number]>
  weight: number
}

function sourceOf(value: ZSet | SetValue | undefined): Source {
  if (value === undefined) return { size: 0, score: () => undefined, entries: () => [], weight: 1 }
  if (value.type === 'zset') return { size: value.size, score: (m) => value.score(m), entries: () => value.entries(), weight: 1 }
  return {
    size: value.size,
    score: (m) => (value.has(m) ? 1 : undefined),
    entries: function* () {
      for (const m of value.members()) yield [m, 1]
    },
    weight: 1,
  }
}

function aggregateInto(current: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = current + value
    return Number.isNaN(sum) ? 0 : sum
  }
  if (how === 'min') return value < current ? value : current
  return value > current ? value : current
}


/**
 * zunionInterDiffGenericCommand. `numkeysIdx` is where numkeys sits; `dst` is
 * the *STORE destination; `cardinalityOnly` is ZINTERCARD.
 */
function setOpGeneric(ctx: CommandContext, dst: Buffer | undefined, numkeysIdx: number, op: SetOp, cardinalityOnly: boolean): Reply {
  const argv = ctx.argv
  const setnum = parseLong(argv[numkeysIdx])
  if (setnum === null) return ERR_NOT_INTEGER
  const fullname = cString(argv[0]).toLowerCase()
  if (setnum < 1) return error(`ERR at least 1 input key is needed for '${fullname}' command`)
  if (setnum > argv.length - (numkeysIdx + 1)) return ERR_SYNTAX
  const sources: Source[] = []
  let j = numkeysIdx + 1
  for (let i = 0; i < setnum; i++, j++) {
    const value = ctx.db.lookupRead(argv[j])
    if (value !== undefined && value.type !== 'zset' && value.type !== 'set') return ERR_WRONGTYPE
    sources.push(sourceOf(value))
  }
  let aggregate: Aggregate = 'sum'
  let withScores = false
  let limit = 0
  let remaining = argv.length - j
  while (remaining > 0) {
    if (op !== 'diff' && !cardinalityOnly && remaining >= setnum + 1 && isToken(argv[j], 'weights')) {
      j++
      remaining--
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = parseDouble(argv[j])
        if (w === null) return error('ERR weight value is not a float')
        sources[i].weight = w
      }
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && isToken(argv[j], 'aggregate')) {
      j++
      remaining--
      if (isToken(argv[j], 'sum')) aggregate = 'sum'
      else if (isToken(argv[j], 'min')) aggregate = 'min'
      else if (isToken(argv[j], 'max')) aggregate = 'max'
      else return ERR_SYNTAX
      j++
      remaining--
    } else if (remaining >= 1 && dst === undefined && !cardinalityOnly && isToken(argv[j], 'withscores')) {
      j++
      remaining--
      withScores = true
    } else if (cardinalityOnly && remaining >= 2 && isToken(argv[j], 'limit')) {
      j++
      remaining--
      const l = parseInt64(argv[j])
      if (l === null || l < 0n) return error("ERR LIMIT can't be negative")
      limit = l > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(l)
      j++
      remaining--
    } else return ERR_SYNTAX
  }

  if (op !== 'diff') sources.sort((a, b) => a.size - b.size)
  const result = new Map<string, number>()
  if (op === 'inter') {
    if (sources.every((s) => s.size > 0)) {
      for (const [m, s] of sources[0].entries()) {
        let score = weighted(sources[0].weight, s)
        let inAll = true
        for (let k = 1; k < sources.length; k++) {
          const other = sources[k].score(m)
          if (other === undefined) {
            inAll = false
            break
          }
          score = aggregateInto(score, weighted(sources[k].weight, other), aggregate)
        }
        if (!inAll) continue
        if (cardinalityOnly) {
          result.set(m, score)
          if (limit !== 0 && result.size >= limit) break
        } else result.set(m, score)
      }
    }
  } else if (op === 'union') {
    for (const src of sources) {
      for (const [m, s] of src.entries()) {
        const value = weighted(src.weight, s)
        const current = result.get(m)
        result.set(m, current === undefined ? value : aggregateInto(current, value, aggregate))
      }
    }
  } else {
    for (const [m, s] of sources[0].entries()) {
      if (sources.slice(1).some((src) => src.score(m) !== undefined)) continue
      result.set(m, s)
    }
  }

  if (cardinalityOnly) return int(result.size)
  const elements = [...result].map(([m, score]) => ({ member: m, score }))
  elements.sort((a, b) => (a.score !== b.score ? a.score - b.score : a.member < b.member ? -1 : a.member > b.member ? 1 : 0))
  if (dst !== undefined) return storeResult(ctx, dst, elements, true)
  return elementsReply(ctx, elements, withScores)
}

/** zunionInterDiffGenericCommand's weighting: 0 * inf is NaN there, and becomes 0. */
function weighted(weight: number, score: number): number {
  const v = weight * score
  return Number.isNaN(v) ? 0 : v
}

const zunionstoreCommand = (ctx: CommandContext): Reply => setOpGeneric(ctx, ctx.argv[1], 2, 'union', false)
const zinterstoreCommand = (ctx: CommandContext): Reply => setOpGeneric(ctx, ctx.argv[1], 2, 'inter', false)
const zdiffstoreCommand = (ctx: CommandContext): Reply => setOpGeneric(ctx, ctx.argv[1], 2, 'diff', false)
const zunionCommand = (ctx: CommandContext): Reply => setOpGeneric(ctx, undefined, 1, 'union', false)
const zinterCommand = (ctx: CommandContext): Reply => setOpGeneric(ctx, undefined, 1, 'inter', false)
const zdiffCommand = (ctx: CommandContext): Reply => setOpGeneric(ctx, undefined, 1, 'diff', false)
const zintercardCommand = (ctx: CommandContext): Reply => setOpGeneric(ctx, undefined, 1, 'inter', true)

// ---- ZSCAN ------------------------------------------------------------------

/** scanGenericCommand's cursor: an unsigned long, negative values wrapping; we keep the low 32 bits the table uses. */
function parseScanCursor(arg: Buffer): number | null {
  const text = cString(arg)
  if (text === '') return 0
  const m = /^([+-]?)(\d+)$/.exec(text)
  if (!m) return null
  const magnitude = BigInt(m[2])
  const ULONG_MAX = (1n << 64n) - 1n
  if (magnitude > ULONG_MAX) return null
  const value = m[1] === '-' ? (ULONG_MAX + 1n - magnitude) & ULONG_MAX : magnitude
  return Number(value & 0xffffffffn)
}

function zscanCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const cursor = parseScanCursor(argv[2])
  if (cursor === null) return ERR_INVALID_CURSOR
  const zset = readZset(ctx, argv[1])
  if (isReply(zset)) return zset
  let count = 10
  let pattern: string | undefined
  for (let i = 3; i < argv.length; ) {
    const remaining = argv.length - i
    if (isToken(argv[i], 'COUNT') && remaining >= 2) {
      const n = parseInt64(argv[i + 1])
      if (n === null) return ERR_NOT_INTEGER
      if (n < 1n) return ERR_SYNTAX
      count = n > 1_000_000_000n ? 1_000_000_000 : Number(n)
      i += 2
    } else if (isToken(argv[i], 'MATCH') && remaining >= 2) {
      const p = argv[i + 1].toString('latin1')
      pattern = p === '*' ? undefined : p
      i += 2
    } else return ERR_SYNTAX
  }
  if (zset === undefined) return array([bulk('0'), EMPTY_ARRAY])
  let next = 0
  let members: string[]
  if (zset.encoding === 'listpack') {
    // A listpack is returned whole, in order, whatever the cursor (scanGenericCommand).
    members = [...zset.entries()].map(([m]) => m)
  } else {
    const step = zset.scanStep(cursor, count)
    next = step.cursor
    members = step.members
  }
  const items: Reply[] = []
  for (const m of members) {
    if (pattern !== undefined && !globMatch(pattern, m)) continue
    const score = zset.score(m)
    if (score === undefined) continue
    items.push(memberReply(m), bulk(formatScanScore(score)))
  }
  return array([bulk(String(next)), array(items)])
}

/** d2string: how a listpack stores a score, and so how ZSCAN prints it. */
function formatScanScore(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Infinity) return 'inf'
  if (value === -Infinity) return '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  if (value > -4503599627370495 && value < 4503599627370496 && Number.isInteger(value)) return String(value)
  return formatDouble(value)
}

// ---- the table --------------------------------------------------------------

const HANDLERS = {
  zadd: zaddCommand,
  zincrby: zincrbyCommand,
  zrem: zremCommand,
  zcard: zcardCommand,
  zscore: zscoreCommand,
  zmscore: zmscoreCommand,
  zrank: zrankCommand,
  zrevrank: zrevrankCommand,
  zcount: zcountCommand,
  zlexcount: zlexcountCommand,
  zrange: zrangeCommand,
  zrangestore: zrangestoreCommand,
  zrevrange: zrevrangeCommand,
  zrangebyscore: zrangebyscoreCommand,
  zrevrangebyscore: zrevrangebyscoreCommand,
  zrangebylex: zrangebylexCommand,
  zrevrangebylex: zrevrangebylexCommand,
  zremrangebyrank: zremrangebyrankCommand,
  zremrangebyscore: zremrangebyscoreCommand,
  zremrangebylex: zremrangebylexCommand,
  zpopmin: zpopminCommand,
  zpopmax: zpopmaxCommand,
  zmpop: zmpopCommand,
  bzpopmin: bzpopminCommand,
  bzpopmax: bzpopmaxCommand,
  bzmpop: bzmpopCommand,
  zrandmember: zrandmemberCommand,
  zunion: zunionCommand,
  zinter: zinterCommand,
  zdiff: zdiffCommand,
  zunionstore: zunionstoreCommand,
  zinterstore: zinterstoreCommand,
  zdiffstore: zdiffstoreCommand,
  zintercard: zintercardCommand,
  zscan: zscanCommand,
} satisfies Partial<Record<keyof typeof ZSET_DECLARATIONS, CommandSpec['handler']>>

export const zsetCommands: CommandSpec[] = Object.entries(HANDLERS).map(([name, handler]) => ({
  ...ZSET_DECLARATIONS[name as keyof typeof ZSET_DECLARATIONS],
  handler,
}))
