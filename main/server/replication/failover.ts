/**
 * FAILOVER: a coordinated hand-over from this master to one of its replicas,
 * as Redis 7.0's failoverCommand / updateFailoverStatus / abortFailover do it.
 *
 *   FAILOVER ──► waiting-for-sync: writes paused (CLIENT PAUSE WRITE, a pause
 *                of its own), until the target (or any replica) has ACKed
 *                master_repl_offset — or TIMEOUT: abort, or with FORCE go on
 *            ──► failover-in-progress: we become a replica of the target and
 *                send `PSYNC <replid> <offset+1> FAILOVER` (replica.ts); the
 *                target promotes itself and answers like any PSYNC
 *            ──► +CONTINUE / +FULLRESYNC: done, writes unpaused (they now get
 *                READONLY); any other answer: abort, back to master.
 *
 * Nothing else writes to the stream while we wait (the master's pings and
 * REPLCONF GETACK are held, master.ts), so the target's 1 Hz ACKs can reach
 * the offset. The state is `replication.failoverState` (INFO
 * master_failover_state); REPLICAOF and SYNC/PSYNC refuse while it is not
 * no-failover (commands/replication.ts, master.ts).
 */
import type { Reply } from '../protocol/reply'
import { OK, error } from '../protocol/replies'
import type { Replication } from './replication'

export interface FailoverRequest {
  /** TO host port; undefined = the first replica that catches up. */
  readonly target: { host: string; port: number } | undefined
  readonly force: boolean
  /** TIMEOUT in ms; 0 = wait until caught up or aborted. */
  readonly timeoutMs: number
}

/** A replica link as FAILOVER sees it (findReplica). */
export interface FailoverCandidate {
  /** REPLCONF ip-address, else the peer's IP. */
  readonly host: string
  /** REPLCONF listening-port. */
  readonly port: number
  readonly online: boolean
  readonly ackOffset: number
}

export class Failover {
  private target: { host: string; port: number } | undefined
  private force = false
  private endTimeMs = 0
  private timer: NodeJS.Timeout | undefined
  /** The TIMEOUT timer fired (a timer may fire a millisecond before Date.now() reaches its deadline). */
  private timedOut = false
  private updateScheduled = false

  constructor(private readonly replication: Replication) {}

  private get log() {
    return this.replication.server.core.log
  }

  /** failoverCommand after its argument parsing. */
  start(request: FailoverRequest): Reply {
    const replication = this.replication
    if (replication.failoverState !== 'no-failover') return error('ERR FAILOVER already in progress.')
    if (replication.replica.isReplica) return error('ERR FAILOVER is not valid when server is a replica.')
    if (replication.master.replicaCount === 0) return error('ERR FAILOVER requires connected replicas.')
    if (request.force && (!request.timeoutMs || !request.target)) {
      return error('ERR FAILOVER with force option requires both a timeout and target HOST and IP.')
    }
    if (request.target) {
      const replica = replication.master.findReplica(request.target.host, request.target.port)
      if (!replica) return error('ERR FAILOVER target HOST and PORT is not a replica.')
      if (!replica.online) return error('ERR FAILOVER target replica is not online.')
      this.target = { ...request.target }
      this.log.notice(`FAILOVER requested to ${request.target.host}:${request.target.port}.`)
    } else {
      this.log.notice('FAILOVER requested to any replica.')
    }
    this.force = request.force
    if (request.timeoutMs) {
      this.endTimeMs = Date.now() + request.timeoutMs
      this.timer = setTimeout(() => {
        this.timedOut = true
        this.update()
      }, request.timeoutMs)
    }
    replication.failoverState = 'waiting-for-sync'
    replication.server.core.pauseClients?.(Number.MAX_SAFE_INTEGER, 'write', 'failover')
    // Redis checks in beforeSleep, right after this command: a replica already caught up is taken at once.
    this.scheduleUpdate()
    return OK
  }

  /** FAILOVER ABORT. */
  abortCommand(): Reply {
    if (this.replication.failoverState === 'no-failover') return error('ERR No failover in progress.')
    this.abort('Failover manually aborted')
    return OK
  }

  /** An ACK arrived (or the timeout fired): is the target caught up? Runs at most once per event-loop turn. */
  scheduleUpdate(): void {
    if (this.updateScheduled || this.replication.failoverState !== 'waiting-for-sync') return
    this.updateScheduled = true
    setImmediate(() => {
      this.updateScheduled = false
      this.update()
    })
  }

  /** updateFailoverStatus. */
  private update(): void {
    const replication = this.replication
    if (replication.failoverState !== 'waiting-for-sync') return
    if (this.timedOut || (this.endTimeMs && this.endTimeMs <= Date.now())) {
      if (this.force && this.target) {
        this.log.notice(`FAILOVER to ${this.target.host}:${this.target.port} time out exceeded, failing over.`)
        this.handOver(this.target)
      } else {
        this.abort('Replica never caught up before timeout')
      }
      return
    }
    const offset = replication.masterReplOffset
    let caughtUp: FailoverCandidate | undefined
    if (this.target) {
      const replica = replication.master.findReplica(this.target.host, this.target.port)
      if (replica && replica.ackOffset === offset) caughtUp = replica
    } else {
      caughtUp = replication.master.failoverCandidates().find((r) => r.online && r.ackOffset === offset)
      if (caughtUp) this.target = { host: caughtUp.host, port: caughtUp.port }
    }
    if (!caughtUp || !this.target) return
    this.log.notice(`Failover target ${this.target.host}:${this.target.port} is synced, failing over.`)
    this.handOver(this.target)
  }

  /** failover-in-progress: replicationSetMaster(target); the replica side sends PSYNC … FAILOVER. */
  private handOver(target: { host: string; port: number }): void {
    this.stopTimer()
    this.replication.failoverState = 'failover-in-progress'
    this.replication.replica.follow(target.host, target.port)
  }

  /** The target's answer to PSYNC FAILOVER (syncWithMaster): a sync of either kind completes the failover. */
  psyncAnswered(accepted: boolean): void {
    if (this.replication.failoverState !== 'failover-in-progress') return
    if (accepted) this.clear()
    else this.abort('Failover target rejected psync request')
  }

  /** abortFailover: back to master (a new replication id, as replicationUnsetMaster) when we had already switched. */
  abort(reason: string): void {
    const replication = this.replication
    if (replication.failoverState === 'no-failover') return
    if (this.target) this.log.notice(`FAILOVER to ${this.target.host}:${this.target.port} aborted: ${reason}`)
    else this.log.notice(`FAILOVER to any replica aborted: ${reason}`)
    if (replication.failoverState === 'failover-in-progress') replication.replica.promote()
    this.clear()
  }

  /** clearFailoverState: forget the request and lift the write pause. */
  private clear(): void {
    this.stopTimer()
    this.target = undefined
    this.force = false
    this.endTimeMs = 0
    this.timedOut = false
    this.replication.failoverState = 'no-failover'
    this.replication.server.core.unpauseClients?.('failover')
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }
}
