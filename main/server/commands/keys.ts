/**
 * Generic key commands (db.c, expire.c), replying exactly as Redis 7.0.15.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import {
  ERR_NOT_INTEGER,
  ERR_NO_SUCH_KEY,
  ERR_SYNTAX,
  NULL_BULK,
  OK,
  ONE,
  ZERO,
  bulk,
  error,
  int,
  simple,
} from '../protocol/replies'
import { keyBuffer } from '../store/database'
import { globMatch } from '../store/glob'
import { cString, isToken, keyExpireAt, parseInt64 } from './parse'
import type { CommandSpec } from './types'
import { propagateAs } from '../replication/propagation'

const ERR_INVALID_CURSOR = error('ERR invalid cursor')
const ERR_EXPIRE_NX_INCOMPATIBLE = error('ERR NX and XX, GT or LT options at the same time are not compatible')
const ERR_EXPIRE_GT_LT = error('ERR GT and LT options at the same time are not compatible')

const errInvalidExpireTime = (command: string): Reply => error(`ERR invalid expire time in '${command}' command`)

/** addReplyError's sanitising: a reply line cannot carry CR/LF. */
function errorText(text: string): string {
  return text.replace(/[\r\n]/g, ' ')
}

function delGeneric(ctx: CommandContext): Reply {
  let deleted = 0
  for (let j = 1; j < ctx.argv.length; j++) {
    if (ctx.db.delete(ctx.argv[j])) {
      ctx.server.dirty++
      deleted++
    }
  }
  return int(deleted)
}

function delCommand(ctx: CommandContext): Reply {
  return delGeneric(ctx)
}

/** UNLINK frees memory in the background in Redis; the reply and keyspace effect are DEL's. */
function unlinkCommand(ctx: CommandContext): Reply {
  return delGeneric(ctx)
}

/** Counts each argument, so a key named twice counts twice. */
function existsCommand(ctx: CommandContext, touch = false): Reply {
  let count = 0
  for (let j = 1; j < ctx.argv.length; j++) if (ctx.db.lookupRead(ctx.argv[j], touch) !== undefined) count++
  return int(count)
}

function touchCommand(ctx: CommandContext): Reply {
  return existsCommand(ctx, true)
}

function typeCommand(ctx: CommandContext): Reply {
  const value = ctx.db.lookupRead(ctx.argv[1], false)
  return simple(value ? value.type : 'none')
}

function keysCommand(ctx: CommandContext): Reply {
  const pattern = ctx.argv[1].toString('latin1')
  const all = pattern === '*'
  const keys: Reply[] = []
  for (const key of ctx.db.liveKeys()) if (all || globMatch(pattern, key)) keys.push(bulk(keyBuffer(key)))
  return { t: 'array', v: keys }
}

/**
 * parseScanCursorOrReply: strtoul(10) over the whole argument — so "" is 0,
 * "+5" is 5 and "-1" wraps to 2^64-1 — rejecting a leading space, trailing
 * bytes and values beyond 2^64-1. Only the low 32 bits reach the table.
 */
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

function scanCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const cursor = parseScanCursor(argv[1])
  if (cursor === null) return ERR_INVALID_CURSOR
  let count = 10
  let pattern: string | undefined
  let typeName: string | undefined
  for (let i = 2; i < argv.length; ) {
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
    } else if (isToken(argv[i], 'TYPE') && remaining >= 2) {
      typeName = cString(argv[i + 1])
      i += 2
    } else return ERR_SYNTAX
  }
  const step = ctx.db.scan(cursor, count)
  const keys: Reply[] = []
  for (const key of step.keys) {
    if (pattern !== undefined && !globMatch(pattern, key)) continue
    if (typeName !== undefined) {
      const value = ctx.db.lookupRead(key, false)
      if (!isToken(typeName, value ? value.type : 'none')) continue
    }
    // Reclaims the key if it is logically expired (SCAN's filter step does the same).
    if (!ctx.db.has(key)) continue
    keys.push(bulk(keyBuffer(key)))
  }
  return { t: 'array', v: [bulk(String(step.cursor)), { t: 'array', v: keys }] }
}

function renameGeneric(ctx: CommandContext, nx: boolean): Reply {
  const [, src, dst] = ctx.argv
  const value = ctx.db.lookupWrite(src)
  if (value === undefined) return ERR_NO_SUCH_KEY
  if (src.equals(dst)) return nx ? ZERO : OK
  const expire = ctx.db.getExpire(src)
  if (ctx.db.lookupWrite(dst) !== undefined) {
    if (nx) return ZERO
  }
  // set() replaces the destination and drops its TTL, as dbDelete + dbAdd do.
  ctx.db.set(dst, value)
  if (expire !== undefined) ctx.db.setExpire(dst, expire)
  ctx.db.delete(src)
  ctx.server.dirty++
  return nx ? ONE : OK
}

function renameCommand(ctx: CommandContext): Reply {
  return renameGeneric(ctx, false)
}

function renamenxCommand(ctx: CommandContext): Reply {
  return renameGeneric(ctx, true)
}

// ---- expiry ----------------------------------------------------------------

interface ExpireFlags {
  nx: boolean
  xx: boolean
  gt: boolean
  lt: boolean
}

/** expire.c parseExtendedExpireArgumentsOrReply. */
function parseExpireFlags(argv: readonly Buffer[]): ExpireFlags | Reply {
  const f: ExpireFlags = { nx: false, xx: false, gt: false, lt: false }
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]
    if (isToken(opt, 'NX')) f.nx = true
    else if (isToken(opt, 'XX')) f.xx = true
    else if (isToken(opt, 'GT')) f.gt = true
    else if (isToken(opt, 'LT')) f.lt = true
    else return error(errorText(`ERR Unsupported option ${cString(opt)}`))
  }
  if (f.nx && (f.xx || f.gt || f.lt)) return ERR_EXPIRE_NX_INCOMPATIBLE
  if (f.gt && f.lt) return ERR_EXPIRE_GT_LT
  return f
}

/** expireGenericCommand; `basetime` is now for EXPIRE/PEXPIRE and 0 for the *AT forms. */
function expireGeneric(ctx: CommandContext, command: string, relative: boolean, unit: 'seconds' | 'milliseconds'): Reply {
  const key = ctx.argv[1]
  const flags = parseExpireFlags(ctx.argv)
  if ('t' in flags) return flags
  const when = keyExpireAt(ctx.argv[2], unit, relative ? ctx.server.now() : 0)
  if (when === 'not-integer') return ERR_NOT_INTEGER
  if (when === 'invalid') return errInvalidExpireTime(command)
  if (ctx.db.lookupWrite(key) === undefined) return ZERO
  const current = ctx.db.getExpire(key)
  if (flags.nx && current !== undefined) return ZERO
  if (flags.xx && current === undefined) return ZERO
  // No TTL counts as an infinite one: GT never beats it, LT always does.
  if (flags.gt && (current === undefined || when <= current)) return ZERO
  if (flags.lt && current !== undefined && when >= current) return ZERO
  if (when <= ctx.server.now() && ctx.db.canDeleteExpired()) {
    ctx.db.delete(key)
    propagateAs(ctx, [ctx.server.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key])
  } else {
    ctx.db.setExpire(key, when)
    ctx.db.signalModified(key)
    // Replayed as an absolute time (flags kept), so a replica or a reloaded AOF expires the key at the same moment.
    if (relative || unit === 'seconds') propagateAs(ctx, ['PEXPIREAT', key, when, ...ctx.argv.slice(3)])
  }
  ctx.server.dirty++
  return ONE
}

function expireCommand(ctx: CommandContext): Reply {
  return expireGeneric(ctx, 'expire', true, 'seconds')
}

function pexpireCommand(ctx: CommandContext): Reply {
  return expireGeneric(ctx, 'pexpire', true, 'milliseconds')
}

function expireatCommand(ctx: CommandContext): Reply {
  return expireGeneric(ctx, 'expireat', false, 'seconds')
}

function pexpireatCommand(ctx: CommandContext): Reply {
  return expireGeneric(ctx, 'pexpireat', false, 'milliseconds')
}

function ttlGeneric(ctx: CommandContext, milliseconds: boolean): Reply {
  const key = ctx.argv[1]
  if (ctx.db.lookupRead(key, false) === undefined) return int(-2)
  const expire = ctx.db.getExpire(key)
  if (expire === undefined) return int(-1)
  const ttl = Math.max(0, expire - ctx.server.now())
  return int(milliseconds ? ttl : Math.floor((ttl + 500) / 1000))
}

function ttlCommand(ctx: CommandContext): Reply {
  return ttlGeneric(ctx, false)
}

function pttlCommand(ctx: CommandContext): Reply {
  return ttlGeneric(ctx, true)
}

function persistCommand(ctx: CommandContext): Reply {
  const key = ctx.argv[1]
  if (ctx.db.lookupWrite(key) === undefined) return ZERO
  if (!ctx.db.removeExpire(key)) return ZERO
  ctx.db.signalModified(key)
  ctx.server.dirty++
  return ONE
}

function randomkeyCommand(ctx: CommandContext): Reply {
  const key = ctx.db.randomKey()
  return key === undefined ? NULL_BULK : bulk(keyBuffer(key))
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const keyCommands: CommandSpec[] = [
  {
    name: 'del',
    arity: -2,
    flags: ['write'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'generic',
    summary: 'Delete a key',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [
      {
        flags: ['RM', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true },
    ],
    handler: delCommand,
  },
  {
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'generic',
    summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    since: '4.0.0',
    complexity: 'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [
      {
        flags: ['RM', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true },
    ],
    handler: unlinkCommand,
  },
  {
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'generic',
    summary: 'Determine if a key exists',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to check.',
    history: [['3.0.3', 'Accepts multiple `key` arguments.']],
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [
      {
        flags: ['RO'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true },
    ],
    handler: existsCommand,
  },
  {
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Determine the type stored at key',
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
    handler: typeCommand,
  },
  {
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    group: 'generic',
    summary: 'Find all keys matching the given pattern',
    since: '1.0.0',
    complexity: 'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    extraCategories: ['dangerous'],
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    args: [
      { name: 'pattern', type: 'pattern' },
    ],
    handler: keysCommand,
  },
  {
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    group: 'generic',
    summary: 'Incrementally iterate the keys space',
    since: '2.8.0',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    history: [['6.0.0', 'Added the `TYPE` subcommand.']],
    tips: ['nondeterministic_output', 'request_policy:special'],
    args: [
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
      { name: 'type', type: 'string', token: 'TYPE', since: '6.0.0', optional: true },
    ],
    handler: scanCommand,
  },
  {
    name: 'rename',
    arity: 3,
    flags: ['write'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'generic',
    summary: 'Rename a key',
    since: '1.0.0',
    complexity: 'O(1)',
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        beginSearch: { index: 2 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'newkey', type: 'key', keySpecIndex: 1 },
    ],
    handler: renameCommand,
  },
  {
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'generic',
    summary: 'Rename a key, only if the new key does not exist',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['3.2.0', 'The command no longer returns an error when source and destination names are the same.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'insert'],
        beginSearch: { index: 2 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'newkey', type: 'key', keySpecIndex: 1 },
    ],
    handler: renamenxCommand,
  },
  {
    name: 'expire',
    arity: -3,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Set a key\'s time to live in seconds',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    args: [
      { name: 'key', type: 'key' },
      { name: 'seconds', type: 'integer' },
      { name: 'condition', type: 'oneof', since: '7.0.0', optional: true, arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ] },
    ],
    handler: expireCommand,
  },
  {
    name: 'pexpire',
    arity: -3,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Set a key\'s time to live in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    args: [
      { name: 'key', type: 'key' },
      { name: 'milliseconds', type: 'integer' },
      { name: 'condition', type: 'oneof', since: '7.0.0', optional: true, arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ] },
    ],
    handler: pexpireCommand,
  },
  {
    name: 'expireat',
    arity: -3,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Set the expiration for a key as a UNIX timestamp',
    since: '1.2.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    args: [
      { name: 'key', type: 'key' },
      { name: 'unix-time-seconds', type: 'unix-time' },
      { name: 'condition', type: 'oneof', since: '7.0.0', optional: true, arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ] },
    ],
    handler: expireatCommand,
  },
  {
    name: 'pexpireat',
    arity: -3,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    args: [
      { name: 'key', type: 'key' },
      { name: 'unix-time-milliseconds', type: 'unix-time' },
      { name: 'condition', type: 'oneof', since: '7.0.0', optional: true, arguments: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ] },
    ],
    handler: pexpireatCommand,
  },
  {
    name: 'ttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Get the time to live for a key in seconds',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['2.8.0', 'Added the -2 reply.']],
    tips: ['nondeterministic_output'],
    args: [
      { name: 'key', type: 'key' },
    ],
    handler: ttlCommand,
  },
  {
    name: 'pttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Get the time to live for a key in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [['2.8.0', 'Added the -2 reply.']],
    tips: ['nondeterministic_output'],
    args: [
      { name: 'key', type: 'key' },
    ],
    handler: pttlCommand,
  },
  {
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Remove the expiration from a key',
    since: '2.2.0',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key' },
    ],
    handler: persistCommand,
  },
  {
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    group: 'generic',
    summary: 'Return a random key from the keyspace',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    handler: randomkeyCommand,
  },
  {
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'generic',
    summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    since: '3.2.1',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    keySpecs: [
      {
        flags: ['RO'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true },
    ],
    handler: touchCommand,
  },
]
