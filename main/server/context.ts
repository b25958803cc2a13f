/**
 * What a command handler sees. Implemented by server.ts (ServerContext,
 * ClientState) and store/ (Database). Handlers get everything through `ctx`,
 * never through module-level state, so a test can build a context directly.
 */
import type { Database } from './store/database'
import type { ServerCore } from './core'
import type { BlockingService } from './blocking'
import type { PubSubRegistry } from './pubsub'
import type { SlowLog } from './slowlog'
import type { MemoryManager } from './store/memory'
import type { Propagation } from './replication/propagation'
import type { AofEngine } from './persistence/aof'
import type { PersistenceState } from './persistence/state'
import type { Replication } from './replication/replication'

/** Read access to the live configuration (the directive table in shared/ decides names and types). */
export interface ConfigView {
  /** Current value as CONFIG GET prints it; undefined for an unknown name. */
  get(name: string): string | undefined
  /** Numeric directives (memory units already resolved to bytes). */
  number(name: string): number
  bool(name: string): boolean
}

export interface ServerStats {
  totalConnectionsReceived: number
  totalCommandsProcessed: number
  keyspaceHits: number
  keyspaceMisses: number
  expiredKeys: number
  evictedKeys: number
  rejectedConnections: number
  totalNetInputBytes: number
  totalNetOutputBytes: number
}

export interface ServerContext {
  readonly databases: readonly Database[]
  readonly stats: ServerStats
  readonly config: ConfigView
  /** Writes since the last successful save (INFO rdb_changes_since_last_save). */
  dirty: number
  /** Milliseconds since the epoch, cached once per event-loop turn as Redis caches mstime. */
  now(): number
  /** CONFIG RESETSTAT: zero the counters INFO stats reports. */
  resetStats(): void
  /** Clients, command table, identity, INFO sections, shutdown (core.ts; implemented by server.ts). */
  readonly core: ServerCore
  /** used_memory, maxmemory eviction, INFO memory (store/memory.ts); absent in minimal test contexts. */
  readonly memory?: MemoryManager
  /** Blocked clients (blocking.ts); absent in test fakes, where blocking commands answer their timeout reply at once. */
  readonly blocking?: BlockingService
  /** Channel and pattern subscriptions (pubsub.ts); absent in test fakes. */
  readonly pubsub?: PubSubRegistry
  /** SLOWLOG's entries (slowlog.ts); absent in test fakes. */
  readonly slowlog?: SlowLog
  /** The stream of write effects for the AOF and replicas (replication/propagation.ts); absent in minimal test fakes. */
  readonly propagation?: Propagation
  /** The append-only file (persistence/aof.ts): BGREWRITEAOF, INFO aof_*; absent in minimal test fakes. */
  readonly aof?: AofEngine
  /** LASTSAVE, rdb_* counters, BGSAVE in progress (persistence/state.ts); absent in minimal test fakes. */
  readonly persistence?: PersistenceState
  /** Replication ids, offsets, backlog, both sides (replication/replication.ts); absent in minimal test fakes. */
  readonly replication?: Replication
}

export interface ClientState {
  readonly id: number
  name: string
  /** Index of the selected database. */
  db: number
  /** 2 until the client says `HELLO 3`. */
  protocol: 2 | 3
  authenticated: boolean
  /** Set by QUIT / CLIENT KILL: close once pending replies are written. */
  closeAfterReply: boolean
}

export interface CommandContext {
  /** argv[0] is the command name as the client typed it. */
  readonly argv: readonly Buffer[]
  readonly client: ClientState
  readonly server: ServerContext
  /** The client's selected database. */
  readonly db: Database
  /** Inside MULTI/EXEC or a script: blocking commands behave as their non-blocking form (blocking.ts). */
  readonly denyBlocking?: boolean
}

/** Redis's log levels; the logger (log.ts) prints them in Redis's line format. */
export interface Logger {
  debug(message: string): void
  verbose(message: string): void
  notice(message: string): void
  warning(message: string): void
}
