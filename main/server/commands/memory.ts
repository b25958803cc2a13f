/**
 * MEMORY: USAGE (the per-key figure maxmemory counts in), STATS, DOCTOR,
 * MALLOC-STATS, PURGE, HELP — replies as Redis 7.0.15 gives them.
 * Declarations generated from COMMAND INFO / COMMAND DOCS of a real redis-server.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import type { CommandSpec } from './types'
import { ERR_NOT_INTEGER, ERR_SYNTAX, error } from '../protocol/replies'
import { keyUsage } from '../store/memory-size'
import { isToken } from './parse'

const HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
]

/** memoryCommand's doctor below 5 MB allocated, and its all-clear report. */
const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
const DOCTOR_FINE = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
const DOCTOR_MIN_BYTES = 5 * 1024 * 1024

const ERR_NO_ACCOUNTING = error('ERR memory accounting is not available')

function memoryUsage(ctx: CommandContext): Reply {
  let samples = 5
  for (let j = 3; j < ctx.argv.length; j++) {
    if (isToken(ctx.argv[j].toString('latin1'), 'samples') && j + 1 < ctx.argv.length) {
      const text = ctx.argv[++j].toString('latin1')
      if (!/^-?(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text))) return ERR_NOT_INTEGER
      samples = Number(text)
      if (samples < 0) return ERR_SYNTAX
    } else {
      return ERR_SYNTAX
    }
  }
  // Redis reads the dict directly here: no lazy expiry, no LRU/LFU touch.
  const key = ctx.argv[2].toString('latin1')
  const value = ctx.db.peek(key)
  if (value === undefined) return { t: 'nullBulk' }
  return { t: 'int', v: keyUsage(key, value, samples) }
}

function memoryStats(ctx: CommandContext): Reply {
  return ctx.server.memory?.statsReply() ?? ERR_NO_ACCOUNTING
}

function memoryDoctor(ctx: CommandContext): Reply {
  const used = ctx.server.memory?.usedMemory() ?? 0
  return { t: 'verbatim', format: 'txt', v: used < DOCTOR_MIN_BYTES ? DOCTOR_EMPTY : DOCTOR_FINE }
}

const NONDETERMINISTIC_ALL_SHARDS = ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special']

export const memoryCommands: CommandSpec[] = [
  {
    name: 'memory',
    arity: -2,
    flags: [],
    group: 'server',
    summary: 'A container for memory diagnostics commands',
    since: '4.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'memory|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '4.0.0',
        complexity: 'O(1)',
        handler: () => ({ t: 'array', v: HELP.map((line) => ({ t: 'simple', v: line })) }),
      },
      {
        name: 'memory|doctor',
        arity: 2,
        flags: [],
        group: 'server',
        summary: 'Outputs memory problems report',
        since: '4.0.0',
        complexity: 'O(1)',
        tips: NONDETERMINISTIC_ALL_SHARDS,
        handler: memoryDoctor,
      },
      {
        name: 'memory|malloc-stats',
        arity: 2,
        flags: [],
        group: 'server',
        summary: 'Show allocator internal stats',
        since: '4.0.0',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: NONDETERMINISTIC_ALL_SHARDS,
        handler: () => ({ t: 'verbatim', format: 'txt', v: 'Stats not supported for the current allocator' }),
      },
      {
        name: 'memory|stats',
        arity: 2,
        flags: [],
        group: 'server',
        summary: 'Show memory usage details',
        since: '4.0.0',
        complexity: 'O(1)',
        tips: NONDETERMINISTIC_ALL_SHARDS,
        handler: memoryStats,
      },
      {
        name: 'memory|purge',
        arity: 2,
        flags: [],
        group: 'server',
        summary: 'Ask the allocator to release memory',
        since: '4.0.0',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        handler: () => ({ t: 'simple', v: 'OK' }),
      },
      {
        name: 'memory|usage',
        arity: -3,
        flags: ['readonly'],
        keys: { first: 2, last: 2, step: 1 },
        keySpecs: [{ flags: ['RO'], beginSearch: { index: 2 }, findKeys: { range: { lastkey: 0, keystep: 1, limit: 0 } } }],
        group: 'server',
        summary: 'Estimate the memory usage of a key',
        since: '4.0.0',
        complexity: 'O(N) where N is the number of samples.',
        args: [
          { name: 'key', type: 'key' },
          { name: 'count', type: 'integer', token: 'SAMPLES', optional: true },
        ],
        handler: memoryUsage,
      },
    ],
  },
]
