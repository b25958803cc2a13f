/**
 * One replica attached to us, as the master side tracks it (Redis's client
 * fields slave_*, repl_*, replstate), and the parsing of
 * `client-output-buffer-limit` for the replica class.
 */
import type { ReplicaConnection } from '../core'

/** replstate: WAIT_BGSAVE_START/END, SEND_BULK, ONLINE, RDB_TRANSMITTED (rdb-only replicas after their file). */
export type LinkState = 'wait_bgsave_start' | 'wait_bgsave_end' | 'send_bulk' | 'online' | 'rdb_transmitted'

/** What REPLCONF told us before (and after) SYNC/PSYNC. */
export interface ReplicaOptions {
  /** REPLCONF listening-port (0 = not said). */
  listeningPort: number
  /** REPLCONF ip-address. */
  address: string | undefined
  capaEof: boolean
  capaPsync2: boolean
  /** REPLCONF rdb-only 1 (redis-cli --rdb): the snapshot and nothing after it. */
  rdbOnly: boolean
  /** REPLCONF rdb-filter-only: no keys in the snapshot (we have no functions to keep). */
  excludeData: boolean
}

export function defaultReplicaOptions(): ReplicaOptions {
  return { listeningPort: 0, address: undefined, capaEof: false, capaPsync2: false, rdbOnly: false, excludeData: false }
}

export class ReplicaLink {
  state: LinkState = 'wait_bgsave_start'
  /** SYNC rather than PSYNC (CLIENT_PRE_PSYNC): no +FULLRESYNC line, never timed out for missing ACKs. */
  readonly prePsync: boolean
  /** psync_initial_offset: the offset announced with +FULLRESYNC. */
  initialOffset = -1
  /** Stream bytes held back until the snapshot is delivered (or, after a diskless one, until the first ACK). */
  held: Buffer[] = []
  heldBytes = 0
  /** Stream bytes written to the socket since the stream started (to tell them from RDB bytes still queued). */
  streamWritten = 0
  /** repl_ack_off / repl_ack_time (ms). */
  ackOffset = 0
  ackTimeMs: number
  /** repl_start_cmd_stream_on_ack: online after a diskless transfer, but the stream waits for the first ACK. */
  startStreamOnAck = false
  /** When the soft output-buffer limit was first exceeded (obuf_soft_limit_reached_time). */
  softLimitSince: number | undefined
  /** When SYNC/PSYNC arrived (the diskless delay counts from here). */
  readonly syncedAtMs: number
  /** Every byte handed to the socket (the RDB included). */
  bytesSent = 0
  /** Bytes the socket had delivered at the last check, and when that number last grew (repl_last_partial_write). */
  private delivered = 0
  private deliveredAtMs: number
  /** The snapshot this link is served by: 'disk' (a BGSAVE) or 'socket' (diskless). */
  target: 'disk' | 'socket' | undefined

  constructor(
    readonly conn: ReplicaConnection,
    readonly options: ReplicaOptions,
    prePsync: boolean,
    nowMs: number,
  ) {
    this.prePsync = prePsync
    this.ackTimeMs = nowMs
    this.syncedAtMs = nowMs
    this.deliveredAtMs = nowMs
  }

  /** Milliseconds since the socket last delivered a byte to the replica (nothing queued counts as delivering). */
  stalledFor(nowMs: number): number {
    const pending = this.conn.pendingBytes
    const delivered = this.bytesSent - pending
    if (pending === 0 || delivered > this.delivered) {
      this.delivered = delivered
      this.deliveredAtMs = nowMs
    }
    return nowMs - this.deliveredAtMs
  }

  get ip(): string {
    return this.options.address ?? this.conn.ip
  }

  /** replicationGetSlaveName: `ip:port`, or `ip:<unknown-replica-port>` before REPLCONF listening-port. */
  get name(): string {
    const port = this.options.listeningPort
    if (!port) return `${this.ip}:<unknown-replica-port>`
    return this.ip.includes(':') ? `[${this.ip}]:${port}` : `${this.ip}:${port}`
  }

  /** The stream flows to the socket (rather than into `held`). */
  get streaming(): boolean {
    return this.state === 'online' && !this.startStreamOnAck
  }

  /** Output buffer usage as client-output-buffer-limit sees it: the stream waiting, not the RDB bytes still queued. */
  get outputBytes(): number {
    return this.heldBytes + Math.min(this.conn.pendingBytes, this.streamWritten)
  }

  hold(bytes: Buffer): void {
    this.held.push(bytes)
    this.heldBytes += bytes.length
  }

  takeHeld(): Buffer {
    const bytes = this.held.length === 1 ? this.held[0] : Buffer.concat(this.held)
    this.held = []
    this.heldBytes = 0
    return bytes
  }
}

export interface OutputBufferLimit {
  readonly hard: number
  readonly soft: number
  readonly softSeconds: number
}

/** The `replica` (alias `slave`) class of client-output-buffer-limit; Redis's default when absent or unreadable. */
export function replicaBufferLimit(directive: string | undefined): OutputBufferLimit {
  const words = (directive ?? '').trim().split(/\s+/)
  for (let i = 0; i + 3 < words.length; i += 4) {
    const cls = words[i].toLowerCase()
    if (cls !== 'replica' && cls !== 'slave') continue
    const hard = memoryBytes(words[i + 1])
    const soft = memoryBytes(words[i + 2])
    const softSeconds = Number(words[i + 3])
    if (hard !== undefined && soft !== undefined && Number.isFinite(softSeconds)) return { hard, soft, softSeconds }
  }
  return { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 }
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 }

function memoryBytes(text: string): number | undefined {
  const m = /^(\d+)([a-z]*)$/i.exec(text)
  if (!m) return undefined
  const unit = UNITS[m[2].toLowerCase()]
  return unit === undefined ? undefined : Number(m[1]) * unit
}

/** checkClientOutputBufferLimits: true when the link must be closed now. */
export function overLimit(link: ReplicaLink, limit: OutputBufferLimit, nowMs: number): boolean {
  const used = link.outputBytes
  if (limit.hard > 0 && used >= limit.hard) return true
  if (limit.soft > 0 && used >= limit.soft) {
    if (link.softLimitSince === undefined) {
      link.softLimitSince = nowMs
      return false
    }
    return nowMs - link.softLimitSince > limit.softSeconds * 1000
  }
  link.softLimitSince = undefined
  return false
}
