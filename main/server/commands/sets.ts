/**
 * The set commands (t_set.c), replying exactly as Redis 7.0.15 does. Integer
 * sets reply in ascending order like Redis's intset; see store/set.ts. The
 * algebra (SINTER, SUNION, SDIFF and their STORE forms) builds its result the
 * way Redis does — an intset that converts when a member needs it — so the
 * reply order and the stored encoding agree with Redis too.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import {
  EMPTY_ARRAY,
  ERR_SYNTAX,
  ERR_WRONGTYPE,
  NULL_BULK,
  ONE,
  ZERO,
  array,
  bulk,
  error,
  int,
  set as setReply,
} from '../protocol/replies'
import { DEFAULT_MAX_INTSET_ENTRIES, SetObject } from '../store/set'
import { ERR_INVALID_CURSOR, parseScanCursor, parseScanOptions, scanStep } from '../store/set-scan'
import { configNumber, parseRandomCount, pickDistinct } from './hashes'
import { isToken, parseInt64 } from './parse'
import type { CommandSpec } from './types'
import { alsoPropagate, preventPropagation, propagateAs } from '../replication/propagation'

const ERR_MUST_BE_POSITIVE = error('ERR value is out of range, must be positive')
const ERR_NUMKEYS = error('ERR numkeys should be greater than 0')
const ERR_TOO_MANY_KEYS = error("ERR Number of keys can't be greater than number of args")
const ERR_LIMIT_NEGATIVE = error("ERR LIMIT can't be negative")
const EMPTY_SET: Reply = setReply([])
const EMPTY_SCAN: Reply = array([bulk('0'), EMPTY_ARRAY])

function maxIntsetEntries(ctx: CommandContext): number {
  return configNumber(ctx, 'set-max-intset-entries', DEFAULT_MAX_INTSET_ENTRIES)
}

function memberOf(arg: Buffer): string {
  return arg.toString('latin1')
}

function memberReply(member: string): Reply {
  return bulk(Buffer.from(member, 'latin1'))
}

function lookupSet(ctx: CommandContext, key: Buffer, forWrite: boolean): SetObject | undefined | Reply {
  const value = forWrite ? ctx.db.lookupWrite(key) : ctx.db.lookupRead(key)
  if (value === undefined) return undefined
  return value.type === 'set' ? value : ERR_WRONGTYPE
}

function isReply(v: SetObject | Reply | undefined): v is Reply {
  return v !== undefined && 't' in v
}

/** A set left empty by a removal is deleted (one signal); otherwise the change is signalled. */
function afterRemoval(ctx: CommandContext, key: Buffer, s: SetObject): void {
  if (s.size === 0) ctx.db.delete(key)
  else ctx.db.signalModified(key)
}

/** A reply listing members: a RESP3 set for SMEMBERS/SINTER/SPOP…, an array for SRANDMEMBER. */
function membersReply(members: Iterable<string>, asSet: boolean): Reply {
  const items: Reply[] = []
  for (const m of members) items.push(memberReply(m))
  return asSet ? setReply(items) : array(items)
}

// ---- single-set commands -----------------------------------------------------

function saddCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const found = lookupSet(ctx, argv[1], true)
  if (isReply(found)) return found
  const s = found ?? new SetObject(memberOf(argv[2]))
  const max = maxIntsetEntries(ctx)
  let added = 0
  for (let j = 2; j < argv.length; j++) if (s.add(memberOf(argv[j]), max)) added++
  if (!found) ctx.db.set(argv[1], s)
  else if (added > 0) ctx.db.signalModified(argv[1])
  ctx.server.dirty += added
  return int(added)
}

function sremCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const s = lookupSet(ctx, argv[1], true)
  if (isReply(s)) return s
  if (!s) return ZERO
  let removed = 0
  for (let j = 2; j < argv.length; j++) {
    if (s.remove(memberOf(argv[j]))) removed++
    if (s.size === 0) break
  }
  if (removed > 0) {
    afterRemoval(ctx, argv[1], s)
    ctx.server.dirty += removed
  }
  return int(removed)
}

function smembersCommand(ctx: CommandContext): Reply {
  const s = lookupSet(ctx, ctx.argv[1], false)
  if (isReply(s)) return s
  return s ? membersReply(s.members(), true) : EMPTY_SET
}

function sismemberCommand(ctx: CommandContext): Reply {
  const s = lookupSet(ctx, ctx.argv[1], false)
  if (isReply(s)) return s
  return s?.has(memberOf(ctx.argv[2])) ? ONE : ZERO
}

function smismemberCommand(ctx: CommandContext): Reply {
  const s = lookupSet(ctx, ctx.argv[1], false)
  if (isReply(s)) return s
  const replies: Reply[] = []
  for (let j = 2; j < ctx.argv.length; j++) replies.push(s?.has(memberOf(ctx.argv[j])) ? ONE : ZERO)
  return array(replies)
}

function scardCommand(ctx: CommandContext): Reply {
  const s = lookupSet(ctx, ctx.argv[1], false)
  if (isReply(s)) return s
  return int(s ? s.size : 0)
}

function smoveCommand(ctx: CommandContext): Reply {
  const [, srcKey, dstKey, memberArg] = ctx.argv
  const src = lookupSet(ctx, srcKey, true)
  const dst = lookupSet(ctx, dstKey, true)
  if (src === undefined) return ZERO
  if (isReply(src)) return src
  if (isReply(dst)) return dst
  const member = memberOf(memberArg)
  if (src === dst) return src.has(member) ? ONE : ZERO
  if (!src.remove(member)) return ZERO
  afterRemoval(ctx, srcKey, src)
  ctx.server.dirty++
  const target = dst ?? new SetObject(member)
  if (target.add(member, maxIntsetEntries(ctx))) {
    if (dst) ctx.db.signalModified(dstKey)
    else ctx.db.set(dstKey, target)
    ctx.server.dirty++
  }
  return ONE
}

// ---- random members ------------------------------------------------------------

function spopCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  if (argv.length === 3) return spopWithCount(ctx)
  if (argv.length > 3) return ERR_SYNTAX
  const s = lookupSet(ctx, argv[1], true)
  if (isReply(s)) return s
  if (!s) return NULL_BULK
  const member = s.randomMember()
  s.remove(member)
  afterRemoval(ctx, argv[1], s)
  ctx.server.dirty++
  // A random choice must not be made again on replay: the member chosen is what gets removed.
  propagateAs(ctx, ['SREM', argv[1], Buffer.from(member, 'latin1')])
  return memberReply(member)
}

function spopWithCount(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  const count = parseInt64(ctx.argv[2])
  if (count === null || count < 0n) return ERR_MUST_BE_POSITIVE
  const s = lookupSet(ctx, key, true)
  if (isReply(s)) return s
  if (!s || count === 0n) return EMPTY_SET
  if (count >= BigInt(s.size)) {
    // The whole set, in the order SUNION of it would list (an intset stays sorted).
    const all = unionOf([s], maxIntsetEntries(ctx))
    ctx.db.delete(key)
    ctx.server.dirty++
    propagateAs(ctx, [ctx.server.config.bool('lazyfree-lazy-server-del') ? 'UNLINK' : 'DEL', key])
    return membersReply(all.members(), true)
  }
  const popped = pickDistinct([...s.members()], Number(count))
  for (const m of popped) s.remove(m)
  ctx.db.signalModified(key)
  ctx.server.dirty++
  // One SREM per member, as Redis 7.0 (several come wrapped in MULTI … EXEC).
  for (const m of popped) alsoPropagate(ctx, ['SREM', key, Buffer.from(m, 'latin1')])
  preventPropagation(ctx)
  return membersReply(popped, true)
}

function srandmemberCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  if (argv.length === 3) return srandmemberWithCount(ctx)
  if (argv.length > 3) return ERR_SYNTAX
  const s = lookupSet(ctx, argv[1], false)
  if (isReply(s)) return s
  return s ? memberReply(s.randomMember()) : NULL_BULK
}

function srandmemberWithCount(ctx: CommandContext): Reply {
  const count = parseRandomCount(ctx.argv[2])
  if (typeof count !== 'bigint') return count
  const s = lookupSet(ctx, ctx.argv[1], false)
  if (isReply(s)) return s
  if (!s || count === 0n) return EMPTY_ARRAY
  if (count < 0n) {
    const picks: string[] = []
    for (let i = 0n; i < -count; i++) picks.push(s.randomMember())
    return membersReply(picks, false)
  }
  if (count >= BigInt(s.size)) return membersReply(s.members(), false)
  return membersReply(pickDistinct([...s.members()], Number(count)), false)
}

// ---- algebra ---------------------------------------------------------------------

/** The sets named by `keys` (undefined for missing keys), or WRONGTYPE for the first key that is not a set. */
function lookupSets(ctx: CommandContext, keys: readonly Buffer[], forWrite: boolean): (SetObject | undefined)[] | Reply {
  const sets: (SetObject | undefined)[] = []
  for (const key of keys) {
    const s = lookupSet(ctx, key, forWrite)
    if (isReply(s)) return s
    sets.push(s)
  }
  return sets
}

function unionOf(sets: readonly (SetObject | undefined)[], maxIntset: number): SetObject {
  const result = new SetObject()
  for (const s of sets) if (s) for (const m of s.members()) result.add(m, maxIntset)
  return result
}

function diffOf(sets: readonly (SetObject | undefined)[], maxIntset: number): SetObject {
  const result = new SetObject()
  const [first, ...others] = sets
  if (!first) return result
  for (const m of first.members()) if (!others.some((o) => o?.has(m))) result.add(m, maxIntset)
  return result
}

/**
 * sinterGenericCommand's walk: the members of the smallest set (ties keep key
 * order, as a stable sort does) that every other set has, in that set's order;
 * stops after `limit` members when limit > 0.
 */
function intersectionOf(sets: readonly SetObject[], limit: number): string[] {
  const bySize = [...sets].sort((a, b) => a.size - b.size)
  const [smallest, ...others] = bySize
  const out: string[] = []
  for (const m of smallest.members()) {
    if (!others.every((o) => o.has(m))) continue
    out.push(m)
    if (limit > 0 && out.length >= limit) break
  }
  return out
}

/** Stores the *STORE result, or deletes the destination when the result is empty; replies the size. */
function storeResult(ctx: CommandContext, dstKey: Buffer, result: SetObject, alwaysSignal: boolean): Reply {
  if (result.size > 0) {
    ctx.db.set(dstKey, result)
    ctx.server.dirty++
    return int(result.size)
  }
  if (ctx.db.delete(dstKey)) ctx.server.dirty++
  else if (alwaysSignal) {
    ctx.db.signalModified(dstKey)
    ctx.server.dirty++
  }
  return ZERO
}

function sinterGeneric(ctx: CommandContext, keys: readonly Buffer[], dstKey: Buffer | undefined): Reply {
  const found = lookupSets(ctx, keys, dstKey !== undefined)
  if (!Array.isArray(found)) return found as Reply
  const sets = found.filter((s): s is SetObject => s !== undefined)
  const members = sets.length < found.length ? [] : intersectionOf(sets, 0)
  if (dstKey === undefined) return membersReply(members, true)
  const result = new SetObject()
  const max = maxIntsetEntries(ctx)
  for (const m of members) result.add(m, max)
  return storeResult(ctx, dstKey, result, false)
}

function sinterCommand(ctx: CommandContext): Reply {
  return sinterGeneric(ctx, ctx.argv.slice(1), undefined)
}

function sinterstoreCommand(ctx: CommandContext): Reply {
  return sinterGeneric(ctx, ctx.argv.slice(2), ctx.argv[1])
}

function sintercardCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const numkeys = parseInt64(argv[1])
  if (numkeys === null || numkeys < 1n) return ERR_NUMKEYS
  if (numkeys > BigInt(argv.length - 2)) return ERR_TOO_MANY_KEYS
  const n = Number(numkeys)
  let limit = 0n
  for (let j = 2 + n; j < argv.length; j++) {
    const moreArgs = argv.length - 1 - j
    if (isToken(argv[j], 'LIMIT') && moreArgs > 0) {
      j++
      const parsed = parseInt64(argv[j])
      if (parsed === null || parsed < 0n) return ERR_LIMIT_NEGATIVE
      limit = parsed
    } else return ERR_SYNTAX
  }
  const found = lookupSets(ctx, argv.slice(2, 2 + n), false)
  if (!Array.isArray(found)) return found as Reply
  const sets = found.filter((s): s is SetObject => s !== undefined)
  if (sets.length < found.length) return ZERO
  return int(intersectionOf(sets, Number(limit)).length)
}

function sunionDiffGeneric(ctx: CommandContext, keys: readonly Buffer[], dstKey: Buffer | undefined, op: 'union' | 'diff'): Reply {
  const found = lookupSets(ctx, keys, dstKey !== undefined)
  if (!Array.isArray(found)) return found as Reply
  const max = maxIntsetEntries(ctx)
  const result = op === 'union' ? unionOf(found, max) : diffOf(found, max)
  if (dstKey === undefined) return membersReply(result.members(), true)
  return storeResult(ctx, dstKey, result, true)
}

function sunionCommand(ctx: CommandContext): Reply {
  return sunionDiffGeneric(ctx, ctx.argv.slice(1), undefined, 'union')
}

function sunionstoreCommand(ctx: CommandContext): Reply {
  return sunionDiffGeneric(ctx, ctx.argv.slice(2), ctx.argv[1], 'union')
}

function sdiffCommand(ctx: CommandContext): Reply {
  return sunionDiffGeneric(ctx, ctx.argv.slice(1), undefined, 'diff')
}

function sdiffstoreCommand(ctx: CommandContext): Reply {
  return sunionDiffGeneric(ctx, ctx.argv.slice(2), ctx.argv[1], 'diff')
}

function sscanCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const cursor = parseScanCursor(argv[2])
  if (cursor === null) return ERR_INVALID_CURSOR
  const s = lookupSet(ctx, argv[1], false)
  if (isReply(s)) return s
  if (!s) return EMPTY_SCAN
  const options = parseScanOptions(argv, 3)
  if ('t' in options) return options
  const step = scanStep(s.table, () => s.members(), cursor, options)
  return array([bulk(String(step.cursor)), array(step.elements.map(memberReply))])
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const setCommands: CommandSpec[] = [
  {
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'set',
    summary: 'Add one or more members to a set',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'member', type: 'string', multiple: true },
    ],
    handler: saddCommand,
  },
  {
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'set',
    summary: 'Remove one or more members from a set',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of members to be removed.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'member', type: 'string', multiple: true },
    ],
    handler: sremCommand,
  },
  {
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'set',
    summary: 'Get all the members in a set',
    since: '1.0.0',
    complexity: 'O(N) where N is the set cardinality.',
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
    ],
    handler: smembersCommand,
  },
  {
    name: 'sismember',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'set',
    summary: 'Determine if a given value is a member of a set',
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
      { name: 'member', type: 'string' },
    ],
    handler: sismemberCommand,
  },
  {
    name: 'smismember',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'set',
    summary: 'Returns the membership associated with the given elements for a set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'member', type: 'string', multiple: true },
    ],
    handler: smismemberCommand,
  },
  {
    name: 'scard',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'set',
    summary: 'Get the number of members in a set',
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
    handler: scardCommand,
  },
  {
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'set',
    summary: 'Remove and return one or multiple random members from a set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    tips: ['nondeterministic_output'],
    history: [['3.2.0', 'Added the `count` argument.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'count', type: 'integer', since: '3.2.0', optional: true },
    ],
    handler: spopCommand,
  },
  {
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'set',
    summary: 'Get one or multiple random members from a set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    tips: ['nondeterministic_output'],
    history: [['2.6.0', 'Added the optional `count` argument.']],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'count', type: 'integer', since: '2.6.0', optional: true },
    ],
    handler: srandmemberCommand,
  },
  {
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'set',
    summary: 'Move a member from one set to another',
    since: '1.0.0',
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
      { name: 'member', type: 'string' },
    ],
    handler: smoveCommand,
  },
  {
    name: 'sinter',
    arity: -2,
    flags: ['readonly'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'set',
    summary: 'Intersect multiple sets',
    since: '1.0.0',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true },
    ],
    handler: sinterCommand,
  },
  {
    name: 'sunion',
    arity: -2,
    flags: ['readonly'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'set',
    summary: 'Add multiple sets',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true },
    ],
    handler: sunionCommand,
  },
  {
    name: 'sdiff',
    arity: -2,
    flags: ['readonly'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'set',
    summary: 'Subtract multiple sets',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true },
    ],
    handler: sdiffCommand,
  },
  {
    name: 'sinterstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'set',
    summary: 'Intersect multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    keySpecs: [
      {
        flags: ['RW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 2 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'destination', type: 'key' },
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 1 },
    ],
    handler: sinterstoreCommand,
  },
  {
    name: 'sunionstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'set',
    summary: 'Add multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    keySpecs: [
      {
        flags: ['OW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 2 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'destination', type: 'key' },
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 1 },
    ],
    handler: sunionstoreCommand,
  },
  {
    name: 'sdiffstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'set',
    summary: 'Subtract multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    keySpecs: [
      {
        flags: ['OW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 2 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'destination', type: 'key' },
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 1 },
    ],
    handler: sdiffstoreCommand,
  },
  {
    name: 'sintercard',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    group: 'set',
    summary: 'Intersect multiple sets and return the cardinality of the result',
    since: '7.0.0',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { keynum: { keynumidx: 0, firstkey: 1, keystep: 1 } },
      },
    ],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true },
      { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
    ],
    handler: sintercardCommand,
  },
  {
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'set',
    summary: 'Incrementally iterate Set elements',
    since: '2.8.0',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    tips: ['nondeterministic_output'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    handler: sscanCommand,
  },
]
