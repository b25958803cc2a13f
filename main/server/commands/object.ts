/** OBJECT ENCODING / FREQ / IDLETIME / REFCOUNT / HELP (object.c), replying as Redis 7.0.15. */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { NULL_BULK, bulk, error, int, simple } from '../protocol/replies'
import type { RedisValue } from '../store/values'
import { listEncoding } from '../store/list'
import { zsetEncoding } from '../store/zset'
import { hashEncoding } from '../store/hash'
import { setEncoding } from '../store/set'
import { idleMs, lfuDecayed } from '../store/access-clock'
import { canonicalInt64 } from '../persistence/rdb-format'
import { policyClass } from './keyspace-helpers'
import type { CommandSpec } from './types'

const OBJ_SHARED_INTEGERS = 10000n
const OBJ_SHARED_REFCOUNT = 2147483647
const OBJ_ENCODING_EMBSTR_SIZE_LIMIT = 44

const ERR_NO_LFU = error(
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
)
const ERR_LFU_NO_IDLE = error(
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
)

/** tryObjectEncoding's outcome for a string: int when it is a canonical long, embstr when short. */
export function stringEncoding(value: Buffer): 'int' | 'embstr' | 'raw' {
  if (value.length <= 20 && canonicalInt64(value) !== null) return 'int'
  return value.length <= OBJ_ENCODING_EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw'
}

/** OBJECT ENCODING's name for any value. */
export function encodingOf(value: RedisValue): string {
  switch (value.type) {
    case 'string':
      return stringEncoding(value.value)
    case 'list':
      return listEncoding(value)
    case 'zset':
      return zsetEncoding(value)
    case 'hash':
      return hashEncoding(value)
    case 'set':
      return setEncoding(value)
    default:
      return 'unknown'
  }
}

/** objectCommandLookup: LOOKUP_NOTOUCH (no LRU/LFU update) but counted as a hit or miss. */
function lookupNoTouch(ctx: CommandContext): RedisValue | undefined {
  const key = ctx.argv[2]
  if (!ctx.db.has(key)) {
    ctx.server.stats.keyspaceMisses++
    return undefined
  }
  ctx.server.stats.keyspaceHits++
  return ctx.db.peek(key)
}

function objectEncodingCommand(ctx: CommandContext): Reply {
  const value = lookupNoTouch(ctx)
  return value === undefined ? NULL_BULK : bulk(encodingOf(value))
}

function objectRefcountCommand(ctx: CommandContext): Reply {
  const value = lookupNoTouch(ctx)
  if (value === undefined) return NULL_BULK
  // Small integers are Redis's shared objects unless an LRU/LFU policy needs per-key access data.
  if (value.type === 'string' && stringEncoding(value.value) === 'int' && policyClass(ctx.server.config) === 'other') {
    const v = canonicalInt64(value.value)
    if (v !== null && v >= 0n && v < OBJ_SHARED_INTEGERS) return int(OBJ_SHARED_REFCOUNT)
  }
  return int(1)
}

function objectIdletimeCommand(ctx: CommandContext): Reply {
  const value = lookupNoTouch(ctx)
  if (value === undefined) return NULL_BULK
  if (policyClass(ctx.server.config) === 'lfu') return ERR_LFU_NO_IDLE
  const state = ctx.db.memory.access(ctx.argv[2].toString('latin1'))
  return int(state === undefined ? 0 : Math.floor(idleMs(state, ctx.server.now()) / 1000))
}

function objectFreqCommand(ctx: CommandContext): Reply {
  const value = lookupNoTouch(ctx)
  if (value === undefined) return NULL_BULK
  if (policyClass(ctx.server.config) !== 'lfu') return ERR_NO_LFU
  const state = ctx.db.memory.access(ctx.argv[2].toString('latin1'))
  return int(state === undefined ? 0 : lfuDecayed(state, ctx.server.now(), ctx.db.memory.tuning))
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
]

function objectHelpCommand(): Reply {
  return { t: 'array', v: OBJECT_HELP.map(simple) }
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const objectCommands: CommandSpec[] = [
  {
    name: 'object',
    arity: -2,
    flags: [],
    group: 'generic',
    summary: 'A container for object introspection commands',
    since: '2.2.3',
    complexity: 'Depends on subcommand.',
    // ACL categories: @slow (derived but absent: @keyspace)
    subcommands: [
      {
        name: 'object|idletime',
        arity: 3,
        flags: ['readonly'],
        keys: { first: 2, last: 2, step: 1 },
        group: 'generic',
        summary: 'Get the time since a Redis object was last accessed',
        since: '2.2.3',
        complexity: 'O(1)',
        // ACL categories: @keyspace @read @slow
        tips: ['nondeterministic_output'],
        keySpecs: [
          {
            flags: ['RO'],
            beginSearch: { index: 2 },
            findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
          },
        ],
        args: [
          { name: 'key', type: 'key' },
        ],
        handler: objectIdletimeCommand,
      },
      {
        name: 'object|freq',
        arity: 3,
        flags: ['readonly'],
        keys: { first: 2, last: 2, step: 1 },
        group: 'generic',
        summary: 'Get the logarithmic access frequency counter of a Redis object',
        since: '4.0.0',
        complexity: 'O(1)',
        // ACL categories: @keyspace @read @slow
        tips: ['nondeterministic_output'],
        keySpecs: [
          {
            flags: ['RO'],
            beginSearch: { index: 2 },
            findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
          },
        ],
        args: [
          { name: 'key', type: 'key' },
        ],
        handler: objectFreqCommand,
      },
      {
        name: 'object|encoding',
        arity: 3,
        flags: ['readonly'],
        keys: { first: 2, last: 2, step: 1 },
        group: 'generic',
        summary: 'Inspect the internal encoding of a Redis object',
        since: '2.2.3',
        complexity: 'O(1)',
        // ACL categories: @keyspace @read @slow
        tips: ['nondeterministic_output'],
        keySpecs: [
          {
            flags: ['RO'],
            beginSearch: { index: 2 },
            findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
          },
        ],
        args: [
          { name: 'key', type: 'key' },
        ],
        handler: objectEncodingCommand,
      },
      {
        name: 'object|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'generic',
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        complexity: 'O(1)',
        // ACL categories: @keyspace @slow
        handler: objectHelpCommand,
      },
      {
        name: 'object|refcount',
        arity: 3,
        flags: ['readonly'],
        keys: { first: 2, last: 2, step: 1 },
        group: 'generic',
        summary: 'Get the number of references to the value of the key',
        since: '2.2.3',
        complexity: 'O(1)',
        // ACL categories: @keyspace @read @slow
        tips: ['nondeterministic_output'],
        keySpecs: [
          {
            flags: ['RO'],
            beginSearch: { index: 2 },
            findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } },
          },
        ],
        args: [
          { name: 'key', type: 'key' },
        ],
        handler: objectRefcountCommand,
      },
    ],
  },
]
