/** SLOWLOG GET / LEN / RESET / HELP over ../slowlog.ts, replies as Redis 7.0. */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { OK, array, bulk, error, int } from '../protocol/replies'
import { parseInt64 } from './parse'
import type { CommandSpec } from './types'

const HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
]

const ERR_COUNT = error('ERR count should be greater than or equal to -1')

function get(ctx: CommandContext): Reply {
  let count = 10
  if (ctx.argv.length === 3) {
    const n = parseInt64(ctx.argv[2])
    if (n === null || n < -1n) return ERR_COUNT
    count = n > 1_000_000_000n ? 1_000_000_000 : Number(n)
  }
  const entries = ctx.server.slowlog?.newest(count) ?? []
  return array(
    entries.map((e) =>
      array([int(e.id), int(e.time), int(e.durationUs), array(e.argv.map(bulk)), bulk(e.addr), bulk(e.name)]),
    ),
  )
}

const ADMIN = ['admin', 'loading', 'stale'] as const

export const slowlogCommands: CommandSpec[] = [
  {
    name: 'slowlog',
    arity: -2,
    flags: [],
    group: 'server',
    summary: 'A container for slow log commands',
    since: '2.2.12',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'slowlog|get',
        arity: -2,
        flags: [...ADMIN],
        group: 'server',
        summary: "Get the slow log's entries",
        since: '2.2.12',
        complexity: 'O(N) where N is the number of entries returned',
        history: [['4.0.0', 'Added client IP address, port and name to the reply.']],
        tips: ['request_policy:all_nodes', 'nondeterministic_output'],
        args: [{ name: 'count', type: 'integer', optional: true }],
        handler: (ctx) =>
          ctx.argv.length > 3
            ? error(`ERR unknown subcommand or wrong number of arguments for '${ctx.argv[1].toString()}'. Try SLOWLOG HELP.`)
            : get(ctx),
      },
      {
        name: 'slowlog|len',
        arity: 2,
        flags: [...ADMIN],
        group: 'server',
        summary: "Get the slow log's length",
        since: '2.2.12',
        complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
        handler: (ctx) => int(ctx.server.slowlog?.length ?? 0),
      },
      {
        name: 'slowlog|reset',
        arity: 2,
        flags: [...ADMIN],
        group: 'server',
        summary: 'Clear all entries from the slow log',
        since: '2.2.12',
        complexity: 'O(N) where N is the number of entries in the slowlog',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: (ctx) => {
          ctx.server.slowlog?.reset()
          return OK
        },
      },
      {
        name: 'slowlog|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        complexity: 'O(1)',
        handler: () => array(HELP.map((line) => ({ t: 'simple', v: line }))),
      },
    ],
  },
]
