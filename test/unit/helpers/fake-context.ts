/**
 * A server in a box for unit tests of command handlers: real databases, a
 * clock the test moves by hand, stats, a config view, and `call()` that runs a
 * command and returns the RESP2 bytes a client would read (as a latin1 string),
 * so tests assert exactly what goes over the wire.
 */
import type { ClientState, CommandContext, ConfigView, ServerContext, ServerStats } from '../../../main/server/context'
import type { ServerCore } from '../../../main/server/core'
import type { Reply } from '../../../main/server/protocol/reply'
import { encodeReply } from '../../../main/server/protocol/writer'
import { createDatabases, type Database, type ExpiryPolicy } from '../../../main/server/store/database'
import type { CommandSpec } from '../../../main/server/commands/types'
import { stringCommands } from '../../../main/server/commands/strings'
import { keyCommands } from '../../../main/server/commands/keys'

const TABLE = new Map<string, CommandSpec>([...stringCommands, ...keyCommands].map((c) => [c.name, c]))

export interface FakeServer extends ServerContext {
  clock: number
  expiry: ExpiryPolicy
  configValues: Map<string, string>
  client: ClientState
  readonly databases: Database[]
  /** Runs one command in the client's database; returns the RESP2 reply text. */
  call(...args: (string | Buffer)[]): string
  /** Same, but the reply object. */
  reply(...args: (string | Buffer)[]): Reply
  db(index?: number): Database
}

export function fakeServer(options: { databases?: number; now?: number } = {}): FakeServer {
  const stats: ServerStats = {
    totalConnectionsReceived: 0,
    totalCommandsProcessed: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    rejectedConnections: 0,
    totalNetInputBytes: 0,
    totalNetOutputBytes: 0,
  }
  const configValues = new Map<string, string>()
  const config: ConfigView = {
    get: (name) => configValues.get(name),
    number: (name) => Number(configValues.get(name) ?? NaN),
    bool: (name) => configValues.get(name) === 'yes',
  }
  const client: ClientState = { id: 1, name: '', db: 0, protocol: 2, authenticated: true, closeAfterReply: false }
  const server = {
    clock: options.now ?? 1_700_000_000_000,
    expiry: 'delete' as ExpiryPolicy,
    configValues,
    client,
    stats,
    config,
    dirty: 0,
    resetStats(): void {
      for (const name of Object.keys(stats) as (keyof ServerStats)[]) stats[name] = 0
    },
    /** The string and key commands never reach for the core; fail loudly if one starts to. */
    get core(): ServerCore {
      throw new Error('the fake server has no core')
    },
    now(): number {
      return server.clock
    },
    expiryPolicy(): ExpiryPolicy {
      return server.expiry
    },
    databases: [] as Database[],
    db(index = client.db): Database {
      return server.databases[index]
    },
    reply(...args: (string | Buffer)[]): Reply {
      const argv = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a))
      const spec = TABLE.get(argv[0].toString('latin1').toLowerCase())
      if (!spec?.handler) throw new Error(`no such command in the fake table: ${argv[0].toString()}`)
      const arityOk = spec.arity >= 0 ? argv.length === spec.arity : argv.length >= -spec.arity
      if (!arityOk) return { t: 'error', v: `ERR wrong number of arguments for '${spec.name}' command` }
      const ctx: CommandContext = { argv, client, server, db: server.databases[client.db] }
      return spec.handler(ctx)
    },
    call(...args: (string | Buffer)[]): string {
      return encodeReply(server.reply(...args), 2).toString('latin1')
    },
  }
  server.databases = createDatabases(options.databases ?? 16, server)
  return server
}

/** RESP2 text builders, to keep expectations readable. */
export const resp = {
  ok: '+OK\r\n',
  nil: '$-1\r\n',
  int: (n: number | bigint | string): string => `:${n}\r\n`,
  bulk: (s: string): string => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`,
  err: (s: string): string => `-${s}\r\n`,
  simple: (s: string): string => `+${s}\r\n`,
  array: (items: string[]): string => `*${items.length}\r\n${items.join('')}`,
}
