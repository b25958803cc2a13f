/**
 * The replica side of replication (contract in replication.ts), as Redis
 * 7.0's replication.c does it for `server.masterhost`:
 *
 *   connect ──► handshake (PING; AUTH, REPLCONF listening-port/ip-address/capa
 *   pipelined; PSYNC) ──► +FULLRESYNC: transfer (sync-receiver.ts), flush, load
 *                     └─► +CONTINUE: resume the cached master
 *   ──► connected: the socket's bytes run as the master client
 *       (core.attachMasterClient); the bytes applied are fed to our own
 *       backlog and sub-replicas unchanged (one id, one offset space per chain).
 *
 * The state the next PSYNC needs (replid, offset, selected db) is the "cached
 * master": kept when the link drops, synthesized from our own ids when a master
 * becomes a replica, or restored from the RDB's AUX fields at start-up.
 *
 * A replica never generates a stream of its own (Replication.updateFeeding),
 * refuses writes from normal clients (replica-read-only) and, when the link is
 * down and replica-serve-stale-data is no, anything without the `stale` flag.
 * Keys expire logically for readers but are deleted only by the master's DEL:
 * the master client sees them as present (Database expiry policy).
 */
import { connect as connectSocket, type Socket } from 'node:net'
import { renameSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ReplicaSide, Replication } from './replication'
import type { CommandContext } from '../context'
import type { CommandSpec } from '../commands/types'
import type { ClientHandle, MasterClientHandle } from '../core'
import type { Reply } from '../protocol/reply'
import { NO_REPLY, OK, array, bulk, error, int, simple } from '../protocol/replies'
import { inTransaction } from '../commands/transactions'
import { encodeCommand } from './propagation'
import { handshakeSteps, parsePsyncReply, pingReplyAcceptable, takeLine, type HandshakeStep, type PsyncOutcome } from './handshake'
import { FileSink, ParsingSink, SyncPayloadReceiver } from './sync-receiver'
import { RdbStreamLoad } from '../persistence/rdb-load'
import { limitsFromConfig } from '../persistence/value-bridge'
import { rdbPath } from '../persistence/rdb-save'
import { createDatabases, type Database } from '../store/database'

const READONLY = error("READONLY You can't write against a read only replica.")
const UNBLOCKED = error('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)')
const MASTERDOWN = error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")

/** repl_state, with the handshake steps folded into three reading states. */
type LinkState = 'none' | 'connect' | 'connecting' | 'receive-ping' | 'receive-handshake' | 'receive-psync' | 'transfer' | 'connected'

/** What PSYNC needs to resume: the master's id, the last offset applied, the db its stream had selected. */
export interface CachedMaster {
  readonly replId: string
  readonly reploff: number
  readonly db: number
}

/** The full sync in progress. */
interface Transfer {
  readonly receiver: SyncPayloadReceiver
  /** The temp file (`repl-diskless-load disabled`, or on-empty-db with data), else undefined. */
  readonly file: FileSink | undefined
  /** Parses the payload as it arrives into `staging`, swapped in once the whole payload checks. */
  readonly load: RdbStreamLoad
  readonly staging: Database[]
  readonly replId: string
  readonly offset: number
}

/** The master client once the stream flows. */
interface StreamLink {
  readonly handle: MasterClientHandle
  /** Stream offset the link started at (reploff = start + applied). */
  readonly start: number
  /** Bytes of this link's stream applied (complete commands, never inside MULTI). */
  applied: number
  /** Bytes read from the socket since the stream started (read_reploff). */
  fed: number
  /** Bytes already passed to replication.feed. */
  forwarded: number
  /** Bytes read but not yet forwarded (the tail of the stream). */
  tail: Buffer
}

function socketErrorText(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'Connection refused'
    case 'ECONNRESET':
      return 'Connection reset by peer'
    case 'ETIMEDOUT':
      return 'Connection timed out'
    case 'EHOSTUNREACH':
      return 'No route to host'
    default:
      return e.message
  }
}

export class ReplicaLink implements ReplicaSide {
  private masterHost: string | undefined
  private masterPort = 0
  private state: LinkState = 'none'
  private socket: Socket | undefined
  private inbox: Buffer = Buffer.alloc(0)
  private pendingSteps: HandshakeStep[] = []
  /** The master spoke no PSYNC: the SYNC payload follows directly. */
  private usingSync = false
  private cached: CachedMaster | undefined
  private transfer: Transfer | undefined
  private link: StreamLink | undefined
  /** Unix ms of the last bytes from the master (or of the connect attempt). */
  private lastIo = 0
  /** repl_down_since: 0 = never connected. */
  private downSince = 0
  /** True while the master client's commands run: expired keys are still present for it. */
  private applying = false
  private closed = false
  private expiryInstalled = false

  constructor(private readonly replication: Replication) {}

  private get server() {
    return this.replication.server
  }

  private get log() {
    return this.replication.server.core.log
  }

  get isReplica(): boolean {
    return this.masterHost !== undefined
  }

  /** The db the master's stream has selected (the RDB's repl-stream-db on a replica). */
  get streamDb(): number | undefined {
    if (this.link) return this.link.handle.client.db
    return this.cached?.db
  }

  /** slave_repl_offset: what we applied of the master's stream. */
  private get reploff(): number | undefined {
    if (this.link) return this.link.start + this.link.applied
    return this.cached?.reploff
  }

  // ---- start-up ------------------------------------------------------------

  restoreFromRdb(state: CachedMaster): void {
    this.replication.replId = state.replId
    this.replication.masterReplOffset = state.reploff
    this.cached = state
  }

  start(): void {
    this.installExpiryPolicy()
    const configured = (this.server.config.get('replicaof') ?? '').trim()
    if (configured === '') return
    const [host, port] = configured.split(/\s+/)
    this.masterHost = host
    this.masterPort = Number(port)
    this.replication.updateFeeding()
    this.state = 'connect'
    this.connect()
  }

  // ---- REPLICAOF -----------------------------------------------------------

  replicaof(ctx: CommandContext, master: { host: string; port: number } | undefined): Reply {
    const who = this.server.core.describeClient(ctx.client)
    if (master === undefined) {
      if (this.isReplica) {
        this.unsetMaster()
        this.log.notice(`MASTER MODE enabled (user request from '${who}')`)
      }
      return OK
    }
    if ((ctx.client as Partial<ClientHandle>).kind === 'replica') return error('ERR Command is not valid when client is a replica.')
    if (this.masterHost !== undefined && this.masterHost.toLowerCase() === master.host.toLowerCase() && this.masterPort === master.port) {
      this.log.notice('REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.')
      return simple('OK Already connected to specified master')
    }
    this.setMaster(master.host, master.port)
    this.log.notice(`REPLICAOF ${master.host}:${master.port} enabled (user request from '${who}')`)
    return OK
  }

  follow(host: string, port: number): void {
    this.setMaster(host, port)
  }

  promote(): void {
    if (this.isReplica) this.unsetMaster()
  }

  /** replicationSetMaster: sub-replicas stay (they may PSYNC with us later); a master caches itself first. */
  private setMaster(host: string, port: number): void {
    this.installExpiryPolicy()
    const wasMaster = !this.isReplica
    this.dropStream()
    this.disconnectBlockedClients()
    this.cancelHandshake()
    this.masterHost = host
    this.masterPort = port
    if (wasMaster) {
      this.log.notice('Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.')
      this.cached = { replId: this.replication.replId, reploff: this.replication.masterReplOffset, db: this.replication.streamDb }
    }
    this.setReplicaofConfig(`${host} ${port}`)
    this.replication.updateFeeding()
    this.state = 'connect'
    this.connect()
  }

  /** disconnectAllBlockedClients: a pop that waited on a master's data must not wait on a replica's. */
  private disconnectBlockedClients(): void {
    const blocking = this.server.blocking
    if (!blocking || blocking.blockedCount === 0) return
    for (const client of this.server.core.clients()) {
      if (!blocking.isBlocked(client)) continue
      blocking.release(client, UNBLOCKED)
      client.closeAfterReply = true
    }
  }

  /** replicationUnsetMaster: keep the data, take a new id (the old one stays valid up to here), replicas resync with us. */
  private unsetMaster(): void {
    this.dropStream()
    this.cancelHandshake()
    if (this.cached) this.log.notice('Discarding previously cached master state.')
    this.cached = undefined
    this.masterHost = undefined
    this.masterPort = 0
    this.state = 'none'
    this.replication.shiftReplicationId()
    this.log.notice(
      `Setting secondary replication ID to ${this.replication.replId2}, valid up to offset: ${this.replication.secondReplOffset}. New replication ID is ${this.replication.replId}`,
    )
    this.replication.master.disconnectReplicas()
    this.replication.forceSelect()
    this.replication.noReplicasSince = Date.now()
    this.setReplicaofConfig('')
    this.replication.updateFeeding()
  }

  /** CONFIG GET replicaof follows the current master, as Redis's getter reads server.masterhost. */
  private setReplicaofConfig(value: string): void {
    const config = this.server.config as { setLoaded?: (name: string, value: string) => void }
    config.setLoaded?.('replicaof', value)
  }

  // ---- the connection and handshake ------------------------------------------

  private connect(): void {
    if (this.closed || this.masterHost === undefined) return
    this.log.notice(`Connecting to MASTER ${this.masterHost}:${this.masterPort}`)
    const socket = connectSocket({ host: this.masterHost, port: this.masterPort })
    socket.setNoDelay(!this.server.config.bool('repl-disable-tcp-nodelay'))
    this.socket = socket
    this.inbox = Buffer.alloc(0)
    this.state = 'connecting'
    this.lastIo = Date.now()
    this.log.notice('MASTER <-> REPLICA sync started')
    socket.once('connect', () => {
      if (socket !== this.socket) return
      this.log.notice('Non blocking connect for SYNC fired the event.')
      this.lastIo = Date.now()
      this.state = 'receive-ping'
      socket.write(encodeCommand(['PING']))
    })
    socket.on('data', (chunk: Buffer) => {
      if (socket === this.socket) this.onData(chunk)
    })
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (socket !== this.socket) return
      if (this.state === 'connected') this.log.notice(`Error reading from MASTER: ${socketErrorText(e)}`)
      else this.log.warning(`Error condition on socket for SYNC: ${socketErrorText(e)}`)
    })
    socket.on('close', () => {
      if (socket === this.socket) this.onClosed()
    })
  }

  private onClosed(): void {
    this.socket = undefined
    if (this.state === 'connected') {
      this.log.notice('Connection with master lost.')
      this.dropStream()
    } else {
      this.cancelHandshake()
    }
    if (this.masterHost !== undefined && !this.closed) this.state = 'connect'
  }

  private onData(chunk: Buffer): void {
    this.lastIo = Date.now()
    this.replication.stats.netReplInputBytes += chunk.length
    if (this.state === 'connected') {
      this.feedStream(chunk)
      return
    }
    if (this.state === 'transfer') {
      this.receive(chunk)
      return
    }
    this.inbox = this.inbox.length === 0 ? chunk : Buffer.concat([this.inbox, chunk])
    while (this.state === 'receive-ping' || this.state === 'receive-handshake' || this.state === 'receive-psync') {
      const taken = takeLine(this.inbox)
      if (!taken) return
      this.inbox = taken.rest
      this.onReplyLine(taken.line)
    }
    // The payload or the stream may have arrived with the reply line.
    const rest = this.inbox
    this.inbox = Buffer.alloc(0)
    // onReplyLine moved the state on (TypeScript's narrowing does not see it).
    const state = this.state as LinkState
    if (rest.length === 0) return
    if (state === 'transfer') this.receive(rest)
    else if (state === 'connected') this.feedStream(rest)
  }

  private onReplyLine(line: string): void {
    const socket = this.socket
    if (!socket) return
    if (this.state === 'receive-ping') {
      if (!pingReplyAcceptable(line)) {
        this.log.warning(`Error reply to PING from master: '${line}'`)
        this.abortAttempt()
        return
      }
      this.log.notice('Master replied to PING, replication can continue...')
      this.pendingSteps = handshakeSteps(this.server.config, this.server.core.tcpPort)
      socket.write(Buffer.concat(this.pendingSteps.map((s) => s.bytes)))
      this.state = 'receive-handshake'
      return
    }
    if (this.state === 'receive-handshake') {
      const step = this.pendingSteps.shift()
      if (step && line.startsWith('-')) {
        if (step.name === 'auth') {
          this.log.warning(`Unable to AUTH to MASTER: ${line}`)
          this.abortAttempt()
          return
        }
        const what = step.name === 'port' ? 'listening-port' : step.name === 'ip' ? 'ip-address' : 'capa'
        this.log.notice(`(Non critical) Master does not understand REPLCONF ${what}: ${line}`)
      }
      if (this.pendingSteps.length === 0) this.sendPsync(socket)
      return
    }
    // receive-psync: bare newlines are the master's keepalives while it prepares a diskless transfer.
    if (line === '') return
    this.onPsyncReply(line, socket)
  }

  private sendPsync(socket: Socket): void {
    const cached = this.cached
    // A master handing over (FAILOVER) asks the target to take over in the same request.
    const failover = this.replication.failoverState === 'failover-in-progress' ? ['FAILOVER'] : []
    if (cached) {
      const request = `${cached.replId}:${cached.reploff + 1}`
      this.log.notice(`Trying a partial resynchronization (request ${request}).`)
      socket.write(encodeCommand(['PSYNC', cached.replId, String(cached.reploff + 1), ...failover]))
    } else {
      this.log.notice('Partial resynchronization not possible (no cached master)')
      socket.write(encodeCommand(['PSYNC', '?', '-1', ...failover]))
    }
    this.state = 'receive-psync'
  }

  private onPsyncReply(line: string, socket: Socket): void {
    const outcome = parsePsyncReply(line)
    const failingOver = this.replication.failoverState === 'failover-in-progress'
    if (failingOver && outcome.kind !== 'full' && outcome.kind !== 'continue') {
      // syncWithMaster: the target refused to take over; abortFailover makes us a master again.
      this.log.warning(`Unexpected reply to PSYNC from master: ${line}`)
      this.replication.failover.psyncAnswered(false)
      return
    }
    this.handlePsyncOutcome(outcome, line, socket)
    // Either kind of sync completes the hand-over (clearFailoverState): the held writes run now, and get READONLY.
    if (failingOver) this.replication.failover.psyncAnswered(true)
  }

  private handlePsyncOutcome(outcome: PsyncOutcome, line: string, socket: Socket): void {
    switch (outcome.kind) {
      case 'full':
        this.log.notice(`Full resync from master: ${outcome.replId}:${outcome.offset}`)
        if (this.cached) {
          this.log.notice('Discarding previously cached master state.')
          this.cached = undefined
        }
        this.beginTransfer(outcome.replId, outcome.offset)
        return
      case 'continue':
        this.continueStream(outcome.replId)
        return
      case 'retry-later':
        this.log.notice(`Master is currently unable to PSYNC but should be in the future: ${line}`)
        this.abortAttempt()
        return
      case 'not-supported':
        this.log.warning(`Master does not support PSYNC or is in error state (reply: ${line})`)
        this.log.notice('Retrying with SYNC...')
        this.usingSync = true
        socket.write(encodeCommand(['SYNC']))
        this.cached = undefined
        this.beginTransfer('', 0)
        return
      default:
        this.log.warning(`Unexpected reply to PSYNC from master: ${line}`)
        this.abortAttempt()
    }
  }

  /** The attempt failed: close the socket, try again from the cron. */
  private abortAttempt(): void {
    this.cancelHandshake()
    if (this.masterHost !== undefined) this.state = 'connect'
  }

  /** cancelReplicationHandshake: drop a transfer in progress (and its temp file) and the socket. */
  private cancelHandshake(): void {
    const transfer = this.transfer
    if (transfer) {
      this.transfer = undefined
      transfer.receiver.close()
      if (transfer.file) rmSync(transfer.file.path, { force: true })
    }
    this.usingSync = false
    this.pendingSteps = []
    if (this.state !== 'connected') {
      const socket = this.socket
      this.socket = undefined
      socket?.destroy()
    }
  }

  // ---- full sync -------------------------------------------------------------

  private useDisklessLoad(): boolean {
    const mode = this.server.config.get('repl-diskless-load') ?? 'disabled'
    if (mode === 'swapdb') return true
    return mode === 'on-empty-db' && this.server.databases.every((db) => db.storedKeyCount === 0)
  }

  private beginTransfer(replId: string, offset: number): void {
    const now = Date.now()
    const server = this.server
    let file: FileSink | undefined
    if (!this.useDisklessLoad()) {
      const path = resolve(process.cwd(), `temp-${Math.floor(now / 1000)}.${process.pid}.rdb`)
      try {
        file = new FileSink(path)
      } catch (e) {
        this.log.warning(`Opening the temp file needed for MASTER <-> REPLICA synchronization: ${(e as Error).message}`)
        this.abortAttempt()
        return
      }
    }
    // Every mode parses while the bytes arrive, into staging databases nobody reads; the served data changes only in finishFullSync.
    const staging = createDatabases(server.databases.length, server)
    const options = { fileName: file ? rdbPath(server) : '(socket)', now, dropExpired: false, limits: limitsFromConfig(server.config), log: this.log }
    // RESIZEDB's hints are bounded by the announced length (0 for an `$EOF:` stream); it is known before the first payload byte.
    const load = new RdbStreamLoad(staging, options, () => Math.max(0, receiver.totalBytes))
    const receiver = new SyncPayloadReceiver(new ParsingSink(file, (bytes) => load.push(bytes)), now, (m) => this.log.notice(m), file ? 'disk' : 'parser')
    this.transfer = { receiver, file, load, staging, replId, offset }
    this.state = 'transfer'
  }

  private receive(chunk: Buffer): void {
    const transfer = this.transfer
    if (!transfer) return
    let result
    try {
      result = transfer.receiver.push(chunk, Date.now())
    } catch (e) {
      this.log.warning(`Write error writing to the DB file needed for MASTER <-> REPLICA synchronization: ${(e as Error).message}`)
      this.abortAttempt()
      return
    }
    if (result.kind === 'more') return
    if (result.kind === 'error') {
      this.abortAttempt()
      return
    }
    this.finishFullSync(transfer, result.rest)
  }

  private finishFullSync(transfer: Transfer, rest: Buffer): void {
    const socket = this.socket
    if (!socket) return
    this.transfer = undefined
    transfer.receiver.close()
    const server = this.server
    const file = transfer.file
    const fileName = file ? rdbPath(server) : '(socket)'
    if (file) {
      try {
        renameSync(file.path, fileName)
      } catch (e) {
        this.log.warning(`Failed trying to rename the temp DB into ${server.config.get('dbfilename') ?? 'dump.rdb'} in MASTER <-> REPLICA synchronization: ${(e as Error).message}`)
        rmSync(file.path, { force: true })
        this.abortAttempt()
        return
      }
    }
    // replicationAttachToNewMaster: our sub-replicas hold the old history and must resync with us.
    this.replication.master.disconnectReplicas()
    this.replication.freeBacklog()
    // The payload was parsed into staging databases while it arrived; the old data is still what clients see.
    // swapdb keeps it until the new data checks; the other modes drop it first, as Redis flushes before loading.
    const swap = !file && server.config.get('repl-diskless-load') === 'swapdb'
    if (!swap) {
      this.log.notice('MASTER <-> REPLICA sync: Flushing old data')
      for (const db of server.databases) db.flush()
    }
    this.log.notice('MASTER <-> REPLICA sync: Loading DB in memory')
    let streamDb = 0
    try {
      // The EOF and CRC64 of the whole payload are checked here: nothing parsed is served before this passes.
      const stats = transfer.load.finish()
      const db = Number(stats.aux.get('repl-stream-db'))
      if (Number.isInteger(db) && db >= 0 && db < server.databases.length) streamDb = db
      if (server.persistence) {
        server.persistence.rdbLastLoadKeysLoaded = stats.keysLoaded
        server.persistence.rdbLastLoadKeysExpired = stats.keysExpired
      }
    } catch (e) {
      this.log.warning(`${(e as Error).message}`)
      this.log.warning(`Failed trying to load the MASTER synchronization DB from ${file ? 'disk' : 'socket'}, check server logs.`)
      if (swap) this.log.notice('MASTER <-> REPLICA sync: Discarding the half-loaded data')
      this.abortAttempt()
      return
    }
    if (swap) this.log.notice('MASTER <-> REPLICA sync: Swapping the old data with the new one')
    server.databases.forEach((db, i) => db.swapContents(transfer.staging[i]))
    if (file && server.config.bool('rdb-del-sync-files') && (server.config.get('save') ?? '').trim() === '' && !server.config.bool('appendonly')) {
      this.log.notice('Removing the RDB file obtained from the master. This replica has persistence disabled')
      rmSync(fileName, { force: true })
    }
    // The master's history is ours now: its id, its offset, no secondary id.
    this.replication.replId = this.usingSync || transfer.replId === '' ? this.replication.replId : transfer.replId
    const start = this.usingSync || transfer.offset < 0 ? 0 : transfer.offset
    this.replication.masterReplOffset = start
    this.replication.clearReplicationId2()
    this.replication.createBacklog()
    this.usingSync = false
    this.log.notice('MASTER <-> REPLICA sync: Finished with success')
    try {
      server.aof?.restartAfterFullSync()
    } catch (e) {
      this.log.warning(`Failed enabling the AOF after successful master synchronization! Trying it again in one second. (${(e as Error).message})`)
    }
    this.attachStream(socket, start, streamDb)
    // The first ACK puts us online (a diskless master waits for it before streaming).
    this.sendAck()
    if (rest.length > 0) this.feedStream(rest)
  }

  // ---- partial resync ------------------------------------------------------------

  private continueStream(newId: string | undefined): void {
    const socket = this.socket
    const cached = this.cached
    if (!socket || !cached) {
      this.abortAttempt()
      return
    }
    this.log.notice('Successful partial resynchronization with master.')
    if (newId !== undefined && newId !== cached.replId) {
      this.log.warning(`Master replication ID changed to ${newId}`)
      this.replication.replId2 = cached.replId
      this.replication.secondReplOffset = this.replication.masterReplOffset + 1
      this.replication.replId = newId
      // Our sub-replicas must learn the new id: they reconnect and PSYNC with the old one (now our replid2).
      this.replication.master.disconnectReplicas()
    }
    if (!this.replication.backlog) this.replication.createBacklog()
    this.log.notice('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.')
    this.cached = undefined
    this.attachStream(socket, cached.reploff, cached.db)
  }

  // ---- the stream ----------------------------------------------------------

  private attachStream(socket: Socket, start: number, db: number): void {
    const core = this.server.core
    if (!core.attachMasterClient) throw new Error('this server cannot run a master client')
    const link: StreamLink = {
      handle: core.attachMasterClient(socket, {
        commandDone: (consumed) => {
          // Inside MULTI nothing counts as applied until EXEC (commandProcessed): a broken link resends the whole transaction.
          if (!inTransaction(link.handle.client)) link.applied = consumed
        },
      }),
      start,
      applied: 0,
      fed: 0,
      forwarded: 0,
      tail: Buffer.alloc(0),
    }
    link.handle.client.db = db
    this.link = link
    this.state = 'connected'
    this.downSince = 0
    this.lastIo = Date.now()
  }

  private feedStream(chunk: Buffer): void {
    const link = this.link
    if (!link) return
    link.fed += chunk.length
    link.tail = link.tail.length === 0 ? chunk : Buffer.concat([link.tail, chunk])
    this.applying = true
    try {
      link.handle.feed(chunk)
    } finally {
      this.applying = false
    }
    // The bytes just applied go on to our backlog and sub-replicas, unchanged.
    const applied = link.applied - link.forwarded
    if (applied > 0 && this.link === link) {
      this.replication.feed(link.tail.subarray(0, applied))
      link.tail = link.tail.subarray(applied)
      link.forwarded = link.applied
    }
  }

  /** The master client goes away; its state is cached for the next PSYNC (replicationCacheMaster). */
  private dropStream(): void {
    const link = this.link
    if (!link) return
    this.link = undefined
    this.log.notice('Caching the disconnected master state.')
    this.cached = { replId: this.replication.replId, reploff: link.start + link.applied, db: link.handle.client.db }
    // What we forwarded is exactly what we applied: master_repl_offset stays equal to reploff.
    this.replication.masterReplOffset = link.start + link.forwarded
    link.handle.detach()
    const socket = this.socket
    this.socket = undefined
    socket?.destroy()
    this.downSince = Date.now()
    if (this.masterHost !== undefined) this.state = 'connect'
  }

  private sendAck(): void {
    const link = this.link
    const socket = this.socket
    if (!link || !socket || socket.destroyed) return
    socket.write(encodeCommand(['REPLCONF', 'ACK', String(link.start + link.applied)]))
  }

  getack(ctx: CommandContext): Reply {
    void ctx
    // The offset excludes the GETACK itself: its bytes count once it has run.
    this.sendAck()
    return NO_REPLY
  }

  // ---- refusals and expiry ------------------------------------------------------

  private isMasterClient(ctx: CommandContext): boolean {
    return this.link !== undefined && ctx.client.id === this.link.handle.client.id
  }

  refuse(spec: CommandSpec, ctx: CommandContext): Reply | undefined {
    if (this.masterHost === undefined || this.isMasterClient(ctx)) return undefined
    const config = this.server.config
    if (spec.flags.includes('write') && config.bool('replica-read-only')) return READONLY
    if (this.state !== 'connected' && !spec.flags.includes('stale') && !config.bool('replica-serve-stale-data')) return MASTERDOWN
    return undefined
  }

  /** expireIfNeeded on a replica: hidden from readers, still present for the master client, deleted only by its DEL. */
  private installExpiryPolicy(): void {
    if (this.expiryInstalled) return
    this.expiryInstalled = true
    for (const db of this.server.databases) {
      // A master under FAILOVER keeps its data set constant (Redis: expiry waits while clients are paused), so the stream stands still for the target.
      db.expiryPolicyOverride = () =>
        this.masterHost === undefined ? (this.replication.failoverState === 'no-failover' ? 'delete' : 'hide') : this.applying ? 'keep' : 'hide'
    }
  }

  // ---- cron, INFO, ROLE ------------------------------------------------------------

  cron(nowMs: number): void {
    if (this.closed || this.masterHost === undefined) return
    const timeoutMs = (this.server.config.number('repl-timeout') || 60) * 1000
    switch (this.state) {
      case 'connect':
        this.connect()
        return
      case 'connecting':
      case 'receive-ping':
      case 'receive-handshake':
      case 'receive-psync':
        if (nowMs - this.lastIo > timeoutMs) {
          this.log.warning('Timeout connecting to the MASTER...')
          this.abortAttempt()
        }
        return
      case 'transfer':
        if (this.transfer && nowMs - this.transfer.receiver.lastIo > timeoutMs) {
          this.log.warning("Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.")
          this.abortAttempt()
        }
        return
      case 'connected':
        if (nowMs - this.lastIo > timeoutMs) {
          this.log.warning('MASTER timeout: no data nor PING received...')
          this.dropStream()
          return
        }
        this.sendAck()
        return
      default:
    }
  }

  private roleState(): string {
    switch (this.state) {
      case 'none':
      case 'connect':
      case 'connecting':
        return this.state
      case 'transfer':
        return 'sync'
      case 'connected':
        return 'connected'
      default:
        return 'handshake'
    }
  }

  infoLines(): string[] {
    if (this.masterHost === undefined) return []
    const now = Date.now()
    const seconds = (since: number): number => Math.floor((now - since) / 1000)
    const link = this.link
    const reploff = this.reploff
    const lines = [
      `master_host:${this.masterHost}`,
      `master_port:${this.masterPort}`,
      `master_link_status:${this.state === 'connected' ? 'up' : 'down'}`,
      `master_last_io_seconds_ago:${link ? seconds(this.lastIo) : -1}`,
      `master_sync_in_progress:${this.state === 'transfer' ? 1 : 0}`,
      `slave_read_repl_offset:${link ? link.start + link.fed : (reploff ?? 1)}`,
      `slave_repl_offset:${reploff ?? 1}`,
    ]
    const transfer = this.transfer
    if (this.state === 'transfer' && transfer) {
      const r = transfer.receiver
      const perc = r.totalBytes > 0 ? (r.readBytes / r.totalBytes) * 100 : 0
      lines.push(
        `master_sync_total_bytes:${r.totalBytes}`,
        `master_sync_read_bytes:${r.readBytes}`,
        `master_sync_left_bytes:${r.totalBytes - r.readBytes}`,
        `master_sync_perc:${perc.toFixed(2)}`,
        `master_sync_last_io_seconds_ago:${seconds(r.lastIo)}`,
      )
    }
    if (this.state !== 'connected') lines.push(`master_link_down_since_seconds:${this.downSince ? seconds(this.downSince) : -1}`)
    const config = this.server.config
    lines.push(
      `slave_priority:${config.number('replica-priority')}`,
      `slave_read_only:${config.bool('replica-read-only') ? 1 : 0}`,
      `replica_announced:${config.bool('replica-announced') ? 1 : 0}`,
    )
    return lines
  }

  roleReply(): Reply {
    const link = this.link
    return array([bulk('slave'), bulk(this.masterHost ?? ''), int(this.masterPort), bulk(this.roleState()), int(link ? link.start + link.applied : -1)])
  }

  close(): void {
    this.closed = true
    this.cancelHandshake()
    const link = this.link
    if (link) {
      this.link = undefined
      link.handle.detach()
    }
    const socket = this.socket
    this.socket = undefined
    socket?.destroy()
  }
}

export function createReplicaSide(replication: Replication): ReplicaSide {
  return new ReplicaLink(replication)
}
