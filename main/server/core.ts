/**
 * Server-wide facilities the connection and server commands need beyond the
 * keyspace: the client registry, the command table, identity (run id,
 * replication id), INFO sections and shutdown. server.ts implements it;
 * handlers reach it as `ctx.server.core`, so a unit test can supply a fake.
 */
import type { Socket } from 'node:net'
import type { ClientState, Logger } from './context'
import type { Reply } from './protocol/reply'
import type { CommandTable } from './dispatch'
import type { CommandSpec } from './commands/types'

/** A connected client as CLIENT LIST / CLIENT KILL see it. */
export interface ClientHandle extends ClientState {
  /** Peer `ip:port` as Redis prints it (IPv6 without brackets). */
  readonly addr: string
  /** Local `ip:port` the client connected to. */
  readonly laddr: string
  readonly kind: 'normal' | 'master' | 'replica' | 'pubsub'
}

export interface ShutdownRequest {
  save: boolean | undefined
  now: boolean
  force: boolean
  abort: boolean
}

/** Lines of one INFO section (`field:value`), without the `# Name` header. */
export type InfoSectionRenderer = () => readonly string[]

export interface ServerCore {
  readonly commands: CommandTable
  readonly log: Logger
  /** Milliseconds since the epoch when the server started. */
  readonly startedAt: number
  /** 40 hex chars, new at every start (INFO run_id). */
  readonly runId: string
  /** Replication id (INFO master_replid), owned by replication/replication.ts. */
  readonly replId: string
  readonly replId2: string
  /** HELLO `role` and INFO `role` (slave there): a master is configured (replication/replica.ts). */
  readonly role: 'master' | 'replica'
  /** Absolute path of the config file, '' when started without one. */
  readonly configFile: string
  /** The port actually listened on. */
  readonly tcpPort: number
  /** The password of the default user, '' when none is required. */
  password(): string
  clients(): readonly ClientHandle[]
  /** One CLIENT LIST / CLIENT INFO line, without the trailing newline. */
  describeClient(client: ClientState): string
  /** Closes the client after its pending replies (CLIENT KILL, QUIT). */
  killClient(client: ClientState): void
  /** Replaces or adds an INFO section (replication, persistence …) owned by another layer. */
  setInfoSection(name: string, render: InfoSectionRenderer): void
  infoSection(name: string): InfoSectionRenderer | undefined
  /** SHUTDOWN: an error reply when refused, otherwise the server goes away and nothing is replied. */
  shutdown(request: ShutdownRequest): Reply
  /** MONITOR: the client receives every later command in the stream format (monitor.ts); false when it already does. */
  startMonitor?(client: ClientState): boolean
  isMonitor?(client: ClientState): boolean
  /** A command that ran outside the server's own loop (EXEC's queued commands) reaches MONITOR clients too. */
  feedMonitors?(client: ClientState, argv: readonly Buffer[], spec: CommandSpec): void
  /** CLIENT PAUSE: until `untilMs`, commands of the given kind wait (a longer or stronger pause extends the current one). */
  pauseClients?(untilMs: number, mode: 'write' | 'all', purpose?: 'client' | 'failover'): void
  /** CLIENT UNPAUSE: waiting commands run now (once no pause of another purpose remains; FAILOVER's has its own). */
  unpauseClients?(purpose?: 'client' | 'failover'): void
  /** CLIENT NO-EVICT (CLIENT LIST flag `e`). */
  setNoEvict?(client: ClientState, on: boolean): void
  /** INFO blocked_clients: blocked on keys or held by CLIENT PAUSE. */
  blockedClientCount?(): number
  /** RESET's server-side part: leave MONITOR and NO-EVICT. */
  resetClientState?(client: ClientState): void
  /** SYNC/PSYNC accepted: the client becomes a replica link (flag S) that the master side writes the stream to. */
  becomeReplica?(client: ClientState): ReplicaConnection
  /** The replica side's socket to its master, once the stream flows: its commands run as the master client (flag M). */
  attachMasterClient?(socket: Socket, hooks: MasterClientHooks): MasterClientHandle
}

/** A client turned into a replica link (replication/master.ts writes the stream to it). */
export interface ReplicaConnection {
  readonly client: ClientHandle
  /** The peer's IP as INFO's `slaveN:ip=` shows it. */
  readonly ip: string
  /** Raw bytes, after any reply still queued for the client. */
  write(bytes: Buffer): void
  /** Bytes queued but not yet sent (client-output-buffer-limit replica reads this). */
  readonly pendingBytes: number
  /** Close the link (its queued bytes are dropped). */
  close(): void
  /** Called once when the connection is gone, whoever closed it. */
  onClose(listener: () => void): void
}

export interface MasterClientHooks {
  /**
   * After each command of the master's stream ran (and before the next one):
   * `consumed` = bytes of the stream parsed so far on this link, through the
   * end of that command — the replica's reploff is its start offset plus this.
   */
  commandDone(consumed: number): void
}

export interface MasterClientHandle {
  readonly client: ClientState
  /** Bytes read from the master socket: every complete command runs now. Replies are dropped, as Redis does for its master. */
  feed(chunk: Buffer): void
  /** Forget the client (the link closed or is replaced); the socket itself belongs to the caller. */
  detach(): void
}
