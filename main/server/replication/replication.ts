/**
 * Replication: the composition root both sides share, reached by handlers as
 * `ctx.server.replication`. It owns what a master and a replica have in
 * common — the replication ids and offset (PSYNC2), the backlog, the SELECT
 * state of the outgoing stream, the sync counters — and renders INFO
 * replication in Redis 7.0's field order. The two sides are separate modules:
 *
 *   master.ts  (MasterSide)  — replicas attached to us: SYNC/PSYNC, full sync
 *              from a snapshot (disk or diskless `$EOF:` transfer) with the
 *              writes made meanwhile buffered, +CONTINUE from the backlog,
 *              REPLCONF listening-port/capa/ack, WAIT, min-replicas-to-write,
 *              client-output-buffer-limit replica, pings, repl-timeout.
 *   replica.ts (ReplicaSide) — our link to a master: REPLICAOF/SLAVEOF and the
 *              `replicaof` directive, the handshake, PSYNC (or SYNC), receiving
 *              and loading the snapshot, applying the stream as the master
 *              client, REPLCONF ACK/GETACK, read-only and stale-data refusals.
 *
 * ## The stream and its offsets (as replication.c)
 * Every byte of the replication stream goes through `feed(bytes)`: it moves
 * master_repl_offset, lands in the backlog (when there is one) and is sent to
 * every attached replica (MasterSide.sendToReplicas). On a master the bytes
 * come from the propagation of write effects (encoded here, with SELECT when
 * the db changes) plus the master's own pings / REPLCONF GETACK
 * (`feedCommand`). On a replica they are the exact bytes applied from its
 * master (ReplicaSide calls `feed` per applied chunk), so a chain shares one
 * replication id and one offset space and the replica never generates a
 * stream of its own. Nothing is fed while there is no backlog: like Redis, a
 * master without replicas keeps offset 0 until the first replica arrives
 * (`createBacklog`).
 */
import { randomBytes } from 'node:crypto'
import type { CommandContext, ServerContext } from '../context'
import type { CommandSpec } from '../commands/types'
import type { Reply } from '../protocol/reply'
import { ReplicationBacklog } from './backlog'
import { StreamEncoder, encodeCommand, type ArgInput } from './propagation'
import { createMasterSide } from './master'
import { createReplicaSide } from './replica'
import { Failover, type FailoverCandidate } from './failover'

/** PSYNC's arguments; `failover` for `PSYNC <id> <offset> FAILOVER` (FAILOVER command, issue 6). */
export interface PsyncRequest {
  readonly replId: string
  readonly offset: number
  readonly failover?: boolean
}

/** The side that serves replicas (master.ts). */
export interface MasterSide {
  /**
   * SYNC (`request` undefined) and PSYNC. Refusals are error replies. Once
   * accepted the connection becomes a replica link (core.becomeReplica) and
   * the answer (+FULLRESYNC / +CONTINUE / the SYNC payload) is written by the
   * master side itself: the handler then returns NO_REPLY.
   */
  sync(ctx: CommandContext, request: PsyncRequest | undefined): Reply
  /**
   * One REPLCONF option other than GETACK: listening-port, ip-address, capa,
   * ack (NO_REPLY: a replica's ACK gets no answer), rdb-only, rdb-filter-only.
   * undefined = accepted (the handler answers +OK after the last option);
   * an error reply stops the command.
   */
  replconfOption(ctx: CommandContext, option: string, value: Buffer): Reply | undefined
  /** WAIT numreplicas timeout: the count now, or blocks the client until enough ACKs or the timeout. */
  wait(ctx: CommandContext, numReplicas: number, timeoutMs: number): Reply
  /** Stream bytes (already counted and put in the backlog) to every replica link, or into its buffer while its full sync runs. */
  sendToReplicas(bytes: Buffer): void
  /** Close every replica link (promotion, a new full sync upstream, REPLICAOF). */
  disconnectReplicas(): void
  /** FAILOVER TO host port: the replica link announced as host:port (findReplica), in any state. */
  findReplica(host: string, port: number): FailoverCandidate | undefined
  /** FAILOVER without TO: every replica link, in the order they attached. */
  failoverCandidates(): FailoverCandidate[]
  /** Replica links in any state (INFO connected_slaves counts those). */
  readonly replicaCount: number
  /** Bytes waiting in the replica links' output (held stream + socket queue): INFO memory mem_clients_slaves. */
  readonly outputBufferBytes: number
  /** INFO lines from connected_slaves through the slaveN lines (min_slaves_good_slaves included when enabled). */
  infoLines(): string[]
  /** ROLE on a master: [ip, port, ack offset] of each online replica (bulk strings). */
  roleReplicas(): Reply[]
  /** NOREPLICAS for a write when min-replicas-to-write is not met, else undefined. */
  refuse(spec: CommandSpec, ctx: CommandContext): Reply | undefined
  /** Once per second: pings, repl-timeout, output-buffer limits, backlog TTL, good-replica count, keepalive newlines. */
  cron(nowMs: number): void
}

/** The side that follows a master (replica.ts). */
export interface ReplicaSide {
  /** A master is configured (REPLICAOF host port, or the `replicaof` directive). */
  readonly isReplica: boolean
  /** REPLICAOF / SLAVEOF (argument checks done by the handler; `undefined` = NO ONE). */
  replicaof(ctx: CommandContext, master: { host: string; port: number } | undefined): Reply
  /** replicationSetMaster for FAILOVER: follow the target (its PSYNC carries FAILOVER while failoverState is failover-in-progress). */
  follow(host: string, port: number): void
  /** replicationUnsetMaster without a user request (PSYNC FAILOVER received, or a failover aborted after the switch). */
  promote(): void
  /** REPLCONF GETACK from our master: sends REPLCONF ACK <offset> on the link; NO_REPLY. */
  getack(ctx: CommandContext): Reply
  /** The `replicaof` directive at start-up (after the data was loaded from disk). */
  start(): void
  /** INFO lines from master_host through replica_announced; [] on a master. */
  infoLines(): string[]
  /** ROLE on a replica: ["slave", host, port, state, offset]. */
  roleReply(): Reply
  /** READONLY / MASTERDOWN for a command from a normal client, else undefined. */
  refuse(spec: CommandSpec, ctx: CommandContext): Reply | undefined
  /** Once per second: ACK to the master, repl-timeout, reconnect. */
  cron(nowMs: number): void
  /** Close the link (SHUTDOWN). */
  close(): void
  /** The db the master's stream has selected (RDB AUX repl-stream-db); undefined when no master state is known. */
  readonly streamDb: number | undefined
  /** Start-up with `replicaof`: the RDB's repl-id / repl-offset / repl-stream-db become the cached master, so PSYNC can continue. */
  restoreFromRdb(state: { replId: string; reploff: number; db: number }): void
}

/** INFO stats counters (sync_full, sync_partial_ok, sync_partial_err, total_net_repl_*). */
export interface ReplicationStats {
  syncFull: number
  syncPartialOk: number
  syncPartialErr: number
  netReplInputBytes: number
  netReplOutputBytes: number
}

function newReplicationId(): string {
  return randomBytes(20).toString('hex')
}

const NO_REPLID = '0'.repeat(40)

export class Replication {
  replId = newReplicationId()
  replId2 = NO_REPLID
  /** second_repl_offset: replId2 is valid for PSYNC offsets up to this one; -1 when unset. */
  secondReplOffset = -1
  /** master_repl_offset: bytes of the stream so far (on a replica: of the master's stream it applied). */
  masterReplOffset = 0
  backlog: ReplicationBacklog | undefined
  /** Milliseconds since the epoch when the last replica left (repl-backlog-ttl counts from here). */
  noReplicasSince = Date.now()
  readonly stats: ReplicationStats = { syncFull: 0, syncPartialOk: 0, syncPartialErr: 0, netReplInputBytes: 0, netReplOutputBytes: 0 }
  /** master_failover_state (FAILOVER, issue 6): written by `failover` only. */
  failoverState: 'no-failover' | 'waiting-for-sync' | 'failover-in-progress' = 'no-failover'
  readonly failover: Failover

  readonly master: MasterSide
  readonly replica: ReplicaSide
  private readonly encoder = new StreamEncoder()
  private stopFeeding: (() => void) | undefined

  constructor(readonly server: ServerContext) {
    this.master = createMasterSide(this)
    this.replica = createReplicaSide(this)
    this.failover = new Failover(this)
  }

  // ---- ids (replication.c changeReplicationId / clearReplicationId2 / shiftReplicationId) ----

  changeReplicationId(): void {
    this.replId = newReplicationId()
  }

  clearReplicationId2(): void {
    this.replId2 = NO_REPLID
    this.secondReplOffset = -1
  }

  /** On promotion: the old id stays valid for PSYNC up to the current offset, under a new id. */
  shiftReplicationId(): void {
    this.replId2 = this.replId
    this.secondReplOffset = this.masterReplOffset + 1
    this.changeReplicationId()
  }

  /** PSYNC2's acceptance test for an id/offset pair (masterTryPartialResynchronization, the id part). */
  idMatches(replId: string, offset: number): boolean {
    if (replId === this.replId) return true
    return replId === this.replId2 && this.secondReplOffset >= 0 && offset <= this.secondReplOffset
  }

  // ---- backlog -------------------------------------------------------------

  /** createReplicationBacklog: when the first replica attaches (and on every replica after its sync). */
  createBacklog(): ReplicationBacklog {
    if (!this.backlog) {
      this.backlog = new ReplicationBacklog(this.server.config.number('repl-backlog-size') || 1024 * 1024, this.masterReplOffset)
      this.updateFeeding()
    }
    return this.backlog
  }

  /** freeReplicationBacklog (repl-backlog-ttl on a master without replicas): a new id, as Redis, since the history is gone. */
  freeBacklog(): void {
    this.backlog = undefined
    this.updateFeeding()
  }

  // ---- the stream ----------------------------------------------------------

  /** Bytes of the replication stream: offset, backlog, replicas. */
  feed(bytes: Buffer): void {
    if (bytes.length === 0) return
    this.masterReplOffset += bytes.length
    this.backlog?.append(bytes)
    this.master.sendToReplicas(bytes)
  }

  /** A command the master itself puts in the stream (ping, REPLCONF GETACK *): no SELECT needed. */
  feedCommand(argv: readonly ArgInput[]): void {
    if (!this.backlog && this.master.replicaCount === 0) return
    this.feed(encodeCommand(argv))
  }

  /** slaveseldb = -1: the next effect is preceded by a SELECT (new full sync, promotion, new backlog). */
  forceSelect(): void {
    this.encoder.reset()
  }

  /** repl-stream-db for the RDB AUX fields. */
  get streamDb(): number {
    return this.replica.streamDb ?? Math.max(0, this.encoder.selected)
  }

  /** The role switched (ReplicaSide calls this): a master generates the stream from its effects, a replica proxies its master's. */
  updateFeeding(): void {
    const generate = !this.replica.isReplica && this.backlog !== undefined
    if (generate && !this.stopFeeding) {
      this.forceSelect()
      this.stopFeeding = this.server.propagation?.subscribe((dbIndex, argv) => this.feed(this.encoder.encode(dbIndex, argv)))
    } else if (!generate && this.stopFeeding) {
      this.stopFeeding()
      this.stopFeeding = undefined
    }
  }

  // ---- what the server asks --------------------------------------------------

  /** processCommand's replication refusals (NOREPLICAS, READONLY, MASTERDOWN), in Redis's order. */
  refuse(spec: CommandSpec, ctx: CommandContext): Reply | undefined {
    return this.master.refuse(spec, ctx) ?? this.replica.refuse(spec, ctx)
  }

  /** replicationCron, once per second. */
  cron(nowMs: number): void {
    this.replica.cron(nowMs)
    this.master.cron(nowMs)
  }

  /** INFO replication, in server.c's order. */
  infoLines(): string[] {
    const backlog = this.backlog
    return [
      `role:${this.replica.isReplica ? 'slave' : 'master'}`,
      ...this.replica.infoLines(),
      ...this.master.infoLines(),
      `master_failover_state:${this.failoverState}`,
      `master_replid:${this.replId}`,
      `master_replid2:${this.replId2}`,
      `master_repl_offset:${this.masterReplOffset}`,
      `second_repl_offset:${this.secondReplOffset}`,
      `repl_backlog_active:${backlog ? 1 : 0}`,
      `repl_backlog_size:${this.server.config.number('repl-backlog-size') || 1048576}`,
      `repl_backlog_first_byte_offset:${backlog ? backlog.firstByteOffset : 0}`,
      `repl_backlog_histlen:${backlog ? backlog.histlen : 0}`,
    ]
  }
}
