/**
 * Full synchronisation of replicas (startBgsaveForReplication,
 * rdbSaveToSlavesSockets, updateSlavesWaitingBgsave of Redis 7.0.15).
 *
 * Two targets, as `repl-diskless-sync` says:
 * - disk: a BGSAVE (persistence/bgsave.ts) writes dump.rdb; when it is done
 *   each replica gets `$<len>\r\n` + the file (no trailing CRLF), is put
 *   online and receives the stream held for it since +FULLRESYNC.
 * - socket (diskless): the snapshot engine streams the RDB straight to the
 *   replicas' sockets, framed `$EOF:<40 hex>\r\n` … `<the same 40 hex>`; the
 *   held stream follows the replica's first REPLCONF ACK (it needs to know
 *   the file ended before it can read commands).
 * Replicas arriving together share one snapshot: a diskless transfer waits
 * `repl-diskless-sync-delay` seconds (or `repl-diskless-sync-max-replicas`
 * arrivals) for company, and a replica arriving during a disk BGSAVE made for
 * another replica joins it with a copy of that replica's held stream.
 * One snapshot at a time, whoever wants it (BGSAVE, AOF rewrite, replicas), as
 * Redis runs one child at a time.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Replication } from './replication'
import type { ReplicaLink } from './master-link'
import { bgsaveService } from '../persistence/bgsave'
import { auxFieldsFor, rdbPath } from '../persistence/rdb-save'
import { RdbFileWriter } from '../persistence/rdb-file'
import { limitsFromConfig } from '../persistence/value-bridge'
import { startSnapshot, type SnapshotHandle } from '../persistence/snapshot'

/** What the master side lends the full sync. */
export interface FullSyncHost {
  links(): Iterable<ReplicaLink>
  /** replicaPutOnline; false for an rdb-only replica. */
  putOnline(link: ReplicaLink): boolean
  /** replicaStartCommandStream: the held stream goes out, then the stream flows. */
  startStream(link: ReplicaLink): void
  /** Bytes to the link's socket, counted as replication output. */
  send(link: ReplicaLink, bytes: Buffer): void
}

interface DiskJob {
  readonly links: Set<ReplicaLink>
}

interface SocketJob {
  readonly links: Set<ReplicaLink>
  readonly mark: Buffer
  snapshot: SnapshotHandle | undefined
}

/** How often waiting replicas are looked at (Redis checks in serverCron, at `hz`). */
const PENDING_CHECK_MS = 100

export class FullSync {
  private diskJob: DiskJob | undefined
  private socketJob: SocketJob | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly gone = new WeakSet<ReplicaLink>()

  constructor(
    private readonly replication: Replication,
    private readonly host: FullSyncHost,
  ) {}

  private get server() {
    return this.replication.server
  }

  private get log() {
    return this.server.core.log
  }

  /** A diskless transfer runs (INFO, tests). */
  get socketTransferInProgress(): boolean {
    return this.socketJob !== undefined
  }

  /** syncCommand's three cases, for a replica that needs a full sync. */
  requested(link: ReplicaLink): void {
    const config = this.server.config
    if (this.socketJob) {
      this.log.notice('Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC')
    } else if (bgsaveService(this.server).inProgress) {
      const peer = this.diskJob ? [...this.diskJob.links].find((other) => canShare(link, other)) : undefined
      if (this.diskJob && peer) {
        for (const bytes of peer.held) link.hold(bytes)
        this.setup(link, peer.initialOffset, 'disk')
        this.diskJob.links.add(link)
        this.log.notice('Waiting for end of BGSAVE for SYNC')
      } else {
        this.log.notice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC")
      }
    } else if (config.bool('repl-diskless-sync') && link.options.capaEof && config.number('repl-diskless-sync-delay') > 0) {
      this.log.notice('Delay next BGSAVE for diskless SYNC')
    } else if (!this.otherJobActive()) {
      this.start()
    } else {
      this.log.notice('No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed')
    }
    if (!this.timer && link.state === 'wait_bgsave_start') {
      this.timer = setInterval(() => this.startPending(), PENDING_CHECK_MS)
      this.timer.unref()
    }
  }

  /** A replica link closed: a diskless transfer nobody receives any more stops. */
  linkGone(link: ReplicaLink): void {
    this.gone.add(link)
    this.diskJob?.links.delete(link)
    const job = this.socketJob
    if (job && job.links.delete(link) && job.links.size === 0) {
      this.log.warning('Diskless rdb transfer, last replica dropped, killing fork child.')
      job.snapshot?.cancel()
      this.socketJob = undefined
      this.setSnapshotFlag(false)
    }
  }

  /** replicationStartPendingFork: start a snapshot for waiting replicas when nothing else runs and the diskless delay is over. */
  startPending(): void {
    const waiting = this.waiting()
    if (waiting.length === 0) {
      if (this.timer) clearInterval(this.timer)
      this.timer = undefined
      return
    }
    if (this.otherJobActive()) return
    const config = this.server.config
    const maxReplicas = config.number('repl-diskless-sync-max-replicas')
    const delayMs = config.number('repl-diskless-sync-delay') * 1000
    const now = Date.now()
    const maxIdle = Math.max(...waiting.map((link) => now - link.syncedAtMs))
    if (!config.bool('repl-diskless-sync') || (maxReplicas > 0 && waiting.length >= maxReplicas) || maxIdle >= delayMs) this.start()
  }

  private waiting(): ReplicaLink[] {
    return [...this.host.links()].filter((link) => link.state === 'wait_bgsave_start')
  }

  /** hasActiveChildProcess: a BGSAVE, an AOF rewrite or our own diskless transfer. */
  private otherJobActive(): boolean {
    const server = this.server
    return this.socketJob !== undefined || bgsaveService(server).inProgress || (server.aof?.rewriteInProgress ?? false) || (server.persistence?.bgsaveInProgress ?? false)
  }

  /** startBgsaveForReplication. */
  private start(): void {
    const waiting = this.waiting()
    if (waiting.length === 0) return
    const excludeData = waiting[0].options.excludeData
    const group = waiting.filter((link) => link.options.excludeData === excludeData)
    const socket = (this.server.config.bool('repl-diskless-sync') || excludeData) && group.every((link) => link.options.capaEof)
    this.log.notice(`Starting BGSAVE for SYNC with target: ${socket ? 'replicas sockets' : 'disk'}`)
    if (socket) this.startSocket(group)
    else this.startDisk(group)
  }

  /** replicationSetupSlaveForFullResync. */
  private setup(link: ReplicaLink, offset: number, target: 'disk' | 'socket'): void {
    link.initialOffset = offset
    link.state = 'wait_bgsave_end'
    link.target = target
    // slaveseldb = -1: the stream the replica gets after the snapshot starts with a SELECT.
    this.replication.forceSelect()
    if (!link.prePsync) this.host.send(link, Buffer.from(`+FULLRESYNC ${this.replication.replId} ${offset}\r\n`, 'latin1'))
  }

  private startDisk(group: ReplicaLink[]): void {
    const outcome = bgsaveService(this.server).request({ schedule: false, inExec: false })
    if (outcome === 'failed') {
      this.log.warning('BGSAVE for replication failed')
      for (const link of group) {
        this.host.send(link, Buffer.from('-ERR BGSAVE failed, maybe there is not enough disk space?\r\n'))
        link.conn.close()
      }
      return
    }
    // Busy (another job won the race): the replicas keep waiting for the next chance.
    if (outcome !== 'started') return
    // The BGSAVE's image was taken just now, synchronously: this is its offset.
    const offset = this.replication.masterReplOffset
    const job: DiskJob = { links: new Set(group) }
    this.diskJob = job
    for (const link of group) this.setup(link, offset, 'disk')
    void bgsaveService(this.server)
      .idle()
      .then(() => this.diskDone(job))
  }

  private async diskDone(job: DiskJob): Promise<void> {
    if (this.diskJob === job) this.diskJob = undefined
    const links = [...job.links].filter((link) => !this.gone.has(link) && link.state === 'wait_bgsave_end')
    if (links.length === 0) return this.startPending()
    if (!(this.server.persistence?.lastBgsaveOk ?? true)) {
      for (const link of links) {
        this.log.warning('SYNC failed. BGSAVE child returned an error')
        link.conn.close()
      }
      return this.startPending()
    }
    for (const link of links) link.state = 'send_bulk'
    let rdb: Buffer
    try {
      rdb = await readFile(rdbPath(this.server))
    } catch (e) {
      for (const link of links) {
        this.log.warning(`SYNC failed. Can't open/stat DB after BGSAVE: ${(e as Error).message}`)
        link.conn.close()
      }
      return this.startPending()
    }
    for (const link of links) {
      if (this.gone.has(link)) continue
      this.host.send(link, Buffer.from(`$${rdb.length}\r\n`, 'latin1'))
      this.host.send(link, rdb)
      if (this.host.putOnline(link)) this.host.startStream(link)
    }
    this.startPending()
  }

  private startSocket(group: ReplicaLink[]): void {
    const server = this.server
    const offset = this.replication.masterReplOffset
    const mark = randomBytes(20).toString('hex')
    const job: SocketJob = { links: new Set(group), mark: Buffer.from(mark, 'latin1'), snapshot: undefined }
    for (const link of group) {
      this.setup(link, offset, 'socket')
      this.host.send(link, Buffer.from(`$EOF:${mark}\r\n`, 'latin1'))
    }
    this.socketJob = job
    this.setSnapshotFlag(true)
    this.log.notice(`Background RDB transfer started by pid ${process.pid}`)
    const writer = new RdbFileWriter(
      (chunk) => {
        for (const link of job.links) this.host.send(link, chunk)
      },
      { compression: server.config.bool('rdbcompression'), checksum: server.config.bool('rdbchecksum'), limits: limitsFromConfig(server.config) },
    )
    const aux = auxFieldsFor(server)
    if (group[0].options.excludeData) {
      // rdb-filter-only: the header and EOF, no keys (and we have no functions to include).
      writer.header(aux)
      writer.finish()
      this.socketDone(job, undefined)
      return
    }
    job.snapshot = startSnapshot(server.databases, {
      writer,
      aux,
      keyDelayUs: server.config.number('rdb-key-save-delay'),
      onDone: (err) => this.socketDone(job, err),
    })
  }

  private socketDone(job: SocketJob, err: Error | undefined): void {
    if (this.socketJob !== job) return
    this.socketJob = undefined
    this.setSnapshotFlag(false)
    if (err) {
      this.log.warning(`Background transfer error: ${err.message}`)
      for (const link of job.links) link.conn.close()
    } else {
      this.log.notice('Background RDB transfer terminated with success')
      for (const link of job.links) {
        this.host.send(link, job.mark)
        this.log.notice(`Streamed RDB transfer with replica ${link.name} succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming`)
        if (this.host.putOnline(link)) link.startStreamOnAck = true
      }
    }
    this.startPending()
  }

  /** rdb_bgsave_in_progress during a diskless transfer (as Redis's RDB child): SAVE and the AOF rewrite wait for it. */
  private setSnapshotFlag(on: boolean): void {
    const persistence = this.server.persistence
    if (!persistence) return
    persistence.bgsaveInProgress = on
    if (on) persistence.bgsaveStartedAt = performance.now()
  }
}

/** A replica may join another's disk BGSAVE: same filters, and at least that replica's capabilities. */
function canShare(link: ReplicaLink, other: ReplicaLink): boolean {
  if (other.state !== 'wait_bgsave_end' || other.target !== 'disk' || other.options.rdbOnly) return false
  if (other.options.excludeData !== link.options.excludeData) return false
  if (other.options.capaEof && !link.options.capaEof) return false
  return !(other.options.capaPsync2 && !link.options.capaPsync2)
}
