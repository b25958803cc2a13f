/** Connection commands: PING ECHO QUIT SELECT AUTH HELLO CLIENT, replies as Redis 7.0.15. */
import type { CommandContext } from '../context'
import type { ClientHandle } from '../core'
import type { CommandSpec } from './types'
import type { Reply } from '../protocol/reply'
import {
  ERR_DB_INDEX,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  NULL_BULK,
  OK,
  PONG,
  array,
  bulk,
  error,
  int,
  map,
  simple,
  verbatim,
} from '../protocol/replies'
import { parseInt64 } from './parse'
import { subscribedPing } from './pubsub'
import { clientControlSubcommands } from './client-control'

/** The version every tool sees, so clients treat tandem-server as Redis 7.0. */
export const REDIS_VERSION = '7.0.15'

const ERR_WRONGPASS = error('WRONGPASS invalid username-password pair or user is disabled.')
const ERR_AUTH_WITHOUT_PASSWORD = error(
  'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
)

const INT32_MIN = -2147483648n
const INT32_MAX = 2147483647n

/** getIntFromObjectOrReply: a C int, with Redis's two distinct errors. */
function parseInt32(arg: Buffer): number | Reply {
  const v = parseInt64(arg)
  if (v === null) return ERR_NOT_INTEGER
  if (v < INT32_MIN || v > INT32_MAX) return error('ERR value is out of range, value must between -2147483648 and 2147483647')
  return Number(v)
}

/** ACLAuthenticateUser for the default user, the only user tandem-server has. */
function checkPassword(ctx: CommandContext, username: string, password: Buffer): boolean {
  if (username !== 'default') return false
  const required = ctx.server.core.password()
  return required === '' || Buffer.from(required).equals(password)
}

/** validateClientName: printable ASCII without spaces. */
function badClientName(name: Buffer): Reply | null {
  for (const byte of name) {
    if (byte < 0x21 || byte > 0x7e) return error('ERR Client names cannot contain spaces, newlines or special characters.')
  }
  return null
}

function ping(ctx: CommandContext): Reply {
  if (ctx.argv.length > 2) return error("ERR wrong number of arguments for 'ping' command")
  const subscribed = subscribedPing(ctx)
  if (subscribed) return subscribed
  return ctx.argv.length === 2 ? bulk(ctx.argv[1]) : PONG
}

function auth(ctx: CommandContext): Reply {
  const argv = ctx.argv
  if (argv.length > 3) return ERR_SYNTAX
  if (argv.length === 2 && ctx.server.core.password() === '') return ERR_AUTH_WITHOUT_PASSWORD
  const username = argv.length === 3 ? argv[1].toString() : 'default'
  const password = argv[argv.length - 1]
  if (!checkPassword(ctx, username, password)) return ERR_WRONGPASS
  ctx.client.authenticated = true
  return OK
}

function hello(ctx: CommandContext): Reply {
  const argv = ctx.argv
  let version: 2 | 3 | undefined
  let next = 1
  if (argv.length >= 2) {
    const v = parseInt64(argv[1])
    if (v === null) return error('ERR Protocol version is not an integer or out of range')
    if (v < 2n || v > 3n) return error('NOPROTO unsupported protocol version')
    version = v === 2n ? 2 : 3
    next = 2
  }
  let credentials: [string, Buffer] | undefined
  let clientName: Buffer | undefined
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j
    const option = argv[j].toString()
    const upper = option.toUpperCase()
    if (upper === 'AUTH' && more >= 2) {
      credentials = [argv[j + 1].toString(), argv[j + 2]]
      j += 2
    } else if (upper === 'SETNAME' && more >= 1) {
      clientName = argv[j + 1]
      const bad = badClientName(clientName)
      if (bad) return bad
      j++
    } else {
      return error(`ERR Syntax error in HELLO option '${option}'`)
    }
  }
  if (credentials) {
    if (!checkPassword(ctx, credentials[0], credentials[1])) return ERR_WRONGPASS
    ctx.client.authenticated = true
  }
  if (!ctx.client.authenticated && ctx.server.core.password() !== '') {
    return error(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    )
  }
  if (clientName) ctx.client.name = clientName.toString('latin1')
  if (version) ctx.client.protocol = version
  return map([
    [bulk('server'), bulk('redis')],
    [bulk('version'), bulk(REDIS_VERSION)],
    [bulk('proto'), int(ctx.client.protocol)],
    [bulk('id'), int(ctx.client.id)],
    [bulk('mode'), bulk('standalone')],
    [bulk('role'), bulk(ctx.server.core.role)],
    [bulk('modules'), array([])],
  ])
}

function select(ctx: CommandContext): Reply {
  const index = parseInt32(ctx.argv[1])
  if (typeof index !== 'number') return index
  if (index < 0 || index >= ctx.server.databases.length) return ERR_DB_INDEX
  ctx.client.db = index
  return OK
}

// ---- CLIENT ------------------------------------------------------------------

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
]

type ClientKind = 'normal' | 'master' | 'replica' | 'pubsub'

/** getClientTypeByName: `slave` is an alias of `replica`. */
function clientKind(name: string): ClientKind | null {
  const lower = name.toLowerCase()
  if (lower === 'normal' || lower === 'master' || lower === 'replica' || lower === 'pubsub') return lower
  if (lower === 'slave') return 'replica'
  return null
}

/**
 * getClientType: a normal client with at least one channel or pattern
 * subscription is of type pubsub (Redis's CLIENT_PUBSUB flag, shown as `P`),
 * and normal again once it unsubscribed from everything.
 */
function clientType(ctx: CommandContext, client: ClientHandle): ClientKind {
  if (client.kind === 'normal' && ctx.server.pubsub?.isSubscriber(client)) return 'pubsub'
  return client.kind
}

function clientList(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const core = ctx.server.core
  let clients = core.clients()
  if (argv.length === 4 && argv[2].toString().toLowerCase() === 'type') {
    const kind = clientKind(argv[3].toString())
    if (!kind) return error(`ERR Unknown client type '${argv[3].toString()}'`)
    clients = clients.filter((c) => clientType(ctx, c) === kind)
  } else if (argv.length > 3 && argv[2].toString().toLowerCase() === 'id') {
    const ids = new Set<number>()
    for (const arg of argv.slice(3)) {
      const id = parseInt64(arg)
      if (id === null || id <= 0n) return error('ERR Invalid client ID')
      ids.add(Number(id))
    }
    clients = clients.filter((c) => ids.has(c.id))
  } else if (argv.length !== 2) {
    return ERR_SYNTAX
  }
  return verbatim(clients.map((c) => `${core.describeClient(c)}\n`).join(''))
}

function clientKill(ctx: CommandContext): Reply {
  const argv = ctx.argv
  const core = ctx.server.core
  if (argv.length === 3) {
    const addr = argv[2].toString()
    const target = core.clients().find((c) => c.addr === addr)
    if (!target) return error('ERR No such client')
    core.killClient(target)
    return OK
  }
  let id: number | undefined
  let kind: ClientKind | undefined
  let addr: string | undefined
  let laddr: string | undefined
  let skipMe = true
  // Options are checked in order, as Redis does: a bad value is reported before a later option that lacks one.
  for (let i = 2; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) return ERR_SYNTAX
    const option = argv[i].toString().toLowerCase()
    const value = argv[i + 1].toString()
    if (option === 'id') {
      const v = parseInt64(value)
      if (v === null || v <= 0n) return error('ERR client-id should be greater than 0')
      id = Number(v)
    } else if (option === 'type') {
      const k = clientKind(value)
      if (!k) return error(`ERR Unknown client type '${value}'`)
      kind = k
    } else if (option === 'addr') {
      addr = value
    } else if (option === 'laddr') {
      laddr = value
    } else if (option === 'user') {
      if (value !== 'default') return error(`ERR No such user '${value}'`)
    } else if (option === 'skipme') {
      const lower = value.toLowerCase()
      if (lower === 'yes') skipMe = true
      else if (lower === 'no') skipMe = false
      else return ERR_SYNTAX
    } else {
      return ERR_SYNTAX
    }
  }
  const victims = core.clients().filter(
    (c) =>
      (id === undefined || c.id === id) &&
      (kind === undefined || clientType(ctx, c) === kind) &&
      (addr === undefined || c.addr === addr) &&
      (laddr === undefined || c.laddr === laddr) &&
      !(skipMe && c.id === ctx.client.id),
  )
  for (const victim of victims) core.killClient(victim)
  return int(victims.length)
}

function clientSetName(ctx: CommandContext): Reply {
  const bad = badClientName(ctx.argv[2])
  if (bad) return bad
  ctx.client.name = ctx.argv[2].toString('latin1')
  return OK
}

const CONNECTION: CommandSpec['group'] = 'connection'
const CONNECTION_FLAGS = ['noscript', 'loading', 'stale'] as const

function clientSub(name: string, arity: number, summary: string, handler: CommandSpec['handler'], extra: Partial<CommandSpec> = {}): CommandSpec {
  return { name: `client|${name}`, arity, flags: [...CONNECTION_FLAGS], group: CONNECTION, since: '2.4.0', summary, handler, ...extra }
}

export const connectionCommands: CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    group: CONNECTION,
    summary: 'Ping the server',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    args: [{ name: 'message', type: 'string', optional: true }],
    handler: ping,
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    group: CONNECTION,
    summary: 'Echo the given string',
    since: '1.0.0',
    complexity: 'O(1)',
    args: [{ name: 'message', type: 'string' }],
    handler: (ctx) => bulk(ctx.argv[1]),
  },
  {
    name: 'quit',
    arity: -1,
    flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
    group: CONNECTION,
    summary: 'Close the connection',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx) => {
      ctx.client.closeAfterReply = true
      return OK
    },
  },
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    group: CONNECTION,
    summary: 'Change the selected database for the current connection',
    since: '1.0.0',
    complexity: 'O(1)',
    args: [{ name: 'index', type: 'integer' }],
    handler: select,
  },
  {
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    group: CONNECTION,
    summary: 'Authenticate to the server',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    history: [['6.0.0', 'Added ACL style (username and password).']],
    args: [{ name: 'username', type: 'string', since: '6.0.0', optional: true }, { name: 'password', type: 'string' }],
    handler: auth,
  },
  {
    name: 'hello',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    group: CONNECTION,
    summary: 'Handshake with Redis',
    since: '6.0.0',
    complexity: 'O(1)',
    history: [['6.2.0', "`protover` made optional; when called without arguments the command reports the current connection's context."]],
    args: [{ name: 'arguments', type: 'block', optional: true, arguments: [{ name: 'protover', type: 'integer' }, { name: 'username_password', type: 'block', token: 'AUTH', optional: true, arguments: [{ name: 'username', type: 'string' }, { name: 'password', type: 'string' }] }, { name: 'clientname', type: 'string', token: 'SETNAME', optional: true }] }],
    handler: hello,
  },
  {
    name: 'client',
    arity: -2,
    flags: [],
    group: CONNECTION,
    summary: 'A container for client connection commands',
    since: '2.4.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      clientSub('help', 2, 'Show helpful text about the different subcommands', () => array(CLIENT_HELP.map(simple)), {
        flags: ['loading', 'stale'],
        since: '5.0.0',
        complexity: 'O(1)',
      }),
      clientSub('id', 2, 'Returns the client ID for the current connection', (ctx) => int(ctx.client.id), {
        since: '5.0.0',
        complexity: 'O(1)',
      }),
      clientSub('getname', 2, 'Get the current connection name', (ctx) => (ctx.client.name ? bulk(ctx.client.name) : NULL_BULK), {
        since: '2.6.9',
        complexity: 'O(1)',
      }),
      clientSub('setname', 3, 'Set the current connection name', clientSetName, {
        since: '2.6.9',
        complexity: 'O(1)',
        args: [{ name: 'connection-name', type: 'string' }],
      }),
      clientSub('info', 2, 'Returns information about the current client connection.', (ctx) =>
        verbatim(`${ctx.server.core.describeClient(ctx.client)}\n`), { since: '6.2.0', complexity: 'O(1)', tips: ['nondeterministic_output'] }),
      clientSub('list', -2, 'Get the list of client connections', clientList, {
        flags: ['admin', 'noscript', 'loading', 'stale'],
        tips: ['nondeterministic_output'],
        complexity: 'O(N) where N is the number of client connections',
        history: [['2.8.12', 'Added unique client `id` field.'], ['5.0.0', 'Added optional `TYPE` filter.'], ['6.0.0', 'Added `user` field.'], ['6.2.0', 'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.'], ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'], ['7.0.3', 'Added `ssub` field.']],
        args: [{ name: 'normal_master_replica_pubsub', type: 'oneof', token: 'TYPE', since: '5.0.0', optional: true, arguments: [{ name: 'normal', type: 'pure-token', token: 'NORMAL' }, { name: 'master', type: 'pure-token', token: 'MASTER' }, { name: 'replica', type: 'pure-token', token: 'REPLICA' }, { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' }] }, { name: 'id', type: 'block', token: 'ID', since: '6.2.0', optional: true, arguments: [{ name: 'client-id', type: 'integer', multiple: true }] }],
      }),
      clientSub('kill', -3, 'Kill the connection of a client', clientKill, {
        flags: ['admin', 'noscript', 'loading', 'stale'],
        complexity: 'O(N) where N is the number of client connections',
        history: [['2.8.12', 'Added new filter format.'], ['2.8.12', '`ID` option.'], ['3.2.0', 'Added `master` type in for `TYPE` option.'], ['5.0.0', 'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.'], ['6.2.0', '`LADDR` option.']],
        args: [{ name: 'filter', type: 'oneof', arguments: [{ name: 'ip:port', type: 'string', deprecatedSince: '2.8.12' }, { name: 'new-format', type: 'oneof', multiple: true, arguments: [{ name: 'client-id', type: 'integer', token: 'ID', since: '2.8.12', optional: true }, { name: 'normal_master_slave_pubsub', type: 'oneof', token: 'TYPE', since: '2.8.12', optional: true, arguments: [{ name: 'normal', type: 'pure-token', token: 'NORMAL' }, { name: 'master', type: 'pure-token', token: 'MASTER', since: '3.2.0' }, { name: 'slave', type: 'pure-token', token: 'SLAVE' }, { name: 'replica', type: 'pure-token', token: 'REPLICA', since: '5.0.0' }, { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' }] }, { name: 'username', type: 'string', token: 'USER', optional: true }, { name: 'ip:port', type: 'string', token: 'ADDR', optional: true }, { name: 'ip:port', type: 'string', token: 'LADDR', since: '6.2.0', optional: true }, { name: 'yes/no', type: 'string', token: 'SKIPME', optional: true }] }] }],
      }),
      ...clientControlSubcommands,
    ],
  },
]
