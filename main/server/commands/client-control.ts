/**
 * Commands that change how the server treats a connection rather than the
 * data: MONITOR, RESET and CLIENT PAUSE / UNPAUSE / NO-EVICT, as Redis 7.0.15.
 * The server (core.ts) keeps the monitor list and the pause; these handlers
 * only validate arguments and ask it.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { ERR_SYNTAX, NO_REPLY, OK, error, simple } from '../protocol/replies'
import { parseBlockTimeoutMs } from '../blocking'
import { forgetTransaction } from './transactions'
import type { CommandSpec } from './types'

const RESET = simple('RESET')
const SERVER_FLAGS = ['admin', 'noscript', 'loading', 'stale'] as const

function monitor(ctx: CommandContext): Reply {
  // Inside MULTI the client expects one reply per command, which a stream cannot be.
  if (ctx.denyBlocking) return error("ERR MONITOR isn't allowed for DENY BLOCKING client")
  const core = ctx.server.core
  if (!core.startMonitor) return error('ERR MONITOR is not available')
  // A client already monitoring gets no reply at all, as Redis ignores the repeat.
  return core.startMonitor(ctx.client) ? OK : NO_REPLY
}

/** resetCommand → clearClientConnectionState: the connection as it was right after connecting. */
function reset(ctx: CommandContext): Reply {
  const client = ctx.client
  const core = ctx.server.core
  forgetTransaction(client)
  ctx.server.pubsub?.forget(client)
  core.resetClientState?.(client)
  client.db = 0
  client.protocol = 2
  client.name = ''
  // The default user is "nopass" exactly when no password is configured.
  client.authenticated = core.password() === ''
  return RESET
}

function clientPause(ctx: CommandContext): Reply {
  const argv = ctx.argv
  // CLIENT's dispatch accepts PAUSE with 3 or 4 words only; more falls through to the generic refusal.
  if (argv.length > 4) {
    return error(`ERR unknown subcommand or wrong number of arguments for '${argv[1].toString()}'. Try CLIENT HELP.`)
  }
  let mode: 'write' | 'all' = 'all'
  if (argv.length === 4) {
    const word = argv[3].toString().toLowerCase()
    if (word === 'write') mode = 'write'
    else if (word !== 'all') return error('ERR CLIENT PAUSE mode must be WRITE or ALL')
  }
  const timeoutMs = parseBlockTimeoutMs(argv[2])
  if (typeof timeoutMs !== 'number') return timeoutMs
  ctx.server.core.pauseClients?.(ctx.server.now() + timeoutMs, mode)
  return OK
}

function clientUnpause(ctx: CommandContext): Reply {
  ctx.server.core.unpauseClients?.()
  return OK
}

function clientNoEvict(ctx: CommandContext): Reply {
  const word = ctx.argv[2].toString().toLowerCase()
  if (word !== 'on' && word !== 'off') return ERR_SYNTAX
  ctx.server.core.setNoEvict?.(ctx.client, word === 'on')
  return OK
}

/** CLIENT subcommands declared here; connection.ts lists them in the CLIENT container. */
export const clientControlSubcommands: CommandSpec[] = [
  {
    name: 'client|pause',
    arity: -3,
    flags: [...SERVER_FLAGS],
    group: 'connection',
    summary: 'Stop processing commands from clients for some time',
    since: '2.9.50',
    complexity: 'O(1)',
    extraCategories: ['connection'],
    history: [['6.2.0', '`CLIENT PAUSE WRITE` mode added along with the `mode` option.']],
    args: [
      { name: 'timeout', type: 'integer' },
      {
        name: 'mode',
        type: 'oneof',
        since: '6.2.0',
        optional: true,
        arguments: [
          { name: 'write', type: 'pure-token', token: 'WRITE' },
          { name: 'all', type: 'pure-token', token: 'ALL' },
        ],
      },
    ],
    handler: clientPause,
  },
  {
    name: 'client|unpause',
    arity: 2,
    flags: [...SERVER_FLAGS],
    group: 'connection',
    summary: 'Resume processing of clients that were paused',
    since: '6.2.0',
    complexity: 'O(N) Where N is the number of paused clients',
    extraCategories: ['connection'],
    handler: clientUnpause,
  },
  {
    name: 'client|no-evict',
    arity: 3,
    flags: [...SERVER_FLAGS],
    group: 'connection',
    summary: 'Set client eviction mode for the current connection',
    since: '7.0.0',
    complexity: 'O(1)',
    extraCategories: ['connection'],
    args: [
      {
        name: 'enabled',
        type: 'oneof',
        arguments: [
          { name: 'on', type: 'pure-token', token: 'ON' },
          { name: 'off', type: 'pure-token', token: 'OFF' },
        ],
      },
    ],
    handler: clientNoEvict,
  },
]

export const clientControlCommands: CommandSpec[] = [
  {
    name: 'monitor',
    arity: 1,
    flags: [...SERVER_FLAGS],
    group: 'server',
    summary: 'Listen for all requests received by the server in real time',
    since: '1.0.0',
    handler: monitor,
  },
  {
    name: 'reset',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    group: 'connection',
    summary: 'Reset the connection',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: reset,
  },
]
