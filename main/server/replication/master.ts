/**
 * The master side of replication (replication.c of Redis 7.0.15; the contract
 * is MasterSide in replication.ts): replicas attached to this server.
 *
 * A replica asks with SYNC or PSYNC. PSYNC resumes from the backlog when the
 * id and offset allow it (+CONTINUE, then exactly the bytes it missed);
 * otherwise the replica gets a full sync: a point-in-time snapshot taken
 * while we keep serving (full-sync.ts), announced with +FULLRESYNC <id>
 * <offset>. From that moment every byte of the stream is held for the replica
 * and sent right after the snapshot, so its offset after loading is exactly
 * the announced one. Links then stay "online": the stream is written as it is
 * fed, REPLCONF ACK tells us how far each replica got (WAIT,
 * min-replicas-to-write, INFO lag), and the 1 Hz cron pings, drops silent
 * replicas, enforces the output-buffer limit and frees an unused backlog.
 */
import type { CommandContext, ClientState } from '../context'
import type { CommandSpec } from '../commands/types'
import type { Reply } from '../protocol/reply'
import { ERR_NOT_INTEGER, NO_REPLY, array, bulk, error, int } from '../protocol/replies'
import { parseInt64 } from '../commands/parse'
import { block } from '../blocking'
import type { MasterSide, PsyncRequest, Replication } from './replication'
import { ReplicaLink, defaultReplicaOptions, overLimit, replicaBufferLimit, type OutputBufferLimit, type ReplicaOptions } from './master-link'
import { FullSync } from './full-sync'
import type { FailoverCandidate } from './failover'

const NOREPLICAS = error('NOREPLICAS Not enough good replicas to write.')
const NEWLINE = Buffer.from('\n')

interface Waiter {
  readonly client: ClientState
  readonly offset: number
  readonly numReplicas: number
}

class MasterSideImpl implements MasterSide {
  /** server.slaves, in the order they attached, by client id. */
  private readonly links = new Map<number, ReplicaLink>()
  /** REPLCONF options of clients that have not (yet) sent SYNC/PSYNC. */
  private readonly options = new WeakMap<ClientState, ReplicaOptions>()
  private readonly waiters: Waiter[] = []
  /** c->woff of each client that wrote. */
  private readonly writeOffsets = new WeakMap<ClientState, number>()
  /** The client whose write (or EXEC) ran last; its woff is settled when the next command arrives. */
  private lastWriter: ClientState | undefined
  private getackScheduled = false
  private cronLoops = 0
  private bufferLimit: OutputBufferLimit = replicaBufferLimit(undefined)
  private configFollowed = false
  /** min-replicas-to-write while followed (undefined: read the config each time). */
  private minReplicasToWrite: number | undefined
  private readonly fullSync: FullSync

  constructor(private readonly replication: Replication) {
    this.fullSync = new FullSync(replication, {
      links: () => this.links.values(),
      putOnline: (link) => this.putOnline(link),
      startStream: (link) => this.startStream(link),
      send: (link, bytes) => this.send(link, bytes),
    })
  }

  /**
   * The config is read once it exists (the Replication object is built while
   * the server is, before its config is set) and followed from then on.
   */
  private followConfig(): void {
    if (this.configFollowed) return
    this.configFollowed = true
    const replication = this.replication
    const config = this.server.config
    this.bufferLimit = replicaBufferLimit(config.get('client-output-buffer-limit'))
    const live = config as { onChange?: (listener: (name: string, value: string) => void) => unknown }
    if (live.onChange) this.minReplicasToWrite = config.number('min-replicas-to-write')
    live.onChange?.((name) => {
      if (name === 'min-replicas-to-write') this.minReplicasToWrite = config.number(name)
      if (name === 'client-output-buffer-limit') this.bufferLimit = replicaBufferLimit(config.get(name))
      // resizeReplicationBacklog: CONFIG SET repl-backlog-size takes effect at once.
      if (name === 'repl-backlog-size') replication.backlog?.resize(config.number(name) || 1024 * 1024)
    })
  }

  private get server() {
    return this.replication.server
  }

  private get log() {
    return this.server.core.log
  }

  get replicaCount(): number {
    return this.links.size
  }

  // ---- SYNC / PSYNC ------------------------------------------------------------

  sync(ctx: CommandContext, request: PsyncRequest | undefined): Reply {
    const replication = this.replication
    // syncCommand: ignore SYNC from a client that is a replica link already.
    if (this.links.has(ctx.client.id)) return NO_REPLY
    this.followConfig()
    if (request?.failover) {
      if (!replication.replica.isReplica) return error("ERR PSYNC FAILOVER can't be sent to a master.")
      if (request.replId !== replication.replId) return error('ERR PSYNC FAILOVER replid must match my replid.')
      // We take over: our id becomes replid2, so the old master's PSYNC (its id, its offset + 1) is answered +CONTINUE below.
      replication.replica.promote()
      this.log.notice(`MASTER MODE enabled (failover request from '${this.server.core.describeClient(ctx.client)}')`)
    }
    if (replication.failoverState !== 'no-failover') return error("NOMASTERLINK Can't SYNC while failing over")
    if (replication.replica.isReplica && !replication.replica.infoLines().includes('master_link_status:up')) {
      return error("NOMASTERLINK Can't SYNC while not connected with my master")
    }
    const options = this.optionsOf(ctx.client)
    if (options.excludeData && !options.capaEof) return error('ERR Filtered replica requires EOF capability')
    this.log.notice(`Replica ${this.nameBefore(ctx, options)} asks for synchronization`)
    if (request) {
      if (this.tryPartialResync(ctx, options, request)) {
        replication.stats.syncPartialOk++
        return NO_REPLY
      }
      if (!request.replId.startsWith('?')) replication.stats.syncPartialErr++
    }
    replication.stats.syncFull++
    const link = this.attach(ctx, options, request === undefined)
    if (!replication.backlog) {
      replication.changeReplicationId()
      replication.clearReplicationId2()
      replication.createBacklog()
      this.log.notice(`Replication backlog created, my new replication IDs are '${replication.replId}' and '${replication.replId2}'`)
    }
    this.fullSync.requested(link)
    return NO_REPLY
  }

  /** masterTryPartialResynchronization. */
  private tryPartialResync(ctx: CommandContext, options: ReplicaOptions, request: PsyncRequest): boolean {
    const replication = this.replication
    const name = this.nameBefore(ctx, options)
    if (!replication.idMatches(request.replId, request.offset)) {
      if (request.replId.startsWith('?')) {
        this.log.notice(`Full resync requested by replica ${name}`)
      } else if (request.replId !== replication.replId && request.replId !== replication.replId2) {
        this.log.notice(
          `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${request.replId}', my replication IDs are '${replication.replId}' and '${replication.replId2}')`,
        )
      } else {
        this.log.notice(
          `Partial resynchronization not accepted: Requested offset for second ID was ${request.offset}, but I can reply up to ${replication.secondReplOffset}`,
        )
      }
      return false
    }
    const backlog = replication.backlog
    const missed = backlog?.readFrom(request.offset)
    if (missed === undefined) {
      this.log.notice(`Unable to partial resync with replica ${name} for lack of backlog (Replica request was: ${request.offset}).`)
      if (request.offset > replication.masterReplOffset) {
        this.log.warning(`Warning: replica ${name} tried to PSYNC with an offset that is greater than the master replication offset.`)
      }
      return false
    }
    const link = this.attach(ctx, options, false)
    link.state = 'online'
    this.send(link, Buffer.from(options.capaPsync2 ? `+CONTINUE ${replication.replId}\r\n` : '+CONTINUE\r\n', 'latin1'))
    if (missed.length > 0) this.send(link, missed)
    link.streamWritten += missed.length
    this.log.notice(`Partial resynchronization request from ${link.name} accepted. Sending ${missed.length} bytes of backlog starting from offset ${request.offset}.`)
    return true
  }

  /** The client becomes a replica link (flag S). */
  private attach(ctx: CommandContext, options: ReplicaOptions, prePsync: boolean): ReplicaLink {
    const conn = this.server.core.becomeReplica?.(ctx.client)
    if (!conn) throw new Error('this server cannot serve replicas')
    const link = new ReplicaLink(conn, options, prePsync, Date.now())
    this.links.set(ctx.client.id, link)
    conn.onClose(() => this.detach(ctx.client.id, link))
    return link
  }

  /** freeClient of a replica. */
  private detach(clientId: number, link: ReplicaLink): void {
    if (this.links.get(clientId) !== link) return
    this.links.delete(clientId)
    this.log.warning(`Connection with replica ${link.name} lost.`)
    if (this.links.size === 0) this.replication.noReplicasSince = Date.now()
    this.fullSync.linkGone(link)
    this.serveWaiters()
  }

  private nameBefore(ctx: CommandContext, options: ReplicaOptions): string {
    const addr = this.server.core.clients().find((c) => c.id === ctx.client.id)?.addr ?? ''
    const peerIp = addr.startsWith('[') ? addr.slice(1, addr.lastIndexOf(']')) : addr.slice(0, addr.lastIndexOf(':'))
    const ip = options.address ?? peerIp
    if (!options.listeningPort) return `${ip}:<unknown-replica-port>`
    return ip.includes(':') ? `[${ip}]:${options.listeningPort}` : `${ip}:${options.listeningPort}`
  }

  private optionsOf(client: ClientState): ReplicaOptions {
    let options = this.options.get(client)
    if (!options) this.options.set(client, (options = defaultReplicaOptions()))
    return options
  }

  // ---- the stream ---------------------------------------------------------------

  /** Bytes to one link's socket, counted as replication output. */
  private send(link: ReplicaLink, bytes: Buffer): void {
    this.replication.stats.netReplOutputBytes += bytes.length
    link.bytesSent += bytes.length
    link.conn.write(bytes)
  }

  sendToReplicas(bytes: Buffer): void {
    if (this.links.size === 0) return
    const now = Date.now()
    for (const link of this.links.values()) {
      // Not announced yet (its +FULLRESYNC offset is set when its snapshot starts), or an rdb-only transfer.
      if (link.state === 'wait_bgsave_start' || link.state === 'rdb_transmitted' || link.options.rdbOnly) continue
      if (link.streaming) {
        this.send(link, bytes)
        link.streamWritten += bytes.length
      } else {
        link.hold(bytes)
      }
      this.enforceLimit(link, now)
    }
  }

  /** replicaPutOnline: the snapshot is delivered. False for an rdb-only replica, which gets nothing more. */
  private putOnline(link: ReplicaLink): boolean {
    if (link.options.rdbOnly) {
      link.state = 'rdb_transmitted'
      return false
    }
    link.state = 'online'
    link.ackTimeMs = Date.now()
    this.log.notice(`Synchronization with replica ${link.name} succeeded`)
    return true
  }

  /** replicaStartCommandStream: what was held since +FULLRESYNC goes now, then the stream flows. */
  private startStream(link: ReplicaLink): void {
    link.startStreamOnAck = false
    if (link.heldBytes > 0) {
      const held = link.takeHeld()
      this.send(link, held)
      link.streamWritten += held.length
    }
  }

  private enforceLimit(link: ReplicaLink, now: number): void {
    if (!overLimit(link, this.bufferLimit, now)) return
    const client = this.server.core.clients().find((c) => c.id === link.conn.client.id) ?? link.conn.client
    this.log.warning(`Client ${this.server.core.describeClient(client)} scheduled to be closed ASAP for overcoming of output buffer limits.`)
    link.conn.close()
  }

  disconnectReplicas(): void {
    for (const link of [...this.links.values()]) link.conn.close()
  }

  // ---- FAILOVER -------------------------------------------------------------------

  findReplica(host: string, port: number): FailoverCandidate | undefined {
    const wanted = host.toLowerCase()
    return this.failoverCandidates().find((r) => r.host.toLowerCase() === wanted && r.port === port)
  }

  failoverCandidates(): FailoverCandidate[] {
    return [...this.links.values()].map((link) => ({
      host: link.ip,
      port: link.options.listeningPort,
      online: link.state === 'online',
      ackOffset: link.ackOffset,
    }))
  }

  // ---- REPLCONF -------------------------------------------------------------------

  replconfOption(ctx: CommandContext, option: string, value: Buffer): Reply | undefined {
    const options = this.optionsOf(ctx.client)
    switch (option.toLowerCase()) {
      case 'listening-port': {
        const port = parseInt64(value)
        if (port === null) return ERR_NOT_INTEGER
        options.listeningPort = Number(port)
        return undefined
      }
      case 'ip-address': {
        if (value.length >= 256) return error(`ERR REPLCONF ip-address provided by replica instance is too long: ${value.length} bytes`)
        options.address = value.toString('latin1')
        return undefined
      }
      case 'capa': {
        const capa = value.toString('latin1').toLowerCase()
        if (capa === 'eof') options.capaEof = true
        else if (capa === 'psync2') options.capaPsync2 = true
        return undefined
      }
      case 'ack':
        this.ack(ctx, value)
        // A replica's ACK is never answered.
        return NO_REPLY
      case 'rdb-only': {
        const flag = parseInt64(value)
        if (flag === null) return ERR_NOT_INTEGER
        if (flag < 0n || flag > 1n) return error('ERR value is out of range, value must between 0 and 1')
        options.rdbOnly = flag === 1n
        return undefined
      }
      case 'rdb-filter-only': {
        const filters = value.toString('latin1').trim().split(/\s+/).filter(Boolean)
        for (const filter of filters) {
          if (filter.toLowerCase() !== 'functions') return error(`ERR Unsupported rdb-filter-only option: ${filter}`)
        }
        // Everything but the listed parts is filtered out: keys always (functions are all we could keep, and we have none).
        options.excludeData = true
        return undefined
      }
      default:
        return error(`ERR Unrecognized REPLCONF option: ${option}`)
    }
  }

  private ack(ctx: CommandContext, value: Buffer): void {
    const link = this.links.get(ctx.client.id)
    if (!link) return
    const offset = parseInt64(value)
    if (offset === null) return
    if (Number(offset) > link.ackOffset) link.ackOffset = Number(offset)
    link.ackTimeMs = Date.now()
    if (link.startStreamOnAck && link.state === 'online') this.startStream(link)
    if (this.waiters.length > 0) this.serveWaiters()
    // updateFailoverStatus runs after every event in Redis (beforeSleep); an ACK is the event that can complete the wait.
    if (this.replication.failoverState === 'waiting-for-sync') this.replication.failover.scheduleUpdate()
  }

  // ---- WAIT -----------------------------------------------------------------------

  /** replicationCountAcksByOffset. */
  private acksFor(offset: number): number {
    let count = 0
    for (const link of this.links.values()) if (link.state === 'online' && link.ackOffset >= offset) count++
    return count
  }

  /**
   * Commands run one at a time, so when the next command arrives every byte
   * the previous write fed is in the stream: that offset is its client's woff.
   */
  private settleWriteOffset(): void {
    if (!this.lastWriter) return
    this.writeOffsets.set(this.lastWriter, this.replication.masterReplOffset)
    this.lastWriter = undefined
  }

  wait(ctx: CommandContext, numReplicas: number, timeoutMs: number): Reply {
    this.settleWriteOffset()
    const offset = this.writeOffsets.get(ctx.client) ?? 0
    const acked = this.acksFor(offset)
    if (acked >= numReplicas || ctx.denyBlocking || !this.server.blocking) return int(acked)
    const waiter: Waiter = { client: ctx.client, offset, numReplicas }
    this.waiters.push(waiter)
    const reply = block(ctx, {
      keys: [],
      timeoutMs,
      tryServe: () => undefined,
      onTimeout: () => {
        this.forgetWaiter(waiter)
        return int(this.acksFor(offset))
      },
    })
    this.requestAcks()
    return reply
  }

  /** replicationRequestAckFromSlaves: one REPLCONF GETACK * per event-loop turn, however many clients wait. */
  private requestAcks(): void {
    if (this.getackScheduled) return
    this.getackScheduled = true
    setImmediate(() => {
      this.getackScheduled = false
      // Not while FAILOVER holds the writes (beforeSleep skips it while clients are paused): the stream must stand still for the target to catch up.
      if (this.links.size > 0 && !this.replication.replica.isReplica && this.replication.failoverState === 'no-failover') {
        this.replication.feedCommand(['REPLCONF', 'GETACK', '*'])
      }
    })
  }

  /** processClientsWaitingReplicas. */
  private serveWaiters(): void {
    const blocking = this.server.blocking
    for (const waiter of [...this.waiters]) {
      if (!blocking?.isBlocked(waiter.client)) {
        this.forgetWaiter(waiter)
        continue
      }
      const acked = this.acksFor(waiter.offset)
      if (acked < waiter.numReplicas) continue
      this.forgetWaiter(waiter)
      blocking.release(waiter.client, int(acked))
    }
  }

  private forgetWaiter(waiter: Waiter): void {
    const at = this.waiters.indexOf(waiter)
    if (at >= 0) this.waiters.splice(at, 1)
  }

  // ---- min-replicas-to-write ----------------------------------------------------------

  /** repl_good_slaves_count: online replicas whose last ACK is at most min-replicas-max-lag seconds old. */
  private goodReplicas(maxLagSec: number, now: number): number {
    let good = 0
    for (const link of this.links.values()) {
      if (link.state === 'online' && Math.floor((now - link.ackTimeMs) / 1000) <= maxLagSec) good++
    }
    return good
  }

  refuse(spec: CommandSpec, ctx: CommandContext): Reply | undefined {
    this.settleWriteOffset()
    const write = spec.flags.includes('write')
    // c->woff: the stream offset after this client's latest write (or EXEC), which WAIT waits for.
    if (write || spec.name === 'exec') this.lastWriter = ctx.client
    if (!write) return undefined
    const config = this.server.config
    // Every write asks: the directive is followed through CONFIG SET notifications once the config exists.
    const toWrite = this.minReplicasToWrite ?? config.number('min-replicas-to-write')
    if (!toWrite) return undefined
    const maxLag = config.number('min-replicas-max-lag')
    if (!maxLag || this.replication.replica.isReplica) return undefined
    return this.goodReplicas(maxLag, Date.now()) >= toWrite ? undefined : NOREPLICAS
  }

  // ---- INFO / ROLE ----------------------------------------------------------------

  infoLines(): string[] {
    const lines = [`connected_slaves:${this.links.size}`]
    const config = this.server.config
    const toWrite = config.number('min-replicas-to-write')
    const maxLag = config.number('min-replicas-max-lag')
    const now = Date.now()
    if (toWrite && maxLag) lines.push(`min_slaves_good_slaves:${this.goodReplicas(maxLag, now)}`)
    let i = 0
    for (const link of this.links.values()) {
      const state = infoState(link)
      if (state === '') continue
      const lag = link.state === 'online' ? Math.floor(now / 1000) - Math.floor(link.ackTimeMs / 1000) : 0
      lines.push(`slave${i}:ip=${link.ip},port=${link.options.listeningPort},state=${state},offset=${link.ackOffset},lag=${lag}`)
      i++
    }
    return lines
  }

  roleReplicas(): Reply[] {
    const rows: Reply[] = []
    for (const link of this.links.values()) {
      if (link.state !== 'online') continue
      rows.push(array([bulk(link.ip), bulk(String(link.options.listeningPort)), bulk(String(link.ackOffset))]))
    }
    return rows
  }

  /** mem_clients_slaves: what the replica links hold in their output buffers. */
  get outputBufferBytes(): number {
    let bytes = 0
    for (const link of this.links.values()) bytes += link.heldBytes + link.conn.pendingBytes
    return bytes
  }

  // ---- cron ------------------------------------------------------------------------

  cron(nowMs: number): void {
    this.followConfig()
    const replication = this.replication
    const config = this.server.config
    const isMaster = !replication.replica.isReplica
    // First, PING every repl-ping-replica-period seconds, in the stream (replicationFeedSlaves returns early on a replica).
    const period = Math.max(1, config.number('repl-ping-replica-period') || 10)
    // Not during a FAILOVER (manual_failover_in_progress): a ping would move the offset the target has to reach.
    const failingOver = replication.failoverState !== 'no-failover'
    if (isMaster && !failingOver && this.links.size > 0 && this.cronLoops % period === 0) replication.feedCommand(['ping'])
    this.cronLoops++
    // Then a newline to replicas still waiting for their snapshot (not counted in any offset).
    for (const link of this.links.values()) {
      if (link.state === 'wait_bgsave_start' || (link.state === 'wait_bgsave_end' && link.target === 'disk')) link.conn.write(NEWLINE)
    }
    const timeoutMs = (config.number('repl-timeout') || 60) * 1000
    for (const link of [...this.links.values()]) {
      if (link.state === 'online' && !link.prePsync && nowMs - link.ackTimeMs > timeoutMs) {
        this.log.warning(`Disconnecting timedout replica (streaming sync): ${link.name}`)
        link.conn.close()
        continue
      }
      // A diskless transfer the replica stopped reading (Redis sees its pipe writes stall).
      if (link.state === 'wait_bgsave_end' && link.target === 'socket' && link.stalledFor(nowMs) > timeoutMs) {
        this.log.warning(`Disconnecting timedout replica (full sync): ${link.name}`)
        link.conn.close()
        continue
      }
      this.enforceLimit(link, nowMs)
    }
    const ttl = config.number('repl-backlog-ttl')
    if (this.links.size === 0 && ttl > 0 && replication.backlog && isMaster && (nowMs - replication.noReplicasSince) / 1000 > ttl) {
      replication.changeReplicationId()
      replication.clearReplicationId2()
      replication.freeBacklog()
      this.log.notice(`Replication backlog freed after ${ttl} seconds without connected replicas.`)
    }
    this.fullSync.startPending()
    if (this.waiters.length > 0) this.serveWaiters()
  }
}

/** replstateToString. */
function infoState(link: ReplicaLink): string {
  switch (link.state) {
    case 'wait_bgsave_start':
    case 'wait_bgsave_end':
      return 'wait_bgsave'
    case 'send_bulk':
      return 'send_bulk'
    case 'online':
      return 'online'
    default:
      return ''
  }
}

export function createMasterSide(replication: Replication): MasterSide {
  return new MasterSideImpl(replication)
}
