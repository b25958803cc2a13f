/**
 * The hash commands (t_hash.c), replying exactly as Redis 7.0.15 does. Small
 * hashes reply in insertion order like Redis's listpack; see store/hash.ts.
 * Field names and values are copied out of argv, which may be a view into the
 * connection's read buffer.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import {
  EMPTY_ARRAY,
  ERR_NOT_INTEGER,
  ERR_NOT_FLOAT,
  ERR_OVERFLOW,
  ERR_SYNTAX,
  ERR_WRONGTYPE,
  NULL_BULK,
  OK,
  ONE,
  ZERO,
  array,
  bulk,
  error,
  errWrongArity,
  int,
  map,
} from '../protocol/replies'
import { DEFAULT_HASH_LIMITS, HashObject, type HashLimits } from '../store/hash'
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../store/long-double'
import { ERR_INVALID_CURSOR, parseScanCursor, parseScanOptions, scanStep } from '../store/set-scan'
import { INT64_MAX, INT64_MIN, isToken, parseInt64 } from './parse'
import type { CommandSpec } from './types'
import { propagateAs } from '../replication/propagation'

const ERR_HASH_NOT_INTEGER = error('ERR hash value is not an integer')
const ERR_HASH_NOT_FLOAT = error('ERR hash value is not a float')
const ERR_NAN_OR_INFINITY_ARG = error('ERR value is NaN or Infinity')
const ERR_NAN_OR_INFINITY = error('ERR increment would produce NaN or Infinity')
const ERR_OUT_OF_RANGE = error('ERR value is out of range')
export const ERR_COUNT_RANGE = error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807')
const EMPTY_SCAN: Reply = array([bulk('0'), EMPTY_ARRAY])

/** A config number, or Redis's default when the config is not wired (unit tests, early start-up). */
export function configNumber(ctx: CommandContext, name: string, fallback: number): number {
  try {
    const v = ctx.server.config.number(name)
    return Number.isFinite(v) ? v : fallback
  } catch {
    return fallback
  }
}

function hashLimits(ctx: CommandContext): HashLimits {
  return {
    entries: configNumber(ctx, 'hash-max-listpack-entries', DEFAULT_HASH_LIMITS.entries),
    value: configNumber(ctx, 'hash-max-listpack-value', DEFAULT_HASH_LIMITS.value),
  }
}

function fieldOf(arg: Buffer): string {
  return arg.toString('latin1')
}

function fieldBuffer(field: string): Buffer {
  return Buffer.from(field, 'latin1')
}

/** lookupKeyRead + checkType: the hash, undefined when missing, or the WRONGTYPE reply. */
function readHash(ctx: CommandContext, key: Buffer): HashObject | undefined | Reply {
  const value = ctx.db.lookupRead(key)
  if (value === undefined) return undefined
  return value.type === 'hash' ? value : ERR_WRONGTYPE
}

function writeHash(ctx: CommandContext, key: Buffer): HashObject | undefined | Reply {
  const value = ctx.db.lookupWrite(key)
  if (value === undefined) return undefined
  return value.type === 'hash' ? value : ERR_WRONGTYPE
}

function isReply(v: HashObject | Reply | undefined): v is Reply {
  return v !== undefined && 't' in v
}

/**
 * After a write: a new hash is stored (one signal), an existing one signalled;
 * a hash left empty is deleted, as Redis never keeps empty collections.
 */
function commitWrite(ctx: CommandContext, key: Buffer, hash: HashObject, existed: boolean): void {
  if (hash.size === 0) {
    if (existed) ctx.db.delete(key)
  } else if (!existed) ctx.db.set(key, hash)
  else ctx.db.signalModified(key)
}

// ---- writes ----------------------------------------------------------------

/** HSET and HMSET: the same write, replying the count of new fields or OK. */
function hsetGeneric(ctx: CommandContext, command: 'hset' | 'hmset'): Reply {
  const argv = ctx.argv
  if (argv.length % 2 === 1) return errWrongArity(command)
  const found = writeHash(ctx, argv[1])
  if (isReply(found)) return found
  const hash = found ?? new HashObject()
  const limits = hashLimits(ctx)
  hash.convertIfAnyTooLong(argv.slice(2), limits)
  let created = 0
  for (let j = 2; j < argv.length; j += 2) if (hash.set(fieldOf(argv[j]), Buffer.from(argv[j + 1]), limits)) created++
  commitWrite(ctx, argv[1], hash, found !== undefined)
  ctx.server.dirty += (argv.length - 2) / 2
  return command === 'hset' ? int(created) : OK
}

function hsetCommand(ctx: CommandContext): Reply {
  return hsetGeneric(ctx, 'hset')
}

function hmsetCommand(ctx: CommandContext): Reply {
  return hsetGeneric(ctx, 'hmset')
}

function hsetnxCommand(ctx: CommandContext): Reply {
  const [, key, field, value] = ctx.argv
  const found = writeHash(ctx, key)
  if (isReply(found)) return found
  if (found?.has(fieldOf(field))) return ZERO
  const hash = found ?? new HashObject()
  const limits = hashLimits(ctx)
  hash.convertIfAnyTooLong([field, value], limits)
  hash.set(fieldOf(field), Buffer.from(value), limits)
  commitWrite(ctx, key, hash, found !== undefined)
  ctx.server.dirty++
  return ONE
}

function hdelCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const hash = writeHash(ctx, argv[1])
  if (isReply(hash)) return hash
  if (!hash) return ZERO
  let deleted = 0
  for (let j = 2; j < argv.length; j++) {
    if (hash.delete(fieldOf(argv[j]))) deleted++
    if (hash.size === 0) break
  }
  if (deleted > 0) {
    commitWrite(ctx, argv[1], hash, true)
    ctx.server.dirty += deleted
  }
  return int(deleted)
}

function hincrbyCommand(ctx: CommandContext): Reply {
  const [, key, fieldArg, incrArg] = ctx.argv
  const incr = parseInt64(incrArg)
  if (incr === null) return ERR_NOT_INTEGER
  const found = writeHash(ctx, key)
  if (isReply(found)) return found
  const field = fieldOf(fieldArg)
  const current = found?.get(field)
  const old = current === undefined ? 0n : parseInt64(current)
  if (old === null) return ERR_HASH_NOT_INTEGER
  if ((incr < 0n && old < 0n && incr < INT64_MIN - old) || (incr > 0n && old > 0n && incr > INT64_MAX - old)) {
    return ERR_OVERFLOW
  }
  const next = old + incr
  const hash = found ?? new HashObject()
  hash.set(field, Buffer.from(next.toString(), 'latin1'), hashLimits(ctx))
  commitWrite(ctx, key, hash, found !== undefined)
  ctx.server.dirty++
  return int(next >= BigInt(Number.MIN_SAFE_INTEGER) && next <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(next) : next)
}

function hincrbyfloatCommand(ctx: CommandContext): Reply {
  const [, key, fieldArg, incrArg] = ctx.argv
  const incr = parseLongDouble(incrArg)
  if (incr === null) return ERR_NOT_FLOAT
  if (incr.kind !== 'finite') return ERR_NAN_OR_INFINITY_ARG
  const found = writeHash(ctx, key)
  if (isReply(found)) return found
  const field = fieldOf(fieldArg)
  const current = found?.get(field)
  const old = current === undefined ? parseLongDouble('0') : parseLongDouble(current)
  if (old === null) return ERR_HASH_NOT_FLOAT
  const sum = addLongDouble(old, incr)
  if (sum.kind !== 'finite') return ERR_NAN_OR_INFINITY
  const text = Buffer.from(formatLongDoubleHuman(sum), 'latin1')
  const hash = found ?? new HashObject()
  hash.set(field, text, hashLimits(ctx))
  commitWrite(ctx, key, hash, found !== undefined)
  ctx.server.dirty++
  // Float arithmetic may differ elsewhere: replicas and the AOF get the result.
  propagateAs(ctx, ['HSET', key, fieldArg, text])
  return bulk(text)
}

// ---- reads -----------------------------------------------------------------

function hgetCommand(ctx: CommandContext): Reply {
  const hash = readHash(ctx, ctx.argv[1])
  if (isReply(hash)) return hash
  const value = hash?.get(fieldOf(ctx.argv[2]))
  return value === undefined ? NULL_BULK : bulk(value)
}

function hmgetCommand(ctx: CommandContext): Reply {
  const hash = readHash(ctx, ctx.argv[1])
  if (isReply(hash)) return hash
  const replies: Reply[] = []
  for (let j = 2; j < ctx.argv.length; j++) {
    const value = hash?.get(fieldOf(ctx.argv[j]))
    replies.push(value === undefined ? NULL_BULK : bulk(value))
  }
  return array(replies)
}

function hgetallCommand(ctx: CommandContext): Reply {
  const hash = readHash(ctx, ctx.argv[1])
  if (isReply(hash)) return hash
  const pairs: [Reply, Reply][] = []
  if (hash) for (const [field, value] of hash.fields) pairs.push([bulk(fieldBuffer(field)), bulk(value)])
  return map(pairs)
}

function hkeysCommand(ctx: CommandContext): Reply {
  const hash = readHash(ctx, ctx.argv[1])
  if (isReply(hash)) return hash
  return array(hash ? [...hash.fields.keys()].map((f) => bulk(fieldBuffer(f))) : [])
}

function hvalsCommand(ctx: CommandContext): Reply {
  const hash = readHash(ctx, ctx.argv[1])
  if (isReply(hash)) return hash
  return array(hash ? [...hash.fields.values()].map((v) => bulk(v)) : [])
}

function hlenCommand(ctx: CommandContext): Reply {
  const hash = readHash(ctx, ctx.argv[1])
  if (isReply(hash)) return hash
  return int(hash ? hash.size : 0)
}

function hstrlenCommand(ctx: CommandContext): Reply {
  const hash = readHash(ctx, ctx.argv[1])
  if (isReply(hash)) return hash
  return int(hash?.get(fieldOf(ctx.argv[2]))?.length ?? 0)
}

function hexistsCommand(ctx: CommandContext): Reply {
  const hash = readHash(ctx, ctx.argv[1])
  if (isReply(hash)) return hash
  return hash?.has(fieldOf(ctx.argv[2])) ? ONE : ZERO
}

// ---- random and scan ---------------------------------------------------------

/** Picks `count` distinct fields out of `fields` (count < fields.length), in random order. */
export function pickDistinct<T>(items: T[], count: number, random: () => number = Math.random): T[] {
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (items.length - i))
    const t = items[i]
    items[i] = items[j]
    items[j] = t
  }
  return items.slice(0, count)
}

/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): the count of HRANDFIELD/SRANDMEMBER. */
export function parseRandomCount(arg: Buffer): bigint | Reply {
  const n = parseInt64(arg)
  if (n === null) return ERR_NOT_INTEGER
  if (n === INT64_MIN) return ERR_COUNT_RANGE
  return n
}

function hrandfieldCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  if (argv.length >= 3) {
    const count = parseRandomCount(argv[2])
    if (typeof count !== 'bigint') return count
    let withValues = false
    if (argv.length > 4 || (argv.length === 4 && !isToken(argv[3], 'WITHVALUES'))) return ERR_SYNTAX
    if (argv.length === 4) {
      withValues = true
      if (count < -(INT64_MAX / 2n) || count > INT64_MAX / 2n) return ERR_OUT_OF_RANGE
    }
    return hrandfieldWithCount(ctx, count, withValues)
  }
  const hash = readHash(ctx, argv[1])
  if (isReply(hash)) return hash
  if (!hash) return NULL_BULK
  return bulk(fieldBuffer(hash.randomField()))
}

function hrandfieldWithCount(ctx: CommandContext, count: bigint, withValues: boolean): Reply {
  const hash = readHash(ctx, ctx.argv[1])
  if (isReply(hash)) return hash
  if (!hash || count === 0n) return EMPTY_ARRAY
  const resp3 = ctx.client.protocol === 3
  const entry = (field: string): Reply[] => {
    const name = bulk(fieldBuffer(field))
    if (!withValues) return [name]
    const pair = [name, bulk(hash.get(field) as Buffer)]
    // RESP3 nests each field/value pair, RESP2 flattens them (Redis 7).
    return resp3 ? [array(pair)] : pair
  }
  let fields: string[]
  if (count < 0n) {
    // Repeats allowed: |count| independent picks.
    const n = Number(-count)
    fields = []
    for (let i = 0; i < n; i++) fields.push(hash.randomField())
  } else if (count >= BigInt(hash.size)) {
    fields = [...hash.fields.keys()]
  } else {
    fields = pickDistinct([...hash.fields.keys()], Number(count))
  }
  return array(fields.flatMap(entry))
}

function hscanCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const cursor = parseScanCursor(argv[2])
  if (cursor === null) return ERR_INVALID_CURSOR
  const hash = readHash(ctx, argv[1])
  if (isReply(hash)) return hash
  if (!hash) return EMPTY_SCAN
  const options = parseScanOptions(argv, 3)
  if ('t' in options) return options
  const step = scanStep(hash.table, () => hash.fields.keys(), cursor, options)
  const items: Reply[] = []
  for (const field of step.elements) {
    const value = hash.get(field)
    if (value !== undefined) items.push(bulk(fieldBuffer(field)), bulk(value))
  }
  return array([bulk(String(step.cursor)), array(items)])
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const hashCommands: CommandSpec[] = [
  {
    name: 'hset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Set the string value of a hash field',
    since: '2.0.0',
    complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'field_value', type: 'block', multiple: true, arguments: [
        { name: 'field', type: 'string' },
        { name: 'value', type: 'string' },
      ] },
    ],
    handler: hsetCommand,
  },
  {
    name: 'hsetnx',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Set the value of a hash field, only if the field does not exist',
    since: '2.0.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ],
    handler: hsetnxCommand,
  },
  {
    name: 'hget',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Get the value of a hash field',
    since: '2.0.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'field', type: 'string' },
    ],
    handler: hgetCommand,
  },
  {
    name: 'hmget',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Get the values of all the given hash fields',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being requested.',
    keySpecs: [
      {
        flags: ['RO', 'access'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'field', type: 'string', multiple: true },
    ],
    handler: hmgetCommand,
  },
  {
    name: 'hmset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Set multiple hash fields to multiple values',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being set.',
    docFlags: ['deprecated'],
    deprecatedSince: '4.0.0',
    replacedBy: '`HSET` with multiple field-value pairs',
    keySpecs: [
      {
        flags: ['RW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'field_value', type: 'block', multiple: true, arguments: [
        { name: 'field', type: 'string' },
        { name: 'value', type: 'string' },
      ] },
    ],
    handler: hmsetCommand,
  },
  {
    name: 'hgetall',
    arity: 2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Get all the fields and values in a hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
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
    handler: hgetallCommand,
  },
  {
    name: 'hdel',
    arity: -3,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Delete one or more hash fields',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields to be removed.',
    history: [['2.4.0', 'Accepts multiple `field` arguments.']],
    keySpecs: [
      {
        flags: ['RW', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'field', type: 'string', multiple: true },
    ],
    handler: hdelCommand,
  },
  {
    name: 'hexists',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Determine if a hash field exists',
    since: '2.0.0',
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
      { name: 'field', type: 'string' },
    ],
    handler: hexistsCommand,
  },
  {
    name: 'hlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Get the number of fields in a hash',
    since: '2.0.0',
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
    handler: hlenCommand,
  },
  {
    name: 'hstrlen',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Get the length of the value of a hash field',
    since: '3.2.0',
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
      { name: 'field', type: 'string' },
    ],
    handler: hstrlenCommand,
  },
  {
    name: 'hkeys',
    arity: 2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Get all the fields in a hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
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
    handler: hkeysCommand,
  },
  {
    name: 'hvals',
    arity: 2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Get all the values in a hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
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
    handler: hvalsCommand,
  },
  {
    name: 'hincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Increment the integer value of a hash field by the given number',
    since: '2.0.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'field', type: 'string' },
      { name: 'increment', type: 'integer' },
    ],
    handler: hincrbyCommand,
  },
  {
    name: 'hincrbyfloat',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Increment the float value of a hash field by the given amount',
    since: '2.6.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'field', type: 'string' },
      { name: 'increment', type: 'double' },
    ],
    handler: hincrbyfloatCommand,
  },
  {
    name: 'hrandfield',
    arity: -2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Get one or multiple random fields from a hash',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of fields returned',
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
      { name: 'options', type: 'block', optional: true, arguments: [
        { name: 'count', type: 'integer' },
        { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', optional: true },
      ] },
    ],
    handler: hrandfieldCommand,
  },
  {
    name: 'hscan',
    arity: -3,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'hash',
    summary: 'Incrementally iterate hash fields and associated values',
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
    handler: hscanCommand,
  },
]
