/**
 * The string commands (t_string.c), replying exactly as Redis 7.0.15 does.
 * Values are stored as copies of the argument bytes: argv may be a view into
 * the connection's read buffer, which must not be retained or shared.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import {
  ERR_NOT_INTEGER,
  ERR_OVERFLOW,
  ERR_SYNTAX,
  ERR_WRONGTYPE,
  NULL_BULK,
  OK,
  ONE,
  ZERO,
  bulk,
  error,
  errWrongArity,
  int,
} from '../protocol/replies'
import type { StringValue } from '../store/values'
import { extendString, stringValue, stringValueOfText } from '../store/values'
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../store/long-double'
import { INT64_MAX, INT64_MIN, isToken, parseInt64, stringExpireAt } from './parse'
import type { CommandSpec } from './types'
import { propagateAs } from '../replication/propagation'

const ERR_NOT_FLOAT = error('ERR value is not a valid float')
const ERR_OFFSET_RANGE = error('ERR offset is out of range')
const ERR_STRING_TOO_LONG = error('ERR string exceeds maximum allowed size (proto-max-bulk-len)')
const ERR_NAN_OR_INFINITY = error('ERR increment would produce NaN or Infinity')
const ERR_DECREMENT_OVERFLOW = error('ERR decrement would overflow')

const DEFAULT_PROTO_MAX_BULK_LEN = 512 * 1024 * 1024

export const errInvalidExpireTime = (command: string): Reply =>
  error(`ERR invalid expire time in '${command}' command`)

/** lookupKeyRead + checkType: the string value, undefined when missing, or the WRONGTYPE reply. */
function readString(ctx: CommandContext, key: Buffer): StringValue | undefined | Reply {
  const value = ctx.db.lookupRead(key)
  if (value === undefined) return undefined
  if (value.type !== 'string') return ERR_WRONGTYPE
  return value
}

function writeString(ctx: CommandContext, key: Buffer): StringValue | undefined | Reply {
  const value = ctx.db.lookupWrite(key)
  if (value === undefined) return undefined
  if (value.type !== 'string') return ERR_WRONGTYPE
  return value
}

function isReply(v: StringValue | Reply | undefined): v is Reply {
  return v !== undefined && 't' in v
}

/** t_string.c checkStringLength against proto-max-bulk-len. */
function exceedsMaxLength(ctx: CommandContext, total: number): boolean {
  let limit = DEFAULT_PROTO_MAX_BULK_LEN
  try {
    const configured = ctx.server.config.number('proto-max-bulk-len')
    if (Number.isFinite(configured) && configured > 0) limit = configured
  } catch {
    // Config not wired (tests, early start-up): Redis's default applies.
  }
  return total > limit
}

// ---- SET family --------------------------------------------------------

interface SetOptions {
  nx: boolean
  xx: boolean
  get: boolean
  keepTtl: boolean
  persist: boolean
  expire?: { arg: Buffer; unit: 'seconds' | 'milliseconds'; relative: boolean }
}

/**
 * t_string.c parseExtendedStringArgumentsOrReply: the option grammar shared
 * by SET (from argv[3]) and GETEX (from argv[2]), with the same exclusions.
 */
function parseStringOptions(argv: readonly Buffer[], forSet: boolean): SetOptions | Reply {
  const o: SetOptions = { nx: false, xx: false, get: false, keepTtl: false, persist: false }
  const hasExpire = (): boolean => o.expire !== undefined
  const expireIs = (unit: 'seconds' | 'milliseconds', relative: boolean): boolean =>
    o.expire !== undefined && o.expire.unit === unit && o.expire.relative === relative
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j]
    const next = j + 1 < argv.length ? argv[j + 1] : undefined
    const expireCompatible = (unit: 'seconds' | 'milliseconds', relative: boolean): boolean =>
      !o.keepTtl && !o.persist && (!hasExpire() || expireIs(unit, relative)) && next !== undefined
    if (forSet && isToken(opt, 'NX') && !o.xx) o.nx = true
    else if (forSet && isToken(opt, 'XX') && !o.nx) o.xx = true
    else if (forSet && isToken(opt, 'GET')) o.get = true
    else if (forSet && isToken(opt, 'KEEPTTL') && !o.persist && !hasExpire()) o.keepTtl = true
    else if (!forSet && isToken(opt, 'PERSIST') && !hasExpire() && !o.keepTtl) o.persist = true
    else if (isToken(opt, 'EX') && expireCompatible('seconds', true) && next) {
      o.expire = { arg: next, unit: 'seconds', relative: true }
      j++
    } else if (isToken(opt, 'PX') && expireCompatible('milliseconds', true) && next) {
      o.expire = { arg: next, unit: 'milliseconds', relative: true }
      j++
    } else if (isToken(opt, 'EXAT') && expireCompatible('seconds', false) && next) {
      o.expire = { arg: next, unit: 'seconds', relative: false }
      j++
    } else if (isToken(opt, 'PXAT') && expireCompatible('milliseconds', false) && next) {
      o.expire = { arg: next, unit: 'milliseconds', relative: false }
      j++
    } else return ERR_SYNTAX
  }
  return o
}

/** The absolute expire time, or the error reply for `command`. */
function expireTimeOrReply(ctx: CommandContext, o: SetOptions, command: string): number | Reply | undefined {
  if (!o.expire) return undefined
  const at = stringExpireAt(o.expire.arg, o.expire.unit, o.expire.relative, ctx.server.now())
  if (at === 'not-integer') return ERR_NOT_INTEGER
  if (at === 'invalid') return errInvalidExpireTime(command)
  return at
}

/**
 * setGenericCommand. `okReply`/`abortReply` let SETNX answer 1/0 where SET
 * answers OK/nil.
 */
function setGeneric(
  ctx: CommandContext,
  command: string,
  o: SetOptions,
  key: Buffer,
  value: Buffer,
  okReply: Reply = OK,
  abortReply: Reply = NULL_BULK,
): Reply {
  const at = expireTimeOrReply(ctx, o, command)
  if (typeof at === 'object') return at
  let previous: Reply | undefined
  if (o.get) {
    const old = readString(ctx, key)
    if (isReply(old)) return old
    previous = old ? bulk(old.value) : NULL_BULK
  }
  const found = ctx.db.lookupWrite(key) !== undefined
  if ((o.nx && found) || (o.xx && !found)) return previous ?? abortReply
  ctx.db.set(key, stringValue(value), o.keepTtl)
  ctx.server.dirty++
  if (at !== undefined) {
    ctx.db.setExpire(key, at)
    // Replayed later, a relative TTL would be counted from the wrong moment; other options are moot once the key is set.
    propagateAs(ctx, ['SET', key, value, 'PXAT', at])
  }
  return previous ?? okReply
}

function getCommand(ctx: CommandContext): Reply {
  const value = readString(ctx, ctx.argv[1])
  if (isReply(value)) return value
  return value ? bulk(value.value) : NULL_BULK
}

function setCommand(ctx: CommandContext): Reply {
  const o = parseStringOptions(ctx.argv, true)
  if ('t' in o) return o
  return setGeneric(ctx, 'set', o, ctx.argv[1], ctx.argv[2])
}

const NO_OPTIONS: SetOptions = { nx: false, xx: false, get: false, keepTtl: false, persist: false }

function setnxCommand(ctx: CommandContext): Reply {
  return setGeneric(ctx, 'setnx', { ...NO_OPTIONS, nx: true }, ctx.argv[1], ctx.argv[2], ONE, ZERO)
}

function setexCommand(ctx: CommandContext): Reply {
  const expire = { arg: ctx.argv[2], unit: 'seconds' as const, relative: true }
  return setGeneric(ctx, 'setex', { ...NO_OPTIONS, expire }, ctx.argv[1], ctx.argv[3])
}

function psetexCommand(ctx: CommandContext): Reply {
  const expire = { arg: ctx.argv[2], unit: 'milliseconds' as const, relative: true }
  return setGeneric(ctx, 'psetex', { ...NO_OPTIONS, expire }, ctx.argv[1], ctx.argv[3])
}

function getexCommand(ctx: CommandContext): Reply {
  const o = parseStringOptions(ctx.argv, false)
  if ('t' in o) return o
  const key = ctx.argv[1]
  const value = readString(ctx, key)
  if (isReply(value)) return value
  if (!value) return NULL_BULK
  const at = expireTimeOrReply(ctx, o, 'getex')
  if (typeof at === 'object') return at
  const reply = bulk(value.value)
  if (at !== undefined && o.expire && !o.expire.relative && at <= ctx.server.now() && ctx.db.canDeleteExpired()) {
    // An EXAT/PXAT already in the past deletes the key, as in Redis.
    ctx.db.delete(key)
    ctx.server.dirty++
    propagateAs(ctx, [ctx.server.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key])
  } else if (at !== undefined) {
    ctx.db.setExpire(key, at)
    ctx.db.signalModified(key)
    ctx.server.dirty++
    propagateAs(ctx, ['PEXPIREAT', key, at])
  } else if (o.persist && ctx.db.removeExpire(key)) {
    ctx.db.signalModified(key)
    ctx.server.dirty++
    propagateAs(ctx, ['PERSIST', key])
  }
  return reply
}

function getdelCommand(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  const value = readString(ctx, key)
  if (isReply(value)) return value
  if (!value) return NULL_BULK
  if (ctx.db.delete(key)) {
    ctx.server.dirty++
    propagateAs(ctx, ['DEL', key])
  }
  return bulk(value.value)
}

function mgetCommand(ctx: CommandContext): Reply {
  const replies: Reply[] = []
  for (let j = 1; j < ctx.argv.length; j++) {
    const value = ctx.db.lookupRead(ctx.argv[j])
    replies.push(value && value.type === 'string' ? bulk(value.value) : NULL_BULK)
  }
  return { t: 'array', v: replies }
}

function msetGeneric(ctx: CommandContext, nx: boolean): Reply {
  const argv = ctx.argv
  if (argv.length % 2 === 0) return errWrongArity(nx ? 'msetnx' : 'mset')
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) if (ctx.db.lookupWrite(argv[j]) !== undefined) return ZERO
  }
  for (let j = 1; j < argv.length; j += 2) ctx.db.set(argv[j], stringValue(argv[j + 1]))
  ctx.server.dirty += (argv.length - 1) / 2
  return nx ? ONE : OK
}

function msetCommand(ctx: CommandContext): Reply {
  return msetGeneric(ctx, false)
}

function msetnxCommand(ctx: CommandContext): Reply {
  return msetGeneric(ctx, true)
}

// ---- counters ------------------------------------------------------------

/** incrDecrCommand: the stored value must itself be a string2ll integer. */
function incrDecr(ctx: CommandContext, incr: bigint): Reply {
  const key = ctx.argv[1]
  const current = writeString(ctx, key)
  if (isReply(current)) return current
  const old = current ? parseInt64(current.value) : 0n
  if (old === null) return ERR_NOT_INTEGER
  if ((incr < 0n && old < 0n && incr < INT64_MIN - old) || (incr > 0n && old > 0n && incr > INT64_MAX - old)) {
    return ERR_OVERFLOW
  }
  const next = old + incr
  ctx.db.overwrite(key, stringValueOfText(next.toString()))
  ctx.db.signalModified(key)
  ctx.server.dirty++
  return int(next >= BigInt(Number.MIN_SAFE_INTEGER) && next <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(next) : next)
}

function incrCommand(ctx: CommandContext): Reply {
  return incrDecr(ctx, 1n)
}

function decrCommand(ctx: CommandContext): Reply {
  return incrDecr(ctx, -1n)
}

function incrbyCommand(ctx: CommandContext): Reply {
  const incr = parseInt64(ctx.argv[2])
  if (incr === null) return ERR_NOT_INTEGER
  return incrDecr(ctx, incr)
}

function decrbyCommand(ctx: CommandContext): Reply {
  const decr = parseInt64(ctx.argv[2])
  if (decr === null) return ERR_NOT_INTEGER
  if (decr === INT64_MIN) return ERR_DECREMENT_OVERFLOW
  return incrDecr(ctx, -decr)
}

function incrbyfloatCommand(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  const current = writeString(ctx, key)
  if (isReply(current)) return current
  const value = current ? parseLongDouble(current.value) : parseLongDouble('0')
  if (value === null) return ERR_NOT_FLOAT
  const incr = parseLongDouble(ctx.argv[2])
  if (incr === null) return ERR_NOT_FLOAT
  const sum = addLongDouble(value, incr)
  if (sum.kind !== 'finite') return ERR_NAN_OR_INFINITY
  const text = Buffer.from(formatLongDoubleHuman(sum), 'latin1')
  ctx.db.overwrite(key, stringValue(text))
  ctx.db.signalModified(key)
  ctx.server.dirty++
  // Float arithmetic may differ elsewhere: replicas and the AOF get the result, not the increment.
  propagateAs(ctx, ['SET', key, text, 'KEEPTTL'])
  return bulk(text)
}

// ---- byte ranges -----------------------------------------------------------

function appendCommand(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  const tail = ctx.argv[2]
  const current = writeString(ctx, key)
  if (isReply(current)) return current
  let length: number
  if (!current) {
    ctx.db.set(key, stringValue(tail))
    length = tail.length
  } else {
    if (exceedsMaxLength(ctx, current.length + tail.length)) return ERR_STRING_TOO_LONG
    const next = extendString(current, current.length, tail)
    ctx.db.overwrite(key, next)
    ctx.db.signalModified(key)
    length = next.value.length
  }
  ctx.server.dirty++
  return int(length)
}

function strlenCommand(ctx: CommandContext): Reply {
  const value = readString(ctx, ctx.argv[1])
  if (isReply(value)) return value
  return int(value ? value.value.length : 0)
}

function getrangeCommand(ctx: CommandContext): Reply {
  const startArg = parseInt64(ctx.argv[2])
  if (startArg === null) return ERR_NOT_INTEGER
  const endArg = parseInt64(ctx.argv[3])
  if (endArg === null) return ERR_NOT_INTEGER
  const value = readString(ctx, ctx.argv[1])
  if (isReply(value)) return value
  if (!value) return bulk('')
  const length = BigInt(value.value.length)
  let start = startArg
  let end = endArg
  if (start < 0n && end < 0n && start > end) return bulk('')
  if (start < 0n) start += length
  if (end < 0n) end += length
  if (start < 0n) start = 0n
  if (end < 0n) end = 0n
  if (end >= length) end = length - 1n
  if (start > end || length === 0n) return bulk('')
  return bulk(value.value.subarray(Number(start), Number(end) + 1))
}

function setrangeCommand(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  const patch = ctx.argv[3]
  const offsetArg = parseInt64(ctx.argv[2])
  if (offsetArg === null) return ERR_NOT_INTEGER
  if (offsetArg < 0n) return ERR_OFFSET_RANGE
  const current = writeString(ctx, key)
  if (isReply(current)) return current
  const oldLength = current ? current.length : 0
  if (patch.length === 0) return int(oldLength)
  if (offsetArg + BigInt(patch.length) > BigInt(Number.MAX_SAFE_INTEGER)) return ERR_STRING_TOO_LONG
  const offset = Number(offsetArg)
  if (exceedsMaxLength(ctx, offset + patch.length)) return ERR_STRING_TOO_LONG
  let next: StringValue
  if (current && offset >= oldLength) next = extendString(current, offset, patch)
  else if (!current) next = extendString(stringValue(Buffer.alloc(0)), offset, patch)
  else {
    // Writing inside bytes a queued reply may still reference: build a fresh buffer.
    const bytes = Buffer.alloc(Math.max(oldLength, offset + patch.length))
    current.value.copy(bytes, 0)
    patch.copy(bytes, offset)
    next = stringValue(bytes)
  }
  ctx.db.overwrite(key, next)
  ctx.db.signalModified(key)
  ctx.server.dirty++
  return int(next.value.length)
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const stringCommands: CommandSpec[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Get the value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key' },
    ],
    handler: getCommand,
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Set the string value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'], ['6.0.0', 'Added the `KEEPTTL` option.'], ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'], ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'update', 'variable_flags'],
        notes: 'RW and ACCESS due to the optional `GET` argument',
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'value', type: 'string' },
      { name: 'condition', type: 'oneof', since: '2.6.12', optional: true, arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
      ] },
      { name: 'get', type: 'pure-token', token: 'GET', since: '6.2.0', optional: true },
      { name: 'expiration', type: 'oneof', optional: true, arguments: [
        { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
        { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
        { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
        { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
        { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
      ] },
    ],
    handler: setCommand,
  },
  {
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Set the value of a key, only if the key does not exist',
    since: '1.0.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['OW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'value', type: 'string' },
    ],
    handler: setnxCommand,
  },
  {
    name: 'setex',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Set the value and expiration of a key',
    since: '2.0.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['OW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'seconds', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: setexCommand,
  },
  {
    name: 'psetex',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Set the value and expiration in milliseconds of a key',
    since: '2.6.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['OW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'milliseconds', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: psetexCommand,
  },
  {
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'string',
    summary: 'Get the values of all the given keys',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    tips: ['request_policy:multi_shard'],
    args: [
      { name: 'key', type: 'key', multiple: true },
    ],
    handler: mgetCommand,
  },
  {
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 2 },
    group: 'string',
    summary: 'Set multiple keys to multiple values',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -1, keystep: 2, limit: 0 } },
      },
    ],
    args: [
      { name: 'key_value', type: 'block', multiple: true, arguments: [
        { name: 'key', type: 'key' },
        { name: 'value', type: 'string' },
      ] },
    ],
    handler: msetCommand,
  },
  {
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 2 },
    group: 'string',
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    keySpecs: [
      {
        flags: ['OW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -1, keystep: 2, limit: 0 } },
      },
    ],
    args: [
      { name: 'key_value', type: 'block', multiple: true, arguments: [
        { name: 'key', type: 'key' },
        { name: 'value', type: 'string' },
      ] },
    ],
    handler: msetnxCommand,
  },
  {
    name: 'incr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Increment the integer value of a key by one',
    since: '1.0.0',
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
    ],
    handler: incrCommand,
  },
  {
    name: 'decr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Decrement the integer value of a key by one',
    since: '1.0.0',
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
    ],
    handler: decrCommand,
  },
  {
    name: 'incrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Increment the integer value of a key by the given amount',
    since: '1.0.0',
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
      { name: 'increment', type: 'integer' },
    ],
    handler: incrbyCommand,
  },
  {
    name: 'decrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Decrement the integer value of a key by the given number',
    since: '1.0.0',
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
      { name: 'decrement', type: 'integer' },
    ],
    handler: decrbyCommand,
  },
  {
    name: 'incrbyfloat',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Increment the float value of a key by the given amount',
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
      { name: 'increment', type: 'double' },
    ],
    handler: incrbyfloatCommand,
  },
  {
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Append a value to a key',
    since: '2.0.0',
    complexity: 'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    keySpecs: [
      {
        flags: ['RW', 'insert'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'value', type: 'string' },
    ],
    handler: appendCommand,
  },
  {
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Get the length of the value stored in a key',
    since: '2.2.0',
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
    handler: strlenCommand,
  },
  {
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Get a substring of the string stored at a key',
    since: '2.4.0',
    complexity: 'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    args: [
      { name: 'key', type: 'key' },
      { name: 'start', type: 'integer' },
      { name: 'end', type: 'integer' },
    ],
    handler: getrangeCommand,
  },
  {
    name: 'setrange',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Overwrite part of a string at key starting at the specified offset',
    since: '2.2.0',
    complexity: 'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    args: [
      { name: 'key', type: 'key' },
      { name: 'offset', type: 'integer' },
      { name: 'value', type: 'string' },
    ],
    handler: setrangeCommand,
  },
  {
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Get the value of a key and delete the key',
    since: '6.2.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
    ],
    handler: getdelCommand,
  },
  {
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'string',
    summary: 'Get the value of a key and optionally set its expiration',
    since: '6.2.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        notes: 'RW and UPDATE because it changes the TTL',
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'expiration', type: 'oneof', optional: true, arguments: [
        { name: 'seconds', type: 'integer', token: 'EX' },
        { name: 'milliseconds', type: 'integer', token: 'PX' },
        { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
        { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
        { name: 'persist', type: 'pure-token', token: 'PERSIST' },
      ] },
    ],
    handler: getexCommand,
  },
]
