/**
 * DUMP and RESTORE (cluster.c) with Redis 7.0's payload format, so payloads
 * move between Tandem and real Redis in both directions.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { ERR_NOT_INTEGER, ERR_SYNTAX, NULL_BULK, OK, bulk, error } from '../protocol/replies'
import { createDumpPayload, parseDumpPayload, verifyDumpPayload } from '../persistence/dump-payload'
import { fromPortable, limitsFromConfig, toPortable } from '../persistence/value-bridge'
import type { AccessState } from '../store/access-clock'
import { lfuMinutes } from '../store/access-clock'
import { isToken, parseInt64 } from './parse'
import { policyClass } from './keyspace-helpers'
import type { CommandSpec } from './types'
import { propagateAs } from '../replication/propagation'

const ERR_BUSYKEY = error('BUSYKEY Target key name already exists.')
const ERR_BAD_PAYLOAD = error('ERR DUMP payload version or checksum are wrong')
const ERR_BAD_FORMAT = error('ERR Bad data format')

function dumpCommand(ctx: CommandContext): Reply {
  const value = ctx.db.lookupRead(ctx.argv[1])
  if (value === undefined) return NULL_BULK
  const portable = toPortable(value)
  if (portable === null) return error(`ERR DUMP of a ${value.type} value is not supported yet`)
  return bulk(createDumpPayload(portable, limitsFromConfig(ctx.server.config)))
}

function restoreCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  let replace = false
  let absttl = false
  let idle = -1n
  let freq = -1n
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1
    if (isToken(argv[j], 'REPLACE')) replace = true
    else if (isToken(argv[j], 'ABSTTL')) absttl = true
    else if (isToken(argv[j], 'IDLETIME') && additional >= 1 && freq === -1n) {
      const v = parseInt64(argv[j + 1])
      if (v === null) return ERR_NOT_INTEGER
      if (v < 0n) return error('ERR Invalid IDLETIME value, must be >= 0')
      idle = v
      j++
    } else if (isToken(argv[j], 'FREQ') && additional >= 1 && idle === -1n) {
      const v = parseInt64(argv[j + 1])
      if (v === null) return ERR_NOT_INTEGER
      if (v < 0n || v > 255n) return error('ERR Invalid FREQ value, must be >= 0 and <= 255')
      freq = v
      j++
    } else return ERR_SYNTAX
  }
  const key = argv[1]
  if (!replace && ctx.db.lookupWrite(key) !== undefined) return ERR_BUSYKEY
  const ttlArg = parseInt64(argv[2])
  if (ttlArg === null) return ERR_NOT_INTEGER
  if (ttlArg < 0n) return error('ERR Invalid TTL value, must be >= 0')
  const payload = argv[3]
  if (!verifyDumpPayload(payload)) return ERR_BAD_PAYLOAD
  const portable = parseDumpPayload(payload)
  const value = portable === null ? null : fromPortable(portable, limitsFromConfig(ctx.server.config))
  if (value === null) return ERR_BAD_FORMAT

  const deleted = replace ? ctx.db.delete(key) : false
  let ttl = Number(ttlArg)
  if (ttl !== 0 && !absttl) ttl += ctx.server.now()
  if (ttl !== 0 && ttl <= ctx.server.now() && ctx.db.canDeleteExpired()) {
    // Already expired: Redis skips the key (and counts the REPLACE deletion as the write).
    if (deleted) {
      ctx.server.dirty++
      propagateAs(ctx, [ctx.server.config.bool('lazyfree-lazy-server-del') ? 'UNLINK' : 'DEL', key])
    }
    return OK
  }
  ctx.db.set(key, value)
  if (ttl !== 0) ctx.db.setExpire(key, ttl)
  applyAccessHints(ctx, key, idle, freq)
  ctx.db.signalModified(key)
  ctx.server.dirty++
  // A relative TTL is replayed as the absolute time it resolved to.
  if (ttl !== 0 && !absttl) propagateAs(ctx, [...argv.slice(0, 2), ttl, ...argv.slice(3), 'ABSTTL'])
  return OK
}

/** objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLETIME otherwise. */
function applyAccessHints(ctx: CommandContext, key: Buffer, idle: bigint, freq: bigint): void {
  if (idle < 0n && freq < 0n) return
  const state = ctx.db.memory.access(key.toString('latin1')) as AccessState | undefined
  if (state === undefined) return
  const now = ctx.server.now()
  if (policyClass(ctx.server.config) === 'lfu') {
    if (freq >= 0n) {
      state.counter = Number(freq)
      state.decrementMinute = lfuMinutes(now)
    }
  } else if (idle >= 0n) {
    state.lastAccess = now - Number(idle) * 1000
  }
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const dumpCommands: CommandSpec[] = [
  {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Return a serialized version of the value stored at the specified key.',
    since: '2.6.0',
    complexity: 'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    // ACL categories: @keyspace @read @slow
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
    ],
    handler: dumpCommand,
  },
  {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    group: 'generic',
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    since: '2.6.0',
    complexity: 'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
    // ACL categories: @keyspace @write @slow @dangerous
    extraCategories: ['dangerous'],
    history: [['3.0.0', 'Added the `REPLACE` modifier.'], ['5.0.0', 'Added the `ABSTTL` modifier.'], ['5.0.0', 'Added the `IDLETIME` and `FREQ` options.']],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        beginSearch: { index: 1 },
        findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key' },
      { name: 'ttl', type: 'integer' },
      { name: 'serialized-value', type: 'string' },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', since: '3.0.0', optional: true },
      { name: 'absttl', type: 'pure-token', token: 'ABSTTL', since: '5.0.0', optional: true },
      { name: 'seconds', type: 'integer', token: 'IDLETIME', since: '5.0.0', optional: true },
      { name: 'frequency', type: 'integer', token: 'FREQ', since: '5.0.0', optional: true },
    ],
    handler: restoreCommand,
  },
]
