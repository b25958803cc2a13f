/**
 * COPY, MOVE, SWAPDB, EXPIRETIME, PEXPIRETIME and LASTSAVE (db.c, expire.c),
 * replying exactly as Redis 7.0.15.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { ERR_DB_INDEX, ERR_SYNTAX, OK, ONE, ZERO, error, int } from '../protocol/replies'
import type { Database } from '../store/database'
import { isToken } from './parse'
import { cloneValue, intArg, isReply } from './keyspace-helpers'
import type { CommandSpec } from './types'

const ERR_SAME_OBJECT = error('ERR source and destination objects are the same')

function databaseAt(ctx: CommandContext, index: number): Database | undefined {
  return index >= 0 && index < ctx.server.databases.length ? ctx.server.databases[index] : undefined
}

function copyCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const src = ctx.db
  let dst = ctx.db
  let replace = false
  for (let j = 3; j < argv.length; j++) {
    const additional = argv.length - j - 1
    if (isToken(argv[j], 'REPLACE')) replace = true
    else if (isToken(argv[j], 'DB') && additional >= 1) {
      const id = intArg(argv[j + 1])
      if (isReply(id)) return id
      const db = databaseAt(ctx, id)
      if (db === undefined) return ERR_DB_INDEX
      dst = db
      j++
    } else return ERR_SYNTAX
  }
  const [, key, newkey] = argv
  if (src === dst && key.equals(newkey)) return ERR_SAME_OBJECT
  const value = src.lookupRead(key)
  if (value === undefined) return ZERO
  const expire = src.getExpire(key)
  if (dst.lookupWrite(newkey) !== undefined && !replace) return ZERO
  const copy = cloneValue(value, ctx.server.config)
  if (copy === null) return error(`ERR COPY of a ${value.type} value is not supported yet`)
  dst.set(newkey, copy)
  if (expire !== undefined) dst.setExpire(newkey, expire)
  dst.signalModified(newkey)
  ctx.server.dirty++
  return ONE
}

function moveCommand(ctx: CommandContext): Reply {
  const [, key, target] = ctx.argv
  const id = intArg(target)
  if (isReply(id)) return id
  const dst = databaseAt(ctx, id)
  if (dst === undefined) return ERR_DB_INDEX
  const src = ctx.db
  if (src === dst) return ERR_SAME_OBJECT
  const value = src.lookupWrite(key)
  if (value === undefined) return ZERO
  const expire = src.getExpire(key)
  if (dst.lookupWrite(key) !== undefined) return ZERO
  dst.set(key, value)
  if (expire !== undefined) dst.setExpire(key, expire)
  src.delete(key)
  dst.signalModified(key)
  ctx.server.dirty++
  return ONE
}

function swapdbCommand(ctx: CommandContext): Reply {
  const id1 = intArg(ctx.argv[1], 'invalid first DB index')
  if (isReply(id1)) return id1
  const id2 = intArg(ctx.argv[2], 'invalid second DB index')
  if (isReply(id2)) return id2
  const a = databaseAt(ctx, id1)
  const b = databaseAt(ctx, id2)
  if (a === undefined || b === undefined) return ERR_DB_INDEX
  // dbSwapDatabases: O(1); WATCH, blocked clients and snapshots follow through the Database's listeners.
  a.swapContents(b)
  ctx.server.dirty++
  return OK
}

/** ttlGenericCommand with output_abs: the absolute expire time, -1 without one, -2 without the key. */
function expiretimeGeneric(ctx: CommandContext, milliseconds: boolean): Reply {
  const key = ctx.argv[1]
  if (!ctx.db.has(key)) {
    ctx.server.stats.keyspaceMisses++
    return int(-2)
  }
  ctx.server.stats.keyspaceHits++
  const expire = ctx.db.getExpire(key)
  if (expire === undefined) return int(-1)
  const at = Math.max(0, expire)
  return int(milliseconds ? at : Math.floor((at + 500) / 1000))
}

function expiretimeCommand(ctx: CommandContext): Reply {
  return expiretimeGeneric(ctx, false)
}

function pexpiretimeCommand(ctx: CommandContext): Reply {
  return expiretimeGeneric(ctx, true)
}

/** The last successful save; until the server saves, its start time (as INFO rdb_last_save_time). */
function lastsaveCommand(ctx: CommandContext): Reply {
  return int(ctx.server.persistence?.lastSaveTime ?? Math.floor(ctx.server.core.startedAt / 1000))
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const keyspaceExtraCommands: CommandSpec[] = [
  {
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'generic',
    summary: 'Copy a key',
    since: '6.2.0',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    // ACL categories: @keyspace @write @slow
    keySpecs: [
      {
        flags: ['RO', 'access'],
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
      { name: 'source', type: 'key' },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      { name: 'destination-db', type: 'integer', token: 'DB', optional: true },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
    ],
    handler: copyCommand,
  },
  {
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Move a key to another database',
    since: '1.0.0',
    complexity: 'O(1)',
    // ACL categories: @keyspace @write @fast
    keySpecs: [
      {
        flags: ['RW', 'access', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'db', type: 'integer' },
    ],
    handler: moveCommand,
  },
  {
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    group: 'server',
    summary: 'Swaps two Redis databases',
    since: '4.0.0',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    // ACL categories: @keyspace @write @fast @dangerous
    extraCategories: ['keyspace', 'dangerous'],
    args: [
      { name: 'index1', type: 'integer' },
      { name: 'index2', type: 'integer' },
    ],
    handler: swapdbCommand,
  },
  {
    name: 'expiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Get the expiration Unix timestamp for a key',
    since: '7.0.0',
    complexity: 'O(1)',
    // ACL categories: @keyspace @read @fast
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
    handler: expiretimeCommand,
  },
  {
    name: 'pexpiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Get the expiration Unix timestamp for a key in milliseconds',
    since: '7.0.0',
    complexity: 'O(1)',
    // ACL categories: @keyspace @read @fast
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
    handler: pexpiretimeCommand,
  },
  {
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    group: 'server',
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    // ACL categories: @admin @fast @dangerous
    extraCategories: ['admin', 'dangerous'],
    tips: ['nondeterministic_output'],
    handler: lastsaveCommand,
  },
]
