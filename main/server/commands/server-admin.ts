/** Server commands owned by the core: INFO DBSIZE FLUSHDB FLUSHALL TIME COMMAND SHUTDOWN. */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { ERR_SYNTAX, NULL_BULK, OK, array, bulk, int, map, simple, verbatim } from '../protocol/replies'
import { renderInfo } from '../info'
import { commandDocs, commandInfo, aclCategories } from './command-docs'
import type { CommandSpec } from './types'
import { forcePropagation } from '../replication/propagation'

/** FLUSHDB/FLUSHALL [ASYNC|SYNC]: both run synchronously here. */
function flushMode(ctx: CommandContext): Reply | null {
  if (ctx.argv.length > 2) return ERR_SYNTAX
  if (ctx.argv.length === 2) {
    const mode = ctx.argv[1].toString().toLowerCase()
    if (mode !== 'async' && mode !== 'sync') return ERR_SYNTAX
  }
  return null
}

function flushdb(ctx: CommandContext): Reply {
  const bad = flushMode(ctx)
  if (bad) return bad
  ctx.server.dirty += ctx.db.size()
  ctx.db.flush()
  // Replayed even on an empty database, as forceCommandPropagation in Redis: the replica may hold keys the master lacks.
  forcePropagation(ctx)
  return OK
}

function flushall(ctx: CommandContext): Reply {
  const bad = flushMode(ctx)
  if (bad) return bad
  for (const db of ctx.server.databases) {
    ctx.server.dirty += db.size()
    db.flush()
  }
  forcePropagation(ctx)
  return OK
}

function time(ctx: CommandContext): Reply {
  const micros = BigInt(Math.floor(performance.timeOrigin * 1000 + performance.now() * 1000))
  void ctx
  return array([bulk(String(micros / 1_000_000n)), bulk(String(micros % 1_000_000n))])
}

function info(ctx: CommandContext): Reply {
  const text = renderInfo(ctx.server, ctx.argv.slice(1).map((a) => a.toString()))
  return verbatim(text)
}

function shutdown(ctx: CommandContext): Reply {
  const request = { save: undefined as boolean | undefined, now: false, force: false, abort: false }
  for (const arg of ctx.argv.slice(1)) {
    const word = arg.toString().toLowerCase()
    if (word === 'nosave' && request.save === undefined) request.save = false
    else if (word === 'save' && request.save === undefined) request.save = true
    else if (word === 'now') request.now = true
    else if (word === 'force') request.force = true
    else if (word === 'abort') request.abort = true
    else return ERR_SYNTAX
  }
  if (request.abort && (request.save !== undefined || request.now || request.force)) return ERR_SYNTAX
  return ctx.server.core.shutdown(request)
}

// ---- COMMAND -------------------------------------------------------------------

/** Every command and subcommand. */
function everySpec(ctx: CommandContext): CommandSpec[] {
  return ctx.server.core.commands.specs.flatMap((s) => [s, ...(s.subcommands ?? [])])
}

function findSpec(ctx: CommandContext, name: string): CommandSpec | undefined {
  const lower = name.toLowerCase()
  const [parent, sub] = lower.split('|')
  const base = ctx.server.core.commands.get(parent)
  if (sub === undefined) return base
  return base?.subcommands?.find((s) => s.name === lower)
}

/** stringmatchlen for COMMAND LIST FILTERBY PATTERN (glob with * ? [] and \\). */
function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '*') re += '.*'
    else if (c === '?') re += '.'
    else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end === -1) re += '\\['
      else {
        const body = pattern.slice(i + 1, end)
        re += `[${body.startsWith('^') ? `^${body.slice(1)}` : body}]`
        i = end
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`, 'is')
}

function commandList(ctx: CommandContext): Reply {
  const argv = ctx.argv
  let specs = everySpec(ctx)
  if (argv.length === 5 && argv[2].toString().toLowerCase() === 'filterby') {
    const kind = argv[3].toString().toLowerCase()
    const value = argv[4].toString()
    if (kind === 'module') specs = []
    else if (kind === 'aclcat') specs = specs.filter((s) => aclCategories(s).includes(`@${value.toLowerCase()}`))
    else if (kind === 'pattern') {
      const re = globToRegExp(value)
      specs = specs.filter((s) => re.test(s.name))
    } else return ERR_SYNTAX
  } else if (argv.length !== 2) {
    return ERR_SYNTAX
  }
  return array(specs.map((s) => bulk(s.name)))
}

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
]

const SERVER: CommandSpec['group'] = 'server'

function commandSub(name: string, arity: number, summary: string, handler: CommandSpec['handler'], extra: Partial<CommandSpec> = {}): CommandSpec {
  return { name: `command|${name}`, arity, flags: ['loading', 'stale'], group: SERVER, summary, handler, since: '2.8.13', extraCategories: ['connection'], ...extra }
}

export const serverAdminCommands: CommandSpec[] = [
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    group: SERVER,
    summary: 'Get information and statistics about the server',
    since: '1.0.0',
    complexity: 'O(1)',
    extraCategories: ['dangerous'],
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    history: [['7.0.0', 'Added support for taking multiple section arguments.']],
    args: [{ name: 'section', type: 'string', optional: true, multiple: true }],
    handler: info,
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    group: SERVER,
    summary: 'Return the number of keys in the selected database',
    since: '1.0.0',
    complexity: 'O(1)',
    extraCategories: ['keyspace'],
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    handler: (ctx) => int(ctx.db.size()),
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    group: SERVER,
    summary: 'Remove all keys from the current database',
    since: '1.0.0',
    extraCategories: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    complexity: 'O(N) where N is the number of keys in the selected database',
    history: [['4.0.0', 'Added the `ASYNC` flushing mode modifier.'], ['6.2.0', 'Added the `SYNC` flushing mode modifier.']],
    args: [{ name: 'async', type: 'oneof', optional: true, arguments: [{ name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' }, { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' }] }],
    handler: flushdb,
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    group: SERVER,
    summary: 'Remove all keys from all databases',
    since: '1.0.0',
    extraCategories: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    complexity: 'O(N) where N is the total number of keys in all databases',
    history: [['4.0.0', 'Added the `ASYNC` flushing mode modifier.'], ['6.2.0', 'Added the `SYNC` flushing mode modifier.']],
    args: [{ name: 'async', type: 'oneof', optional: true, arguments: [{ name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' }, { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' }] }],
    handler: flushall,
  },
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    group: SERVER,
    summary: 'Return the current server time',
    since: '2.6.0',
    tips: ['nondeterministic_output'],
    complexity: 'O(1)',
    handler: time,
  },
  {
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    group: SERVER,
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    since: '1.0.0',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
    args: [{ name: 'nosave_save', type: 'oneof', optional: true, arguments: [{ name: 'nosave', type: 'pure-token', token: 'NOSAVE' }, { name: 'save', type: 'pure-token', token: 'SAVE' }] }, { name: 'now', type: 'pure-token', token: 'NOW', since: '7.0.0', optional: true }, { name: 'force', type: 'pure-token', token: 'FORCE', since: '7.0.0', optional: true }, { name: 'abort', type: 'pure-token', token: 'ABORT', since: '7.0.0', optional: true }],
    handler: shutdown,
  },
  {
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale'],
    group: SERVER,
    summary: 'Get array of Redis command details',
    since: '2.8.13',
    complexity: 'O(N) where N is the total number of Redis commands',
    extraCategories: ['connection'],
    tips: ['nondeterministic_output_order'],
    handler: (ctx) => array(ctx.server.core.commands.specs.map(commandInfo)),
    subcommands: [
      commandSub('count', 2, 'Get total number of Redis commands', (ctx) => int(ctx.server.core.commands.size), { complexity: 'O(1)' }),
      commandSub('help', 2, 'Show helpful text about the different subcommands', () => array(COMMAND_HELP.map(simple)), {
        since: '5.0.0',
        complexity: 'O(1)',
      }),
      commandSub('list', -2, 'Get an array of Redis command names', commandList, {
        since: '7.0.0',
        tips: ['nondeterministic_output_order'],
        complexity: 'O(N) where N is the total number of Redis commands',
        args: [{ name: 'filterby', type: 'oneof', token: 'FILTERBY', optional: true, arguments: [{ name: 'module-name', type: 'string', token: 'MODULE' }, { name: 'category', type: 'string', token: 'ACLCAT' }, { name: 'pattern', type: 'pattern', token: 'PATTERN' }] }],
      }),
      commandSub(
        'info',
        -2,
        'Get array of specific Redis command details, or all when no argument is given.',
        (ctx) => {
          const names = ctx.argv.slice(2).map((a) => a.toString())
          if (names.length === 0) return array(ctx.server.core.commands.specs.map(commandInfo))
          return array(names.map((n) => {
            const spec = findSpec(ctx, n)
            return spec ? commandInfo(spec) : NULL_BULK
          }))
        },
        {
          tips: ['nondeterministic_output_order'],
          complexity: 'O(N) where N is the number of commands to look up',
          history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
          args: [{ name: 'command-name', type: 'string', optional: true, multiple: true }],
        },
      ),
      commandSub(
        'docs',
        -2,
        'Get array of specific Redis command documentation',
        (ctx) => {
          const names = ctx.argv.slice(2).map((a) => a.toString())
          const specs = names.length === 0 ? ctx.server.core.commands.specs : names.map((n) => findSpec(ctx, n)).filter((s): s is CommandSpec => !!s)
          return map(specs.map((s) => [bulk(s.name), commandDocs(s)] as const))
        },
        { tips: ['nondeterministic_output_order'], since: '7.0.0', complexity: 'O(N) where N is the number of commands to look up', args: [{ name: 'command-name', type: 'string', optional: true, multiple: true }] },
      ),
    ],
  },
]

