/**
 * The replication command family: SYNC, PSYNC, REPLCONF, WAIT, REPLICAOF,
 * SLAVEOF, FAILOVER, ROLE (replication.c of Redis 7.0.15). Handlers check arguments the
 * way Redis does and hand the work to the two sides of `ctx.server.replication`:
 * the master side (replicas attached to us) and the replica side (our link to
 * a master).
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { ERR_NOT_INTEGER, ERR_SYNTAX, OK, array, bulk, error, int } from '../protocol/replies'
import { parseBlockTimeoutMs } from '../blocking'
import { parseInt64 } from './parse'
import type { CommandSpec } from './types'

const ERR_NO_REPLICATION = error('ERR replication is not available on this server')
const ERR_WAIT_ON_REPLICA = error(
  'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.',
)
const ERR_INVALID_MASTER_PORT = error('ERR Invalid master port')
const ERR_REPLICAOF_FROM_REPLICA = error('ERR Command is not valid when client is a replica.')
const ERR_REPLICAOF_FAILING_OVER = error('ERR REPLICAOF not allowed while failing over.')

function lower(arg: Buffer): string {
  return arg.toString('latin1').toLowerCase()
}

/** SYNC and PSYNC replid offset [FAILOVER]. */
function syncCommand(ctx: CommandContext): Reply {
  const replication = ctx.server.replication
  if (!replication) return ERR_NO_REPLICATION
  if (lower(ctx.argv[0]) === 'sync') return replication.master.sync(ctx, undefined)
  // getLongLongFromObjectOrReply: a bad offset is refused before anything else about the sync is decided.
  const failover = ctx.argv.length > 3 && lower(ctx.argv[3]) === 'failover'
  const offset = parseInt64(ctx.argv[2])
  if (offset === null) return ERR_NOT_INTEGER
  return replication.master.sync(ctx, { replId: ctx.argv[1].toString('latin1'), offset: Number(offset), failover })
}

/** REPLCONF <option> <value> [<option> <value> …]. */
function replconfCommand(ctx: CommandContext): Reply {
  const replication = ctx.server.replication
  if (!replication) return ERR_NO_REPLICATION
  const argv = ctx.argv
  if (argv.length % 2 === 0) return ERR_SYNTAX
  for (let i = 1; i < argv.length; i += 2) {
    // GETACK comes from our master, in its stream: the replica side answers with REPLCONF ACK on the link.
    if (lower(argv[i]) === 'getack') return replication.replica.getack(ctx)
    // The option as typed: an unknown one is named in the error with its own spelling.
    const outcome = replication.master.replconfOption(ctx, argv[i].toString('latin1'), argv[i + 1])
    if (outcome !== undefined) return outcome
  }
  return OK
}

/** WAIT numreplicas timeout. */
function waitCommand(ctx: CommandContext): Reply {
  const replication = ctx.server.replication
  if (!replication) return ERR_NO_REPLICATION
  if (replication.replica.isReplica) return ERR_WAIT_ON_REPLICA
  const numReplicas = parseInt64(ctx.argv[1])
  if (numReplicas === null) return ERR_NOT_INTEGER
  const timeout = parseBlockTimeoutMs(ctx.argv[2])
  if (typeof timeout !== 'number') return timeout
  return replication.master.wait(ctx, Number(numReplicas), timeout)
}

/** REPLICAOF / SLAVEOF host port | NO ONE. */
function replicaofCommand(ctx: CommandContext): Reply {
  const replication = ctx.server.replication
  if (!replication) return ERR_NO_REPLICATION
  if (replication.failoverState !== 'no-failover') return ERR_REPLICAOF_FAILING_OVER
  const [, host, port] = ctx.argv
  if (lower(host) === 'no' && lower(port) === 'one') return replication.replica.replicaof(ctx, undefined)
  if (ctx.server.core.clients().find((c) => c.id === ctx.client.id)?.kind === 'replica') return ERR_REPLICAOF_FROM_REPLICA
  // getRangeLongFromObjectOrReply(0, 65535, "Invalid master port"): a non-number and an out-of-range one get the same error.
  const parsed = parseInt64(port)
  if (parsed === null || parsed < 0n || parsed > 65535n) return ERR_INVALID_MASTER_PORT
  return replication.replica.replicaof(ctx, { host: host.toString('latin1'), port: Number(parsed) })
}

/** FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms], parsed as failoverCommand does (each option once, in any order). */
function failoverCommand(ctx: CommandContext): Reply {
  const replication = ctx.server.replication
  if (!replication) return ERR_NO_REPLICATION
  const argv = ctx.argv
  if (argv.length === 2 && lower(argv[1]) === 'abort') return replication.failover.abortCommand()
  let timeoutMs = 0
  let force = false
  let target: { host: string; port: number } | undefined
  for (let j = 1; j < argv.length; j++) {
    const option = lower(argv[j])
    if (option === 'timeout' && j + 1 < argv.length && timeoutMs === 0) {
      const value = parseInt64(argv[j + 1])
      if (value === null) return ERR_NOT_INTEGER
      if (value <= 0n) return error('ERR FAILOVER timeout must be greater than 0')
      timeoutMs = Number(value)
      j++
    } else if (option === 'to' && j + 2 < argv.length && !target) {
      const port = parseInt64(argv[j + 2])
      if (port === null) return ERR_NOT_INTEGER
      target = { host: argv[j + 1].toString('latin1'), port: Number(port) }
      j += 2
    } else if (option === 'force' && !force) {
      force = true
    } else {
      return ERR_SYNTAX
    }
  }
  return replication.failover.start({ target, force, timeoutMs })
}

/** ROLE. */
function roleCommand(ctx: CommandContext): Reply {
  const replication = ctx.server.replication
  if (!replication) return array([bulk('master'), int(0), array([])])
  if (replication.replica.isReplica) return replication.replica.roleReply()
  return array([bulk('master'), int(replication.masterReplOffset), array(replication.master.roleReplicas())])
}

const REPLICAOF_ARGS: CommandSpec['args'] = [
  {
    name: 'args',
    type: 'oneof',
    arguments: [
      {
        name: 'host-port',
        type: 'block',
        arguments: [
          { name: 'host', type: 'string' },
          { name: 'port', type: 'integer' },
        ],
      },
      {
        name: 'no-one',
        type: 'block',
        arguments: [
          { name: 'no', type: 'pure-token', token: 'NO' },
          { name: 'one', type: 'pure-token', token: 'ONE' },
        ],
      },
    ],
  },
]

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const replicationCommands: CommandSpec[] = [
  {
    name: 'sync',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    group: 'server',
    summary: 'Internal command used for replication',
    since: '1.0.0',
    // ACL categories: @admin @slow @dangerous
    handler: syncCommand,
  },
  {
    name: 'psync',
    arity: -3,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    group: 'server',
    summary: 'Internal command used for replication',
    since: '2.8.0',
    args: [
      { name: 'replicationid', type: 'string' },
      { name: 'offset', type: 'integer' },
    ],
    handler: syncCommand,
  },
  {
    name: 'replconf',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'],
    group: 'server',
    summary: 'An internal command for configuring the replication stream',
    since: '3.0.0',
    complexity: 'O(1)',
    docFlags: ['syscmd'],
    handler: replconfCommand,
  },
  {
    name: 'wait',
    arity: 3,
    flags: ['noscript'],
    group: 'generic',
    summary: 'Wait for the synchronous replication of all the write commands sent in the context of the current connection',
    since: '3.0.0',
    complexity: 'O(1)',
    // ACL categories: @slow @connection (Redis's JSON declares CONNECTION, not the group's KEYSPACE).
    noGroupCategory: true,
    extraCategories: ['connection'],
    tips: ['request_policy:all_shards', 'response_policy:agg_min'],
    args: [
      { name: 'numreplicas', type: 'integer' },
      { name: 'timeout', type: 'integer' },
    ],
    handler: waitCommand,
  },
  {
    name: 'replicaof',
    arity: 3,
    flags: ['admin', 'noscript', 'stale', 'no_async_loading'],
    group: 'server',
    summary: 'Make the server a replica of another instance, or promote it as master.',
    since: '5.0.0',
    complexity: 'O(1)',
    args: REPLICAOF_ARGS,
    handler: replicaofCommand,
  },
  {
    name: 'slaveof',
    arity: 3,
    flags: ['admin', 'noscript', 'stale', 'no_async_loading'],
    group: 'server',
    summary: 'Make the server a replica of another instance, or promote it as master.',
    since: '1.0.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '5.0.0',
    replacedBy: '`REPLICAOF`',
    args: REPLICAOF_ARGS,
    handler: replicaofCommand,
  },
  {
    name: 'failover',
    arity: -1,
    flags: ['admin', 'noscript', 'stale'],
    group: 'server',
    summary: 'Start a coordinated failover between this server and one of its replicas.',
    since: '6.2.0',
    complexity: 'O(1)',
    args: [
      {
        name: 'target',
        type: 'block',
        token: 'TO',
        optional: true,
        arguments: [
          { name: 'host', type: 'string' },
          { name: 'port', type: 'integer' },
          { name: 'force', type: 'pure-token', token: 'FORCE', optional: true },
        ],
      },
      { name: 'abort', type: 'pure-token', token: 'ABORT', optional: true },
      { name: 'milliseconds', type: 'integer', token: 'TIMEOUT', optional: true },
    ],
    handler: failoverCommand,
  },
  {
    name: 'role',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast'],
    group: 'server',
    summary: 'Return the role of the instance in the context of replication',
    since: '2.8.12',
    complexity: 'O(1)',
    // ACL categories: @admin @fast @dangerous (declared in Redis's JSON, not implied by flags).
    extraCategories: ['admin', 'dangerous'],
    handler: roleCommand,
  },
]
